import type { TInvitationPreview, TMe } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { signInPathFor } from '../../platform/session/next-path';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextAreaField } from '../../ui/TextAreaField';
import { browserLocalStorage, storeChosenOrganization } from '../organization/chosen-organization-store';
import { SectionTitle } from '../organization/SectionTitle';
import { invitationRoleLabelKeys } from './invitation-labels';
import { joinByInvitation } from './join-invitation';

type InvitationLandingProps = { token: string; preview: TInvitationPreview; me: TMe | null };

/**
 * A valid link: the organization, class and role it leads to. Signed out: «Войти и вступить»
 * (sign-in comes back here). Signed in: «Вступить», with a word about oneself when the link needs
 * approval; joined → the organization, pending → «Заявка отправлена».
 */
export function InvitationLanding({ token, preview, me }: InvitationLandingProps) {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const errorRef = useRef<HTMLDivElement>(null);
  const join = useMutation({
    mutationFn: (userId: string) => joinByInvitation(queryClient, userId, token, note),
    onSuccess: (result) => {
      if (result.status === 'joined') void navigate('/organization', { replace: true });
    },
    onError: () => errorRef.current?.focus(),
  });

  if (join.data?.status === 'pending') return <JoinRequestSent organizationName={preview.organization.shortName} />;

  const role = t(invitationRoleLabelKeys[preview.role]);
  return (
    <div className="form">
      <SectionTitle title={t('join.title')} />
      <p>{t('join.intro')}</p>
      <dl className="details">
        <dt>{t('join.organization')}</dt>
        <dd>
          <strong>{preview.organization.shortName}</strong>
          <br />
          <span className="muted">{preview.organization.name}</span>
        </dd>
        {preview.class && (
          <>
            <dt>{t('join.class')}</dt>
            <dd>{preview.class.name}</dd>
          </>
        )}
        <dt>{t('join.role')}</dt>
        <dd>{role}</dd>
      </dl>
      {preview.requiresApproval && <p>{t('join.needsApproval')}</p>}
      {me === null && (
        <>
          <p>{t('join.signInFirst')}</p>
          <p>
            <Link className="button button--primary" to={signInPathFor(location)}>
              {t('join.signIn')}
            </Link>
          </p>
        </>
      )}
      {me !== null && preview.alreadyMember && (
        <>
          <p>{t('join.alreadyMember')}</p>
          <p>
            <Link to="/organization" onClick={() => preview.organizationId && storeChosenOrganization(browserLocalStorage(), me.id, preview.organizationId)}>
              {t('join.openOrganization')}
            </Link>
          </p>
        </>
      )}
      {me !== null && !preview.alreadyMember && (
        <>
          <p className="muted">{t('join.signedInAs', { name: me.displayName })}</p>
          {preview.requiresApproval && (
            <TextAreaField label={t('join.note')} hint={t('join.noteHint')} maxLength={300} rows={3} value={note} onChange={(event) => setNote(event.target.value)} />
          )}
          {join.error && <Alert ref={errorRef}>{describeErrorWithDetail(join.error, t)}</Alert>}
          <div className="form__actions">
            <Button onClick={() => join.mutate(me.id)} disabled={join.isPending}>
              {preview.requiresApproval ? t('join.submitRequest') : t('join.submit')}
            </Button>
            {join.isPending && (
              <span className="form__status" role="status">
                {t('join.submitting')}
              </span>
            )}
          </div>
        </>
      )}
    </div>
  );
}

/** «Заявка отправлена, ждите решения»: focus moves to the heading so screen readers read it. */
function JoinRequestSent({ organizationName }: { organizationName: string }) {
  const { t } = useTranslation();
  return (
    <div className="prose">
      <SectionTitle focusOnMount title={t('join.pendingTitle')} />
      <p>{t('join.pendingText', { organization: organizationName })}</p>
      <p>
        <Link to="/">{t('join.home')}</Link>
      </p>
    </div>
  );
}
