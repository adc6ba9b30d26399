import type { TOrganizationKind, TRole } from '@parta/contracts';
import type { TranslationKey } from '../../platform/i18n/translation-key';

/** The Russian (or English) name of each kind of organization, e.g. «Колледж (СПО)». */
export const organizationKindLabelKeys: Record<TOrganizationKind, TranslationKey> = {
  region: 'organizationKinds.region',
  municipality: 'organizationKinds.municipality',
  school: 'organizationKinds.school',
  college: 'organizationKinds.college',
  centre: 'organizationKinds.centre',
};

/** Role badges: «администратор», «педагог», … */
export const roleLabelKeys: Record<TRole, TranslationKey> = {
  administrator: 'roles.administrator',
  director: 'roles.director',
  teacher: 'roles.teacher',
  student: 'roles.student',
  parent: 'roles.parent',
};
