import type { TApplicationStatus } from '@parta/contracts';
import type { TranslationKey } from '../../platform/i18n/translation-key';

export const statusLabelKeys: Record<TApplicationStatus, TranslationKey> = {
  pending: 'operator.statuses.pending',
  approved: 'operator.statuses.approved',
  rejected: 'operator.statuses.rejected',
};

export const emptyListKeys: Record<TApplicationStatus, TranslationKey> = {
  pending: 'operator.empty.pending',
  approved: 'operator.empty.approved',
  rejected: 'operator.empty.rejected',
};
