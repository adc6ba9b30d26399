import type { TFunction } from 'i18next';
import { isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';

/**
 * A refusal the server explains in words — a 403 from the who-may-write-to-whom policy («ученик
 * может писать сотрудникам своей школы и одноклассникам»), a 400 or 409 — shows its localized
 * message (the server follows Accept-Language); anything else the usual sentence for its code.
 */
export function describeRefusal(error: unknown, t: TFunction): string {
  if (isApiError(error) && [400, 403, 409].includes(error.status) && Object.keys(error.fields).length === 0 && error.message && !/^HTTP \d+$/.test(error.message)) return error.message;
  return describeError(error, t);
}
