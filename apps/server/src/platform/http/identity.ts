import type { FastifyRequest } from 'fastify';
import { unauthenticated } from './app-error.ts';

/** Who is calling: resolved from the session cookie by the auth module's request hook. */
export type Identity = {
  userId: string;
  sessionId: string;
  csrfToken: string;
  isOperator: boolean;
};

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
}

/** The caller's identity, or a 401 when the request is not signed in. */
export function requireIdentity(request: FastifyRequest): Identity {
  if (!request.identity) throw unauthenticated();
  return request.identity;
}
