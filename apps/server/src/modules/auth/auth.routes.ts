import {
  csrfCookieName,
  csrfHeaderName,
  sessionCookieName,
  ZRequestCodeRequest,
  ZRequestCodeResponse,
  ZSignOutResponse,
  ZVerifyCodeRequest,
  ZVerifyCodeResponse,
} from '@parta/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError, pickLocale, requireIdentity, type OriginCheck } from '../../platform/http/index.ts';
import { sessionPolicy, type AuthService } from './auth.service.ts';

export type AuthRateLimits = {
  /** Per client address, per minute. */
  codeRequestsPerMinute: number;
  verificationsPerMinute: number;
};

export const defaultAuthRateLimits: AuthRateLimits = { codeRequestsPerMinute: 10, verificationsPerMinute: 30 };

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Resolves `request.identity` from the session cookie on every request, and rejects writes that
 * fail the CSRF rules: a foreign Origin, or a cookie-authenticated write without the CSRF header.
 */
export function installAuthHooks(app: FastifyInstance, deps: { auth: AuthService; origin: OriginCheck }) {
  app.decorateRequest('identity', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[sessionCookieName];
    request.identity = token ? await deps.auth.authenticate(token) : null;
  });
  app.addHook('preHandler', async (request) => {
    if (safeMethods.has(request.method)) return;
    if (!deps.origin.isAllowedIfPresent(request)) throw new AppError(403, 'csrf_failed');
    if (request.identity) {
      const header = request.headers[csrfHeaderName];
      if (typeof header !== 'string' || !sameSecret(header, request.identity.csrfToken)) throw new AppError(403, 'csrf_failed');
    }
  });
}

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; isSecureCookie: boolean; rateLimits: AuthRateLimits },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cookieOptions = { path: '/', sameSite: 'lax' as const, secure: deps.isSecureCookie };

  const setSessionCookies = (reply: FastifyReply, sessionToken: string, csrfToken: string) => {
    const maxAge = sessionPolicy.idleLifetimeMs / 1000;
    void reply.setCookie(sessionCookieName, sessionToken, { ...cookieOptions, httpOnly: true, maxAge });
    // Readable by the web app, which echoes it in the x-csrf-token header; useless to another site.
    void reply.setCookie(csrfCookieName, csrfToken, { ...cookieOptions, httpOnly: false, maxAge });
  };
  const clearSessionCookies = (reply: FastifyReply) => {
    void reply.clearCookie(sessionCookieName, cookieOptions);
    void reply.clearCookie(csrfCookieName, cookieOptions);
  };
  const localeOf = (request: FastifyRequest) => pickLocale(request.headers['accept-language']);

  r.post(
    '/api/auth/code',
    {
      config: { rateLimit: { max: deps.rateLimits.codeRequestsPerMinute, timeWindow: 60_000 } },
      schema: {
        summary: 'Send a one-time sign-in code to an e-mail address or phone number',
        tags: ['auth'],
        body: ZRequestCodeRequest,
        response: { 200: ZRequestCodeResponse },
      },
    },
    async (request) => deps.auth.requestCode(request.body.destination, request.body.locale ?? localeOf(request)),
  );

  r.post(
    '/api/auth/verify',
    {
      config: { rateLimit: { max: deps.rateLimits.verificationsPerMinute, timeWindow: 60_000 } },
      schema: {
        summary: 'Exchange a one-time code for a session (sets the session and CSRF cookies)',
        tags: ['auth'],
        body: ZVerifyCodeRequest,
        response: { 200: ZVerifyCodeResponse },
      },
    },
    async (request, reply) => {
      const result = await deps.auth.verifyCode(request.body.destination, request.body.code, {
        userAgent: request.headers['user-agent'] ?? null,
        locale: localeOf(request),
        accountId: request.body.accountId,
      });
      if (result.status === 'choose_account') return result;
      setSessionCookies(reply, result.sessionToken, result.csrfToken);
      return { status: 'signed_in' as const, me: result.me, isNewAccount: result.isNewAccount };
    },
  );

  r.post(
    '/api/auth/sign-out',
    { schema: { summary: 'End this session', tags: ['auth'], body: z.object({}).strict().nullish(), response: { 200: ZSignOutResponse } } },
    async (request, reply) => {
      const signedOutSessions = await deps.auth.signOut(requireIdentity(request));
      clearSessionCookies(reply);
      return { signedOutSessions };
    },
  );

  r.post(
    '/api/auth/sign-out-everywhere',
    {
      schema: { summary: 'End every session of this account, on all devices', tags: ['auth'], body: z.object({}).strict().nullish(), response: { 200: ZSignOutResponse } },
    },
    async (request, reply) => {
      const signedOutSessions = await deps.auth.signOutEverywhere(requireIdentity(request));
      clearSessionCookies(reply);
      return { signedOutSessions };
    },
  );
}
