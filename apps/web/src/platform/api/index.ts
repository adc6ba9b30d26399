import { csrfCookieName } from '@parta/contracts';
import { createApiClient } from './api-client';
import { readCookie } from './cookies';
import { createUploader } from './upload';

export { ApiError, fieldErrorMessage, hasFieldError, isApiError } from './api-error';
export type { ApiClient } from './api-client';
export { isAbortError, type UploadProgress } from './upload';

const readCsrfToken = () => readCookie(document.cookie, csrfCookieName);
/** i18n keeps <html lang> in step with the language switch. */
const readLanguage = () => document.documentElement.lang || undefined;

/** The browser's API client: same origin, CSRF token from the readable cookie. */
export const api = createApiClient({
  fetch: (input, init) => globalThis.fetch(input, init),
  readCsrfToken,
  readLanguage,
});

/** File uploads with progress (XMLHttpRequest, looked up at call time so tests can replace it). */
export const uploadFile = createUploader({
  createRequest: () => new globalThis.XMLHttpRequest(),
  readCsrfToken,
  readLanguage,
});
