import { z } from 'zod';
import { ZSingleLine } from './text.ts';

/** An e-mail address or a phone number; the server decides which and normalizes it. */
export const ZDestination = ZSingleLine(3, 254);

export const ZRequestCodeRequest = z
  .object({
    destination: ZDestination,
    locale: z.enum(['ru', 'en']).optional(),
  })
  .strict()
  .meta({ id: 'RequestCodeRequest' });
export type TRequestCodeRequest = z.infer<typeof ZRequestCodeRequest>;

/** Always the same answer, whether or not an account exists for the destination. */
export const ZRequestCodeResponse = z
  .object({
    status: z.literal('sent'),
    channel: z.enum(['email', 'phone']),
    /** Where the code went, as normalized by the server (never reveals whether an account exists). */
    destination: z.string(),
    expiresInSeconds: z.number().int(),
  })
  .meta({ id: 'RequestCodeResponse' });
export type TRequestCodeResponse = z.infer<typeof ZRequestCodeResponse>;

export const ZVerifyCodeRequest = z
  .object({
    destination: ZDestination,
    code: z.string().trim().regex(/^\d{6}$/, 'six digits'),
    /**
     * When the code opens several accounts (a parent's e-mail that also signs in their young
     * children), the one chosen from `choose_account`.
     */
    accountId: z.uuid().optional(),
  })
  .strict()
  .meta({ id: 'VerifyCodeRequest' });
export type TVerifyCodeRequest = z.infer<typeof ZVerifyCodeRequest>;

export const ZLocale = z.enum(['ru', 'en']);
export type TLocale = z.infer<typeof ZLocale>;

/** The signed-in person as they see themselves (contact details are theirs to see). */
export const ZMe = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    locale: ZLocale,
    isOperator: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Me' });
export type TMe = z.infer<typeof ZMe>;

export const ZVerifyCodeResponse = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('signed_in'), me: ZMe, isNewAccount: z.boolean() }),
    /**
     * The code is right and opens several accounts: ask again with `accountId`. The code stays
     * valid (until it expires) for that second request.
     */
    z.object({ status: z.literal('choose_account'), accounts: z.array(z.object({ id: z.uuid(), displayName: z.string(), isYoungStudent: z.boolean() })) }),
  ])
  .meta({ id: 'VerifyCodeResponse' });
export type TVerifyCodeResponse = z.infer<typeof ZVerifyCodeResponse>;

export const ZUpdateMeRequest = z
  .object({
    displayName: ZSingleLine(1, 100).optional(),
    locale: ZLocale.optional(),
  })
  .strict()
  .meta({ id: 'UpdateMeRequest' });
export type TUpdateMeRequest = z.infer<typeof ZUpdateMeRequest>;

export const ZSignOutResponse = z
  .object({ signedOutSessions: z.number().int().nonnegative() })
  .meta({ id: 'SignOutResponse' });
export type TSignOutResponse = z.infer<typeof ZSignOutResponse>;

/** Header carrying the CSRF token for cookie-authenticated writes. */
export const csrfHeaderName = 'x-csrf-token';
/** Readable (not HttpOnly) cookie holding the CSRF token; the web app copies it into the header. */
export const csrfCookieName = 'parta_csrf';
export const sessionCookieName = 'parta_session';
