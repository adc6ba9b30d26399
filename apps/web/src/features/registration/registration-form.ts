import { ZApplicationAdministrator, ZApplicationOrganization, type TOrganizationKind, type TSubmitApplicationRequest } from '@parta/contracts';
import type { TranslationKey } from '../../platform/i18n/translation-key';

/** The form's fields in page order (the first invalid one gets focus); names are the contract's paths. */
export const registrationFields = [
  'organization.kind',
  'organization.name',
  'organization.shortName',
  'organization.inn',
  'organization.address',
  'organization.parentName',
  'administrator.fullName',
  'administrator.phone',
  'administrator.email',
  'orderUploadToken',
] as const;
export type RegistrationField = (typeof registrationFields)[number];
export type TypedField = Exclude<RegistrationField, 'orderUploadToken'>;
export type FieldErrors = Partial<Record<RegistrationField, string>>;

export type RegistrationValues = Record<TypedField, string>;

export const emptyRegistrationValues: RegistrationValues = {
  'organization.kind': '',
  'organization.name': '',
  'organization.shortName': '',
  'organization.inn': '',
  'organization.address': '',
  'organization.parentName': '',
  'administrator.fullName': '',
  'administrator.phone': '',
  'administrator.email': '',
};

/** What to say when our own check (the contract's schema) refuses a typed field. */
export const validationMessageKeys: Record<TypedField, TranslationKey> = {
  'organization.kind': 'register.validation.kind',
  'organization.name': 'register.validation.name',
  'organization.shortName': 'register.validation.shortName',
  'organization.inn': 'register.validation.inn',
  'organization.address': 'register.validation.address',
  'organization.parentName': 'register.validation.parentName',
  'administrator.fullName': 'register.validation.fullName',
  'administrator.phone': 'register.validation.phone',
  'administrator.email': 'register.validation.email',
};

function organizationOf(values: RegistrationValues) {
  const parentName = values['organization.parentName'].trim();
  return {
    kind: values['organization.kind'] as TOrganizationKind,
    name: values['organization.name'].trim(),
    shortName: values['organization.shortName'].trim(),
    inn: values['organization.inn'].trim(),
    address: values['organization.address'].trim(),
    ...(parentName ? { parentName } : {}),
  };
}

function administratorOf(values: RegistrationValues) {
  return {
    fullName: values['administrator.fullName'].trim(),
    phone: values['administrator.phone'].trim(),
    email: values['administrator.email'].trim(),
  };
}

export function buildApplication(values: RegistrationValues, orderUploadToken: string): TSubmitApplicationRequest {
  return { organization: organizationOf(values), administrator: administratorOf(values), orderUploadToken };
}

/**
 * The typed fields the server would refuse, found with the contract's own schemas so the two
 * cannot disagree on lengths and formats. The server still has the last word.
 */
export function findInvalidFields(values: RegistrationValues): TypedField[] {
  const invalid = new Set<string>();
  const organization = ZApplicationOrganization.safeParse(organizationOf(values));
  if (!organization.success) for (const issue of organization.error.issues) invalid.add(`organization.${String(issue.path[0])}`);
  const administrator = ZApplicationAdministrator.safeParse(administratorOf(values));
  if (!administrator.success) for (const issue of administrator.error.issues) invalid.add(`administrator.${String(issue.path[0])}`);
  return registrationFields.filter((field): field is TypedField => field !== 'orderUploadToken' && invalid.has(field));
}

/** The field a server error path points at: "organization.inn", also as "body.organization.inn". */
export function fieldForServerPath(path: string): RegistrationField | undefined {
  const normalized = path.replace(/^body\./, '');
  return registrationFields.find((field) => normalized === field || normalized.startsWith(`${field}.`));
}

export function firstInPageOrder(errors: FieldErrors): RegistrationField | undefined {
  return registrationFields.find((field) => errors[field] !== undefined);
}
