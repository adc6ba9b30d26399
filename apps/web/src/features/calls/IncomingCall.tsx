import type { TCall } from '@parta/contracts';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';

/** «Анна Смирнова звонит вам» with answer (video or audio) and decline; Escape declines. */
export function IncomingCall({ call, onAccept, onDecline }: { call: TCall; onAccept: (video: boolean) => void; onDecline: () => void }) {
  const { t } = useTranslation();
  const acceptRef = useRef<HTMLButtonElement>(null);
  const caller = call.startedBy.displayName;
  const title = call.mode === 'p2p' ? t(call.video ? 'calls.incoming.videoFrom' : 'calls.incoming.audioFrom', { name: caller }) : t('calls.incoming.group', { name: caller, chat: call.chatTitle });
  return (
    <Dialog title={title} onClose={onDecline} initialFocusRef={acceptRef}>
      <div className="incoming-call" role="alert">
        <p className="incoming-call__ring" aria-hidden="true">
          📞
        </p>
        <p>{t('calls.incoming.hint')}</p>
        <div className="incoming-call__actions">
          <Button ref={acceptRef} onClick={() => onAccept(call.video)}>
            {call.video ? t('calls.incoming.acceptVideo') : t('calls.incoming.accept')}
          </Button>
          {call.video && (
            <Button variant="secondary" onClick={() => onAccept(false)}>
              {t('calls.incoming.acceptAudio')}
            </Button>
          )}
          <Button variant="secondary" className="button--danger" onClick={onDecline}>
            {t('calls.incoming.decline')}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
