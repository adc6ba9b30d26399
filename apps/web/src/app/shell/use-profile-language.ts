import type { TLocale } from '@parta/contracts';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * When the profile's language is loaded or changes (another device, a profile.updated event),
 * the interface follows it. Runs only when the profile value changes, so a local switch that is
 * still being saved is not undone.
 */
export function useProfileLanguage(profileLocale: TLocale): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (i18n.language !== profileLocale) void i18n.changeLanguage(profileLocale);
  }, [i18n, profileLocale]);
}
