import type { TInvitation, TInvitationRole } from '@parta/contracts';
import type { TranslationKey } from '../../platform/i18n/translation-key';

/** The role a link gives, as on a badge: «педагог», «родитель», … */
export const invitationRoleLabelKeys: Record<TInvitationRole, TranslationKey> = {
  director: 'roles.director',
  teacher: 'roles.teacher',
  student: 'roles.student',
  parent: 'roles.parent',
};

export const invitationStateLabelKeys: Record<TInvitation['state'], TranslationKey> = {
  active: 'invitations.states.active',
  expired: 'invitations.states.expired',
  used_up: 'invitations.states.used_up',
  revoked: 'invitations.states.revoked',
};
