import { z } from 'zod';
import { ZEmailInput, ZPhoneInput, ZRole } from './organizations.ts';
import { ruMessage, ZMultiLine, ZSingleLine } from './text.ts';

// ---------------------------------------------------------------------------------------------
// Classes (классы) and the staff room «Учительская»

export const classKinds = ['class', 'staff_room'] as const;
export const ZClassKind = z.enum(classKinds);

/** «2026/2027»: two consecutive years. */
export const ZAcademicYear = z
  .string()
  .trim()
  .refine((value) => {
    const match = /^(\d{4})\/(\d{4})$/.exec(value);
    return match !== null && Number(match[2]) === Number(match[1]) + 1 && Number(match[1]) >= 2000 && Number(match[1]) < 2100;
  }, ruMessage('must look like 2026/2027', 'учебный год в виде 2026/2027'));

/** The academic year a date falls in: it starts on 1 September. */
export function academicYearOf(date: Date): string {
  const year = date.getUTCFullYear();
  const start = date.getUTCMonth() >= 8 ? year : year - 1;
  return `${start}/${start + 1}`;
}

export const ZGrade = z.number().int().min(0).max(12);

/** A person as others see them: never their contacts (see ZMember for who sees those). */
export const ZPersonRef = z.object({
  id: z.uuid(),
  displayName: z.string(),
  /** A teacher whose status «учитель» an administrator confirmed: the badge. */
  verifiedTeacher: z.boolean(),
});
export type TPersonRef = z.infer<typeof ZPersonRef>;

export const ZClass = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    kind: ZClassKind,
    name: z.string(),
    grade: z.number().int().nullable(),
    academicYear: z.string(),
    classTeachers: z.array(ZPersonRef),
    studentCount: z.number().int(),
    /** How the person asking is in this class: 'student', 'teacher', 'class_teacher', 'parent', 'staff', or via a child. */
    myPlaces: z.array(z.enum(['student', 'teacher', 'class_teacher', 'parent', 'staff', 'child'])),
    /** The children of the person asking who are in this class. */
    myChildren: z.array(ZPersonRef),
  })
  .meta({ id: 'Class' });
export type TClass = z.infer<typeof ZClass>;

export const ZListClassesResponse = z.object({ classes: z.array(ZClass) }).meta({ id: 'ListClassesResponse' });
export type TListClassesResponse = z.infer<typeof ZListClassesResponse>;

export const ZCreateClassRequest = z
  .object({
    /** «5А», «10 физмат». */
    name: ZSingleLine(1, 40),
    grade: ZGrade,
    academicYear: ZAcademicYear,
  })
  .strict()
  .meta({ id: 'CreateClassRequest' });
export type TCreateClassRequest = z.infer<typeof ZCreateClassRequest>;

export const ZUpdateClassRequest = ZCreateClassRequest.partial().strict().meta({ id: 'UpdateClassRequest' });
export type TUpdateClassRequest = z.infer<typeof ZUpdateClassRequest>;

/** Class teachers (классные руководители) of a class, set as a whole. */
export const ZSetClassTeachersRequest = z
  .object({ userIds: z.array(z.uuid()).max(5) })
  .strict()
  .meta({ id: 'SetClassTeachersRequest' });
export type TSetClassTeachersRequest = z.infer<typeof ZSetClassTeachersRequest>;

// ---------------------------------------------------------------------------------------------
// Members (участники)

export const ZMemberClass = z.object({ id: z.uuid(), name: z.string(), place: z.enum(['student', 'teacher', 'class_teacher', 'parent', 'staff']) });

/**
 * A member as listed. `email` and `phone` are present only for the person themself and for
 * administrators of the organization; everyone else gets null.
 */
export const ZMember = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    roles: z.array(ZRole),
    verifiedTeacher: z.boolean(),
    /** A teacher waiting for an administrator to confirm their status. */
    verificationPending: z.boolean(),
    lastSeenAt: z.iso.datetime().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    /** For a young student without contacts of their own: where their codes go (administrators only). */
    guardianEmail: z.string().nullable(),
    classes: z.array(ZMemberClass),
    children: z.array(ZPersonRef),
    parents: z.array(ZPersonRef),
  })
  .meta({ id: 'Member' });
export type TMember = z.infer<typeof ZMember>;

export const ZListMembersQuery = z
  .object({
    role: ZRole.optional(),
    classId: z.uuid().optional(),
    /** Part of the name. */
    q: ZSingleLine(1, 100).optional(),
    /** Only teachers waiting for verification. */
    pendingVerification: z.enum(['true', 'false']).optional(),
  })
  .strict();
export type TListMembersQuery = z.infer<typeof ZListMembersQuery>;

export const ZListMembersResponse = z.object({ members: z.array(ZMember) }).meta({ id: 'ListMembersResponse' });
export type TListMembersResponse = z.infer<typeof ZListMembersResponse>;

/** A class as its members see it: the roster with badges, and who teaches it. */
export const ZClassDetail = z
  .object({
    class: ZClass,
    members: z.array(ZMember),
  })
  .meta({ id: 'ClassDetail' });
export type TClassDetail = z.infer<typeof ZClassDetail>;

/** Roles an administrator may give to a member directly. */
export const ZGrantRoleRequest = z
  .object({ role: z.enum(['administrator', 'director', 'teacher']) })
  .strict()
  .meta({ id: 'GrantRoleRequest' });
export type TGrantRoleRequest = z.infer<typeof ZGrantRoleRequest>;

/** A student added by hand. Without e-mail or phone, `guardianEmail` (a parent's) receives the codes. */
export const ZAddStudentRequest = z
  .object({
    displayName: ZSingleLine(3, 150),
    classId: z.uuid(),
    email: ZEmailInput.optional(),
    phone: ZPhoneInput.optional(),
    guardianEmail: ZEmailInput.optional(),
  })
  .strict()
  .refine((value) => value.email !== undefined || value.phone !== undefined || value.guardianEmail !== undefined, {
    ...ruMessage('give an e-mail, a phone or a parent’s e-mail', 'укажите e-mail, телефон или e-mail родителя'),
    path: ['guardianEmail'],
  })
  .meta({ id: 'AddStudentRequest' });
export type TAddStudentRequest = z.infer<typeof ZAddStudentRequest>;

/** Movement (движение): to another class, graduated, or left the school. */
export const ZMoveStudentRequest = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('transfer'), classId: z.uuid() }).strict(),
    z.object({ kind: z.literal('graduate') }).strict(),
    z.object({ kind: z.literal('leave') }).strict(),
  ])
  .meta({ id: 'MoveStudentRequest' });
export type TMoveStudentRequest = z.infer<typeof ZMoveStudentRequest>;

export const ZLinkChildRequest = z.object({ childId: z.uuid() }).strict().meta({ id: 'LinkChildRequest' });
export type TLinkChildRequest = z.infer<typeof ZLinkChildRequest>;

// ---------------------------------------------------------------------------------------------
// Invitations (ссылки-приглашения) and join requests (заявки на вступление)

export const invitationRoles = ['director', 'teacher', 'student', 'parent'] as const;
export const ZInvitationRole = z.enum(invitationRoles);
export type TInvitationRole = z.infer<typeof ZInvitationRole>;

export const ZCreateInvitationRequest = z
  .object({
    role: ZInvitationRole,
    /** A class link: students and parents join the class too. */
    classId: z.uuid().optional(),
    /** 1–30 days; 7 when not given. */
    expiresInDays: z.number().int().min(1).max(30).optional(),
    /** 1–1000 uses; 1 when not given for staff roles, 40 for students and parents. */
    maxUses: z.number().int().min(1).max(1000).optional(),
    requiresApproval: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'CreateInvitationRequest' });
export type TCreateInvitationRequest = z.infer<typeof ZCreateInvitationRequest>;

export const invitationStates = ['active', 'expired', 'used_up', 'revoked'] as const;

export const ZInvitation = z
  .object({
    id: z.uuid(),
    role: ZInvitationRole,
    class: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    requiresApproval: z.boolean(),
    maxUses: z.number().int(),
    uses: z.number().int(),
    expiresAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    createdBy: ZPersonRef,
    state: z.enum(invitationStates),
  })
  .meta({ id: 'Invitation' });
export type TInvitation = z.infer<typeof ZInvitation>;

/** Only when the link is made: its secret, shown once (as a link and a QR code). */
export const ZCreatedInvitation = ZInvitation.extend({ token: z.string(), url: z.string() }).meta({ id: 'CreatedInvitation' });
export type TCreatedInvitation = z.infer<typeof ZCreatedInvitation>;

export const ZListInvitationsResponse = z.object({ invitations: z.array(ZInvitation) }).meta({ id: 'ListInvitationsResponse' });
export type TListInvitationsResponse = z.infer<typeof ZListInvitationsResponse>;

/** A token from a link: URL-safe base64 of ≥128 random bits. */
export const ZInvitationToken = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/);

/** What a valid link leads to, for the landing page. Invalid links answer 404 «ссылка недействительна». */
export const ZInvitationPreview = z
  .object({
    organization: z.object({ shortName: z.string(), name: z.string() }),
    class: z.object({ name: z.string() }).nullable(),
    role: ZInvitationRole,
    requiresApproval: z.boolean(),
    /** Whether the signed-in person already holds this place. */
    alreadyMember: z.boolean(),
    /** The organization, given only to someone already in it (so the app can open it). */
    organizationId: z.uuid().nullable(),
  })
  .meta({ id: 'InvitationPreview' });
export type TInvitationPreview = z.infer<typeof ZInvitationPreview>;

export const ZAcceptInvitationRequest = z
  .object({
    /** For links that need approval: a word about oneself («мама Пети Иванова»). */
    note: ZMultiLine(0, 300).optional(),
  })
  .strict()
  .meta({ id: 'AcceptInvitationRequest' });
export type TAcceptInvitationRequest = z.infer<typeof ZAcceptInvitationRequest>;

export const ZAcceptInvitationResponse = z
  .object({
    status: z.enum(['joined', 'pending']),
    organizationId: z.uuid(),
    classId: z.uuid().nullable(),
  })
  .meta({ id: 'AcceptInvitationResponse' });
export type TAcceptInvitationResponse = z.infer<typeof ZAcceptInvitationResponse>;

export const ZJoinRequest = z
  .object({
    id: z.uuid(),
    person: z.object({ id: z.uuid(), displayName: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
    role: ZInvitationRole,
    class: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    note: z.string(),
    status: z.enum(['pending', 'accepted', 'declined']),
    createdAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'JoinRequest' });
export type TJoinRequest = z.infer<typeof ZJoinRequest>;

export const ZListJoinRequestsResponse = z.object({ requests: z.array(ZJoinRequest) }).meta({ id: 'ListJoinRequestsResponse' });
export type TListJoinRequestsResponse = z.infer<typeof ZListJoinRequestsResponse>;

// ---------------------------------------------------------------------------------------------
// Roster import (загрузка списков из CSV)

/**
 * `POST /api/organizations/:id/roster-imports?mode=preview|apply` with the CSV as the body
 * (`text/csv`, UTF-8). Preview writes nothing; apply writes only when no row has errors, and
 * importing the same file twice changes nothing the second time.
 */
export const ZRosterImportQuery = z.object({ mode: z.enum(['preview', 'apply']) }).strict();

export const ZRosterRow = z.object({
  /** Line number in the file (the header is line 1). */
  line: z.number().int(),
  className: z.string(),
  role: z.enum(['student', 'parent', 'teacher', 'class_teacher']).nullable(),
  displayName: z.string(),
  /** What applying does with this row. */
  action: z.enum(['create', 'update', 'unchanged', 'error']),
  errors: z.array(z.string()),
});
export type TRosterRow = z.infer<typeof ZRosterRow>;

export const ZRosterImportResult = z
  .object({
    mode: z.enum(['preview', 'apply']),
    applied: z.boolean(),
    rows: z.array(ZRosterRow),
    summary: z.object({
      classesToCreate: z.array(z.string()),
      create: z.number().int(),
      update: z.number().int(),
      unchanged: z.number().int(),
      errors: z.number().int(),
    }),
  })
  .meta({ id: 'RosterImportResult' });
export type TRosterImportResult = z.infer<typeof ZRosterImportResult>;
