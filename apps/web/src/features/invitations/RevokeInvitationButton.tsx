import type { TInvitation, TListInvitationsResponse } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { invitationsQueryKey, revokeInvitation } from './invitations-api';

type RevokeInvitationButtonProps = { organizationId: string; invitation: TInvitation; description: string; onRevoked: (message: string) => void };

/** «Аннулировать» an unused link, after a confirmation; it stops working at once. */
export function RevokeInvitationButton({ organizationId, invitation, description, onRevoked }: RevokeInvitationButtonProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [isConfirming, setConfirming] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  const revoke = useMutation({
    mutationFn: () => revokeInvitation(organizationId, invitation.id),
    onSuccess: (revoked) => {
      // The revoked state shows at once; the list is then checked against the server.
      queryClient.setQueryData<TListInvitationsResponse>(invitationsQueryKey(organizationId), (list) =>
        list ? { invitations: list.invitations.map((item) => (item.id === revoked.id ? revoked : item)) } : list,
      );
      void queryClient.invalidateQueries({ queryKey: invitationsQueryKey(organizationId) });
    },
  });

  return (
    <>
      <Button ref={openerRef} variant="secondary" onClick={() => setConfirming(true)} aria-label={t('invitations.revoke.openNamed', { what: description })}>
        {t('invitations.revoke.open')}
      </Button>
      {isConfirming && (
        <ConfirmDialog
          title={t('invitations.revoke.title')}
          confirmLabel={t('invitations.revoke.confirm')}
          pendingLabel={t('invitations.revoke.pending')}
          isPending={revoke.isPending}
          error={revoke.error ? describeErrorWithDetail(revoke.error, t) : undefined}
          isDangerous
          onConfirm={() =>
            revoke.mutate(undefined, {
              onSuccess: () => {
                setConfirming(false);
                onRevoked(t('invitations.revoke.done', { what: description }));
              },
            })
          }
          onCancel={() => {
            revoke.reset();
            setConfirming(false);
          }}
          returnFocusRef={openerRef}
        >
          <p>{t('invitations.revoke.text', { what: description })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
