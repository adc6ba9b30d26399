import { csrfHeaderName } from '@parta/contracts';
import type { z } from 'zod';
import { contractError, networkError, parseApiError } from './api-error';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type ApiClientDeps = {
  fetch: typeof fetch;
  /** The current CSRF token (the readable `parta_csrf` cookie), if any. */
  readCsrfToken: () => string | undefined;
  /** The interface language, sent as Accept-Language so server messages follow the language switch. */
  readLanguage?: () => string | undefined;
};

export type RequestOptions = { signal?: AbortSignal | undefined };

export type ApiClient = {
  get<S extends z.ZodType>(path: string, schema: S, options?: RequestOptions): Promise<z.infer<S>>;
  post<S extends z.ZodType>(path: string, body: unknown, schema: S, options?: RequestOptions): Promise<z.infer<S>>;
  patch<S extends z.ZodType>(path: string, body: unknown, schema: S, options?: RequestOptions): Promise<z.infer<S>>;
  put<S extends z.ZodType>(path: string, body: unknown, schema: S, options?: RequestOptions): Promise<z.infer<S>>;
  delete<S extends z.ZodType>(path: string, schema: S, options?: RequestOptions): Promise<z.infer<S>>;
};

/**
 * A thin JSON client for our own API. It adds the CSRF header to writes, turns every failure into
 * an ApiError, and checks successful answers against the shared contract schema, so a drift
 * between server and web shows up as a clear error instead of `undefined` deep in a component.
 */
export function createApiClient(deps: ApiClientDeps): ApiClient {
  async function request<S extends z.ZodType>(method: Method, path: string, body: unknown, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const language = deps.readLanguage?.();
    if (language) headers['accept-language'] = language;
    if (method !== 'GET') {
      const token = deps.readCsrfToken();
      if (token) headers[csrfHeaderName] = token;
    }
    let response: Response;
    try {
      response = await deps.fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw networkError(error);
    }
    const payload = await readJson(response);
    if (!response.ok) throw parseApiError(response.status, payload, response.headers.get('retry-after'));
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw contractError(path, parsed.error.message);
    return parsed.data;
  }

  return {
    get: (path, schema, options) => request('GET', path, undefined, schema, options),
    post: (path, body, schema, options) => request('POST', path, body ?? {}, schema, options),
    patch: (path, body, schema, options) => request('PATCH', path, body ?? {}, schema, options),
    put: (path, body, schema, options) => request('PUT', path, body ?? {}, schema, options),
    delete: (path, schema, options) => request('DELETE', path, undefined, schema, options),
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
