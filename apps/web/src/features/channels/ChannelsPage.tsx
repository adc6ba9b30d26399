import { useTranslation } from 'react-i18next';
import { ChannelDirectory } from '../chats/ChannelDirectory';
import { OrganizationGate } from '../organization/OrganizationGate';
import { SectionTitle } from '../organization/SectionTitle';

/**
 * /channels «Каналы»: the current organization's channels to subscribe to (and, for staff, to
 * create). A subscribed channel is read in «Чаты», beside the chats.
 */
export function ChannelsPage() {
  const { t } = useTranslation();
  return (
    <section className="page page--wide" aria-labelledby="page-title">
      <OrganizationGate title={t('nav.channels')}>
        {(organization) => (
          <>
            <SectionTitle title={t('nav.channels')} />
            <p className="muted">{t('chats.channels.intro')}</p>
            <ChannelDirectory organization={organization} />
          </>
        )}
      </OrganizationGate>
    </section>
  );
}
