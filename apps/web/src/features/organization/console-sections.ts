import type { TOrganization } from '@parta/contracts';
import type { TranslationKey } from '../../platform/i18n/translation-key';

/** One part of the organization console: its address under /organization and who sees it. */
export type ConsoleSection = {
  /** Relative to /organization; '' is the profile. */
  path: string;
  labelKey: TranslationKey;
  isShownTo: (organization: TOrganization) => boolean;
};
