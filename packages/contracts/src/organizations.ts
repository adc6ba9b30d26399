import { z } from 'zod';
import { attachmentContentTypes, attachmentMaxBytes, attachmentTypes } from './attachments.ts';
import { ruMessage, ZMultiLine, ZSingleLine } from './text.ts';

/** Kinds of organization, in the tree region → municipality → school / college / centre. */
export const organizationKinds = ['region', 'municipality', 'school', 'college', 'centre'] as const;
export const ZOrganizationKind = z.enum(organizationKinds);
export type TOrganizationKind = z.infer<typeof ZOrganizationKind>;

/** Roles a person holds inside one organization; one person may hold several. */
export const roles = ['administrator', 'director', 'teacher', 'student', 'parent'] as const;
export const ZRole = z.enum(roles);
export type TRole = z.infer<typeof ZRole>;

/** ИНН of a legal entity: 10 digits. */
export const ZInn = z
  .string()
  .trim()
  .refine((value) => /^\d{10}$/.test(value), ruMessage('must be 10 digits', 'ИНН организации — 10 цифр'));

/** A phone number as typed; the server normalizes it (and refuses what is not a phone). */
export const ZPhoneInput = ZSingleLine(5, 32);
export const ZEmailInput = z.string().trim().toLowerCase().pipe(z.email().max(254));

// ---------------------------------------------------------------------------------------------
// Uploads

/** What an upload is for; each purpose has its own allowed types, size limit and access rule. */
export const uploadPurposes = ['appointment_order', 'chat_attachment'] as const;
export const ZUploadPurpose = z.enum(uploadPurposes);
export type TUploadPurpose = z.infer<typeof ZUploadPurpose>;

export type TUploadRule = {
  /** Types accepted, decided by the file's content, never by its name. */
  contentTypes: readonly string[];
  /** The largest file of any accepted type: the request body may not be longer. */
  maxBytes: number;
  /** A smaller limit for some types. */
  maxBytesByType?: Readonly<Record<string, number>>;
  /** Anonymous uploads are refused with 401 (appointment orders come from applicants without an account). */
  signInRequired: boolean;
};

export const uploadRules: Record<TUploadPurpose, TUploadRule> = {
  appointment_order: { contentTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: 10 * 1024 * 1024, signInRequired: false },
  chat_attachment: {
    contentTypes: attachmentContentTypes,
    maxBytes: Math.max(...Object.values(attachmentMaxBytes)),
    maxBytesByType: Object.fromEntries(attachmentContentTypes.map((type) => [type, attachmentMaxBytes[attachmentTypes[type].kind]])),
    signInRequired: true,
  },
};

/** The largest file of this type the purpose accepts. */
export const uploadLimit = (purpose: TUploadPurpose, contentType: string): number => uploadRules[purpose].maxBytesByType?.[contentType] ?? uploadRules[purpose].maxBytes;

/** `POST /api/uploads?purpose=…&name=…` with the file's bytes as the body. */
export const ZUploadQuery = z
  .object({
    purpose: ZUploadPurpose,
    /** The file's name as the person chose it; shown back, never used to decide the type. */
    name: ZSingleLine(1, 200),
  })
  .strict();
export type TUploadQuery = z.infer<typeof ZUploadQuery>;

export const ZUploadResponse = z
  .object({
    /** A secret that lets its holder attach this upload to one form (≥128 bits). */
    uploadToken: z.string(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
  })
  .meta({ id: 'UploadResponse' });
export type TUploadResponse = z.infer<typeof ZUploadResponse>;

// ---------------------------------------------------------------------------------------------
// Registration applications (заявки на регистрацию)

export const ZApplicationOrganization = z
  .object({
    kind: ZOrganizationKind,
    /** Full official name, e.g. «МБОУ „Средняя школа № 5“». */
    name: ZSingleLine(3, 300),
    /** Short name people use, e.g. «Школа № 5». */
    shortName: ZSingleLine(2, 100),
    inn: ZInn,
    address: ZSingleLine(5, 300),
    /** The authority above it as the applicant names it (region or municipality); the operator links it. */
    parentName: ZSingleLine(3, 300).optional(),
  })
  .strict();

export const ZApplicationAdministrator = z
  .object({
    fullName: ZSingleLine(3, 150),
    phone: ZPhoneInput,
    email: ZEmailInput,
  })
  .strict();

export const ZSubmitApplicationRequest = z
  .object({
    organization: ZApplicationOrganization,
    administrator: ZApplicationAdministrator,
    /** From `POST /api/uploads?purpose=appointment_order`: the scan of the appointment order. */
    orderUploadToken: z.string().trim().min(20).max(100),
  })
  .strict()
  .meta({ id: 'SubmitApplicationRequest' });
export type TSubmitApplicationRequest = z.infer<typeof ZSubmitApplicationRequest>;

export const applicationStatuses = ['pending', 'approved', 'rejected'] as const;
export const ZApplicationStatus = z.enum(applicationStatuses);
export type TApplicationStatus = z.infer<typeof ZApplicationStatus>;

export const ZSubmitApplicationResponse = z
  .object({ id: z.uuid(), status: ZApplicationStatus })
  .meta({ id: 'SubmitApplicationResponse' });
export type TSubmitApplicationResponse = z.infer<typeof ZSubmitApplicationResponse>;

/** An application as the platform operator reviews it. */
export const ZApplication = z
  .object({
    id: z.uuid(),
    status: ZApplicationStatus,
    organization: z.object({
      kind: ZOrganizationKind,
      name: z.string(),
      shortName: z.string(),
      inn: z.string(),
      address: z.string(),
      parentName: z.string().nullable(),
    }),
    administrator: z.object({ fullName: z.string(), phone: z.string(), email: z.string() }),
    order: z.object({ name: z.string(), contentType: z.string(), size: z.number().int() }),
    submittedAt: z.iso.datetime(),
    reviewedAt: z.iso.datetime().nullable(),
    rejectionReason: z.string().nullable(),
    /** The organization created on approval. */
    organizationId: z.uuid().nullable(),
  })
  .meta({ id: 'Application' });
export type TApplication = z.infer<typeof ZApplication>;

export const ZListApplicationsQuery = z.object({ status: ZApplicationStatus.optional() }).strict();
export const ZListApplicationsResponse = z.object({ applications: z.array(ZApplication) }).meta({ id: 'ListApplicationsResponse' });
export type TListApplicationsResponse = z.infer<typeof ZListApplicationsResponse>;

export const ZApproveApplicationRequest = z
  .object({
    /** The region or municipality the new organization belongs under, if any. */
    parentOrganizationId: z.uuid().nullable().optional(),
  })
  .strict()
  .meta({ id: 'ApproveApplicationRequest' });
export type TApproveApplicationRequest = z.infer<typeof ZApproveApplicationRequest>;

export const ZRejectApplicationRequest = z
  .object({
    /** Sent to the applicant by e-mail. */
    reason: ZMultiLine(5, 2000),
  })
  .strict()
  .meta({ id: 'RejectApplicationRequest' });
export type TRejectApplicationRequest = z.infer<typeof ZRejectApplicationRequest>;

// ---------------------------------------------------------------------------------------------
// Organizations

export const ZOrganization = z
  .object({
    id: z.uuid(),
    kind: ZOrganizationKind,
    name: z.string(),
    shortName: z.string(),
    address: z.string(),
    parentId: z.uuid().nullable(),
    /** The roles the person asking holds here. */
    myRoles: z.array(ZRole),
  })
  .meta({ id: 'Organization' });
export type TOrganization = z.infer<typeof ZOrganization>;

export const ZMyOrganizationsResponse = z.object({ organizations: z.array(ZOrganization) }).meta({ id: 'MyOrganizationsResponse' });
export type TMyOrganizationsResponse = z.infer<typeof ZMyOrganizationsResponse>;

/** Organizations the operator may pick as a parent (regions and municipalities). */
export const ZAuthoritiesResponse = z
  .object({ organizations: z.array(z.object({ id: z.uuid(), kind: ZOrganizationKind, shortName: z.string(), name: z.string() })) })
  .meta({ id: 'AuthoritiesResponse' });
export type TAuthoritiesResponse = z.infer<typeof ZAuthoritiesResponse>;
