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
