import { csrfHeaderName } from '@parta/contracts';
import type { z } from 'zod';
import { contractError, networkError, parseApiError } from './api-error';

export type UploadProgress = { loaded: number; total: number };

export type UploadOptions = {
  /** Called as the bytes leave the browser; `total` is the body's size. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /** Aborting rejects with a DOMException named "AbortError", like fetch does. */
  signal?: AbortSignal | undefined;
  /** The Content-Type to send; by default the file's own type, or application/octet-stream. */
  contentType?: string | undefined;
};

export type UploaderDeps = {
  createRequest: () => XMLHttpRequest;
  /** The current CSRF token (the readable `parta_csrf` cookie), if any. */
  readCsrfToken: () => string | undefined;
  /** The interface language, sent as Accept-Language (see ApiClientDeps). */
  readLanguage?: () => string | undefined;
};

export type Uploader = <S extends z.ZodType>(path: string, file: Blob, schema: S, options?: UploadOptions) => Promise<z.infer<S>>;

/**
 * POSTs a file's raw bytes to our API. It is XMLHttpRequest rather than fetch only because fetch
 * cannot report upload progress; otherwise it behaves like the JSON client: CSRF header, every
 * failure an ApiError, the answer checked against the contract schema.
 */
export function createUploader(deps: UploaderDeps): Uploader {
  return (path, file, schema, options = {}) =>
    new Promise((resolve, reject) => {
      const { signal, onProgress, contentType } = options;
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const request = deps.createRequest();
      const onAbortSignal = () => request.abort();
      const finish = () => signal?.removeEventListener('abort', onAbortSignal);

      request.open('POST', path);
      request.setRequestHeader('accept', 'application/json');
      request.setRequestHeader('content-type', contentType ?? (file.type || 'application/octet-stream'));
      const token = deps.readCsrfToken();
      if (token) request.setRequestHeader(csrfHeaderName, token);
      const language = deps.readLanguage?.();
      if (language) request.setRequestHeader('accept-language', language);

      if (onProgress) {
        request.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
      }
      request.onload = () => {
        finish();
        const payload = parseJson(request.responseText);
        if (request.status < 200 || request.status >= 300) {
          reject(parseApiError(request.status, payload, request.getResponseHeader('retry-after')));
          return;
        }
        const parsed = schema.safeParse(payload);
        if (parsed.success) resolve(parsed.data);
        else reject(contractError(path, parsed.error.message));
      };
      request.onerror = () => {
        finish();
        reject(networkError(new Error('upload failed')));
      };
      request.onabort = () => {
        finish();
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbortSignal);
      request.send(file);
    });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

function abortError(): DOMException {
  return new DOMException('The upload was aborted', 'AbortError');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
