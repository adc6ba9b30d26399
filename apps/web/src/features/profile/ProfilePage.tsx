import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { useMe } from '../../platform/session/use-me';
import { DisplayNameForm } from './DisplayNameForm';

/** The person's own profile: their name (editable), their contacts (private) and language. */
export function ProfilePage() {
  const { t } = useTranslation();
  const me = useMe();
  usePageTitle(t('nav.profile'));
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.profile')}</h1>
      <div className="card">
        <DisplayNameForm currentName={me.displayName} />
      </div>
      <div className="card">
        <h2>{t('profile.contacts')}</h2>
        <p className="muted">{t('profile.contactsPrivacy')}</p>
        <dl className="details">
          <dt>{t('profile.email')}</dt>
          <dd>{me.email ?? <span className="muted">{t('profile.emailNotSet')}</span>}</dd>
          <dt>{t('profile.phone')}</dt>
          <dd>{me.phone ?? <span className="muted">{t('profile.phoneNotSet')}</span>}</dd>
          <dt>{t('profile.language')}</dt>
          <dd>
            {me.locale === 'en' ? t('language.en') : t('language.ru')} <span className="muted">— {t('profile.languageHint')}</span>
          </dd>
        </dl>
      </div>
    </section>
  );
}
