import type { TChat, TMessage } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { FormDialog } from '../../ui/FormDialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { TextAreaField } from '../../ui/TextAreaField';
import { TextField } from '../../ui/TextField';
import { PersonName } from '../school/PersonName';
import { chatKindIcons, chatKindLabelKeys, describeMessageBriefly } from './chat-labels';
import { describeRefusal } from './chat-errors';
import { acknowledgementsQueryKey, fetchAcknowledgements, reportMessage } from './chats-api';
import { submitMessage } from './outbox';
import { useChatList } from './use-chat-queries';

type ForwardDialogProps = { message: TMessage; fromChatId: string; onClose: () => void; onForwarded: (chat: TChat) => void };

/**
 * «Переслать»: the person's chats where they may write; choosing one sends the message there
 * (`forwardFromId`; it shows «Переслано от …» with its author) and closes the dialog.
 */
export function ForwardDialog({ message, fromChatId, onClose, onForwarded }: ForwardDialogProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const chats = useChatList();
  const searchRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [query, setQuery] = useState('');
  const needle = query.trim().toLocaleLowerCase();
  const targets = (chats.data?.chats ?? []).filter((chat) => chat.canWrite && chat.id !== fromChatId && chat.title.toLocaleLowerCase().includes(needle));

  const forward = (chat: TChat) => {
    submitMessage(queryClient, { chatId: chat.id, text: '', replyTo: null, forwardFrom: { id: message.id, author: message.author, text: message.text } });
    onForwarded(chat);
  };

  return (
    <Dialog title={t('chats.forward.title')} onClose={onClose} initialFocusRef={searchRef}>
      <div className="form">
        <p className="muted forward-preview">
          {message.author?.displayName ?? ''}: {describeMessageBriefly(message, t).slice(0, 160)}
        </p>
        <TextField ref={searchRef} label={t('chats.forward.search')} type="search" value={query} onChange={(event) => setQuery(event.target.value)} autoComplete="off" aria-controls={listId} />
        <QueryStatus query={chats} />
        {chats.data && targets.length === 0 && <p className="muted">{t('chats.forward.none')}</p>}
        <ul id={listId} className="contact-list" aria-label={t('chats.forward.listLabel')}>
          {targets.map((chat) => {
            const kindKey = chatKindLabelKeys[chat.kind];
            return (
              <li key={chat.id}>
                <button type="button" className="contact-list__button" onClick={() => forward(chat)}>
                  <span aria-hidden="true">{chatKindIcons[chat.kind]}</span>
                  <span>{chat.title}</span>
                  {kindKey && <span className="muted">({t(kindKey)})</span>}
                </button>
              </li>
            );
          })}
        </ul>
        <div className="form__actions">
          <Button variant="secondary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

const maxReasonLength = 500;

type ReportDialogProps = { message: TMessage; onClose: () => void; onReported: () => void };

/** «Пожаловаться»: a reason for the organization's administrators and the class teacher. */
export function ReportDialog({ message, onClose, onReported }: ReportDialogProps) {
  const { t } = useTranslation();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState('');
  const [isEmpty, setEmpty] = useState(false);
  const report = useMutation({ mutationFn: () => reportMessage(message.chatId, message.id, reason.trim()), onSuccess: onReported });
  const submit = () => {
    if (reason.trim() === '') {
      setEmpty(true);
      reasonRef.current?.focus();
      return;
    }
    setEmpty(false);
    report.mutate();
  };
  return (
    <FormDialog
      title={t('chats.report.title')}
      submitLabel={t('chats.report.submit')}
      pendingLabel={t('chats.report.pending')}
      isPending={report.isPending}
      error={report.error ? describeRefusal(report.error, t) : undefined}
      onSubmit={submit}
      onCancel={onClose}
      initialFocusRef={reasonRef}
    >
      <p className="muted report-preview">
        {message.author?.displayName ?? ''}: {describeMessageBriefly(message, t).slice(0, 160)}
      </p>
      <TextAreaField
        ref={reasonRef}
        label={t('chats.report.reason')}
        hint={t('chats.report.hint')}
        rows={3}
        maxLength={maxReasonLength}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={isEmpty ? t('chats.report.reasonRequired') : undefined}
      />
    </FormDialog>
  );
}

/** «Кто подтвердил»: who confirmed a post and who has not yet (the channel's administrators, the author). */
export function AcknowledgementsDialog({ message, onClose }: { message: TMessage; onClose: () => void }) {
  const { t } = useTranslation();
  const closeRef = useRef<HTMLButtonElement>(null);
  const acks = useQuery({ queryKey: acknowledgementsQueryKey(message.chatId, message.id), queryFn: ({ signal }) => fetchAcknowledgements(message.chatId, message.id, signal) });
  const confirmedId = useId();
  const pendingId = useId();
  return (
    <Dialog title={t('chats.ack.whoTitle')} onClose={onClose} initialFocusRef={closeRef}>
      <div className="form">
        <p className="muted">{describeMessageBriefly(message, t).slice(0, 160)}</p>
        <QueryStatus query={acks} />
        {acks.data && (
          <div className="ack-lists">
            <section aria-labelledby={confirmedId}>
              <h3 id={confirmedId} className="ack-lists__title">
                {t('chats.ack.confirmed')} <span className="muted">({acks.data.confirmed.length})</span>
              </h3>
              {acks.data.confirmed.length === 0 ? (
                <p className="muted">{t('chats.ack.nobodyYet')}</p>
              ) : (
                <ul className="ack-lists__list" aria-label={t('chats.ack.confirmed')}>
                  {acks.data.confirmed.map((person) => (
                    <li key={person.id}>
                      <PersonName person={person} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section aria-labelledby={pendingId}>
              <h3 id={pendingId} className="ack-lists__title">
                {t('chats.ack.pendingList')} <span className="muted">({acks.data.pending.length})</span>
              </h3>
              {acks.data.pending.length === 0 ? (
                <p className="muted">{t('chats.ack.everyone')}</p>
              ) : (
                <ul className="ack-lists__list" aria-label={t('chats.ack.pendingList')}>
                  {acks.data.pending.map((person) => (
                    <li key={person.id}>
                      <PersonName person={person} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        )}
        <div className="form__actions">
          <Button ref={closeRef} variant="secondary" onClick={onClose}>
            {t('chats.attachments.close')}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
