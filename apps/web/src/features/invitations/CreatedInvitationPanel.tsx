import type { TCreatedInvitation } from '@parta/contracts';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { QrCode } from '../../ui/QrCode';
import { invitationRoleLabelKeys } from './invitation-labels';

/**
 * The new link, shown this once (the server keeps only a hash of its secret): the address with
 * «Копировать», and a QR code drawn in the browser for a class to scan. «Готово» hides it.
 */
export function CreatedInvitationPanel({ invitation, onDone }: { invitation: TCreatedInvitation; onDone: () => void }) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const linkRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const copy = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) {
      linkRef.current?.select();
      setCopyState('failed');
      return;
    }
    clipboard.writeText(invitation.url).then(
      () => setCopyState('copied'),
      () => {
        linkRef.current?.select();
        setCopyState('failed');
      },
    );
  };

  const what = invitation.class
    ? t('invitations.created.forClass', { role: t(invitationRoleLabelKeys[invitation.role]), className: invitation.class.name })
    : t('invitations.created.forOrganization', { role: t(invitationRoleLabelKeys[invitation.role]) });

  return (
    <section className="card created-invitation" aria-labelledby="created-invitation-title">
      <h2 id="created-invitation-title" ref={headingRef} tabIndex={-1}>
        {t('invitations.created.title')}
      </h2>
      <p>{what}</p>
      <p className="alert alert--info">{t('invitations.created.once')}</p>
      <div className="field">
        <label className="field__label" htmlFor="created-invitation-url">
          {t('invitations.created.link')}
        </label>
        <div className="copy-field">
          <input ref={linkRef} id="created-invitation-url" className="field__input copy-field__input" readOnly value={invitation.url} onFocus={(event) => event.target.select()} />
          <Button variant="secondary" onClick={copy}>
            {t('invitations.created.copy')}
          </Button>
        </div>
        <p className="field__status" role="status">
          {copyState === 'copied' ? t('invitations.created.copied') : copyState === 'failed' ? t('invitations.created.copyFailed') : ''}
        </p>
      </div>
      <figure className="created-invitation__qr">
        <QrCode value={invitation.url} label={t('invitations.created.qrLabel')} />
        <figcaption className="muted">{t('invitations.created.qrCaption')}</figcaption>
      </figure>
      <Button onClick={onDone}>{t('invitations.created.done')}</Button>
    </section>
  );
}
