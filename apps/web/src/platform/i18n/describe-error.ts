import type { TFunction } from 'i18next';
import { isApiError } from '../api';
import { formatDuration } from './format';

/**
 * The localized sentence for any failure, chosen by error code — never the server's English
 * message, a stack or "[object Object]".
 */
export function describeError(error: unknown, t: TFunction): string {
  if (!isApiError(error)) return t('errors.internal');
  const text = t(`errors.${error.code}`);
  if (error.code === 'rate_limited' && error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0) {
    return `${text} ${t('retry.waitFor', { time: formatDuration(error.retryAfterSeconds) })}`;
  }
  return text;
}

/**
 * Like describeError, but for a refusal the server explains itself (a 400 without field errors,
 * a 409, a 413) its own message is kept: it is already localized by Accept-Language and says more
 * than the code can («файл не в кодировке UTF-8», «файл больше 5 МБ»).
 */
export function describeErrorWithDetail(error: unknown, t: TFunction): string {
  if (isApiError(error) && [400, 409, 413].includes(error.status) && Object.keys(error.fields).length === 0 && !/^HTTP \d+$/.test(error.message)) {
    return error.message;
  }
  return describeError(error, t);
}
