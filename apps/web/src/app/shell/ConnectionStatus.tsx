import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';

/** The live-connection dot and word. Polite live region: changes are announced without interrupting. */
export function ConnectionStatus() {
  const { t } = useTranslation();
  const { connectionState } = useRealtime();
  const text = { online: t('connection.online'), connecting: t('connection.connecting'), offline: t('connection.offline') }[connectionState];
  return (
    <div className="connection-status" data-testid="connection-status" data-state={connectionState} role="status" aria-live="polite">
      <span className="connection-status__dot" aria-hidden="true" />
      <span className="connection-status__text">{text}</span>
    </div>
  );
}
