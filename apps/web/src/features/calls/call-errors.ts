import type { TFunction } from 'i18next';
import { isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';

/** The server explains refusals of calls itself (the media server is missing, only administrators may start one here). */
export function describeCallError(failure: unknown, t: TFunction): string {
  if (failure instanceof Error && failure.message === 'offline') return t('calls.errors.offline');
  if (isApiError(failure) && [400, 403, 409, 503].includes(failure.status) && Object.keys(failure.fields).length === 0 && !/^HTTP \d+$/.test(failure.message)) return failure.message;
  return describeError(failure, t);
}
