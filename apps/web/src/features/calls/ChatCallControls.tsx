import type { TChat } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { useCalls } from './CallProvider';

/** The chat header's «Позвонить» / «Видеозвонок» (not in channels: they have broadcasts). */
export function ChatCallButtons({ chat }: { chat: TChat }) {
  const { t } = useTranslation();
  const { start, active, liveCalls } = useCalls();
  if (chat.kind === 'channel') return null;
  const busy = active !== null || liveCalls.some((call) => call.chatId === chat.id);
  return (
    <>
      <Button variant="secondary" className="call-icon-button" disabled={busy} aria-label={t('calls.start.audio')} title={t('calls.start.audio')} onClick={() => void start(chat.id, false)}>
        <span aria-hidden="true">📞</span>
      </Button>
      <Button variant="secondary" className="call-icon-button" disabled={busy} aria-label={t('calls.start.video')} title={t('calls.start.video')} onClick={() => void start(chat.id, true)}>
        <span aria-hidden="true">🎥</span>
      </Button>
    </>
  );
}

/** «Идёт звонок · 3 в звонке — Присоединиться» above the conversation while a call runs in the chat; and why a call could not start. */
export function ChatCallBanner({ chat }: { chat: TChat }) {
  const { t } = useTranslation();
  const { liveCalls, active, join, error, clearError } = useCalls();
  const call = liveCalls.find((candidate) => candidate.chatId === chat.id && candidate.status !== 'ended');
  return (
    <>
      {error && (
        <div className="call-banner call-banner--error" role="alert">
          <span>{error}</span>
          <Button variant="quiet" onClick={clearError}>
            {t('calls.dismissError')}
          </Button>
        </div>
      )}
      {call && (
        <div className="call-banner" role="status">
          <span>{active?.call.id === call.id ? t('calls.start.inProgressHere') : t('calls.start.inProgress', { count: call.participants.filter((p) => p.state === 'joined').length })}</span>
          {active?.call.id !== call.id && (
            <Button onClick={() => void join(call, call.video)} disabled={active !== null}>
              {t('calls.start.join')}
            </Button>
          )}
        </div>
      )}
    </>
  );
}
