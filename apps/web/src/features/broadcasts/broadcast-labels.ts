import type { TBroadcast, TPublicBroadcast } from '@parta/contracts';
import type { TFunction } from 'i18next';
import { isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { formatDateTime } from '../../platform/i18n/format';

/** «В эфире», «Запланирована на 3 дек. 2026 г., 10:00», «Завершена». */
export function broadcastStatusText(broadcast: Pick<TBroadcast | TPublicBroadcast, 'status' | 'scheduledFor'>, t: TFunction, language: string): string {
  if (broadcast.status === 'live') return t('broadcasts.status.live');
  if (broadcast.status === 'ended') return t('broadcasts.status.ended');
  return broadcast.scheduledFor ? t('broadcasts.status.scheduledFor', { when: formatDateTime(new Date(broadcast.scheduledFor), language) }) : t('broadcasts.status.scheduled');
}

/** The server explains refusals of broadcasts itself (the media server is missing, a speaker is not staff). */
export function describeBroadcastError(failure: unknown, t: TFunction): string {
  if (isApiError(failure) && [400, 403, 409, 503].includes(failure.status) && Object.keys(failure.fields).length === 0 && !/^HTTP \d+$/.test(failure.message)) return failure.message;
  return describeError(failure, t);
}
