import type { FastifyRequest } from 'fastify';

/**
 * A request's Origin is acceptable when it is the configured public origin, the same host the
 * request was sent to, or (outside production) the Vite dev server that proxies to us.
 */
export function createOriginCheck(options: { publicUrl: string; isProduction: boolean }) {
  const allowed = new Set([new URL(options.publicUrl).origin]);
  if (!options.isProduction) {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:5173']) allowed.add(origin);
  }
  return {
    /** For WebSocket upgrades: the Origin header must be present and allowed. */
    isAllowed(request: FastifyRequest): boolean {
      const origin = request.headers.origin;
      if (!origin) return false;
      return isAcceptable(origin, request.headers.host);
    },
    /** For HTTP writes: browsers always send Origin on them; a request without one is not a browser's. */
    isAllowedIfPresent(request: FastifyRequest): boolean {
      const origin = request.headers.origin;
      return origin === undefined || isAcceptable(origin, request.headers.host);
    },
  };

  function isAcceptable(origin: string, host: string | undefined): boolean {
    if (allowed.has(origin)) return true;
    try {
      return host !== undefined && new URL(origin).host === host;
    } catch {
      return false;
    }
  }
}

export type OriginCheck = ReturnType<typeof createOriginCheck>;
