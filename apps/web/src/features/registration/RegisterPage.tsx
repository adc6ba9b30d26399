import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { RegistrationForm } from './RegistrationForm';

/** /register: anyone may apply to register an organization; the operator decides. */
export function RegisterPage() {
  const { t } = useTranslation();
  const [sentTo, setSentTo] = useState<string | null>(null);
  usePageTitle(sentTo === null ? t('register.title') : t('register.sent.title'));
  return (
    <div className="card auth-card auth-card--wide">
      {sentTo === null ? (
        <>
          <h1 id="page-title">{t('register.title')}</h1>
          <p>{t('register.intro')}</p>
          <RegistrationForm onSent={setSentTo} />
        </>
      ) : (
        <ApplicationSent administratorEmail={sentTo} />
      )}
    </div>
  );
}

/** «Заявка отправлена»: focus moves to the heading, so screen readers start reading here. */
function ApplicationSent({ administratorEmail }: { administratorEmail: string }) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    <div className="prose">
      <h1 id="page-title" ref={headingRef} tabIndex={-1}>
        {t('register.sent.title')}
      </h1>
      <p>{t('register.sent.text')}</p>
      <p>{t('register.sent.email', { email: administratorEmail })}</p>
      <p>
        <Link to="/sign-in">{t('register.sent.signIn')}</Link>
      </p>
    </div>
  );
}
