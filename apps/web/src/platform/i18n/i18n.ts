import type { TLocale } from '@parta/contracts';
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { defaultLanguage, isSupportedLanguage, storeLanguage } from './languages';
import { ru } from './ru';

export const resources = { ru: { translation: ru }, en: { translation: en } } as const;

/**
 * Creates the app's i18next instance. Resources are bundled, so initialisation is synchronous
 * and the first render is already translated.
 */
export function createI18n(language: TLocale): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: defaultLanguage,
    supportedLngs: ['ru', 'en'],
    initAsync: false,
    // React already escapes text; escaping twice would show "&amp;" to people.
    interpolation: { escapeValue: false },
    // Keep test output and the browser console free of the library's advertisement.
    showSupportNotice: false,
  });
  return instance;
}

/** Keeps <html lang> and the stored choice in step with the active language. */
export function reflectLanguageInDocument(instance: i18n, documentElement: HTMLElement, storage: Storage | undefined): () => void {
  const apply = (language: string) => {
    if (!isSupportedLanguage(language)) return;
    documentElement.lang = language;
    storeLanguage(storage, language);
  };
  apply(instance.language);
  instance.on('languageChanged', apply);
  return () => instance.off('languageChanged', apply);
}

export function currentLanguage(instance: i18n): TLocale {
  return isSupportedLanguage(instance.language) ? instance.language : defaultLanguage;
}
