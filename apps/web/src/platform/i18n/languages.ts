import type { TLocale } from '@parta/contracts';

export const supportedLanguages = ['ru', 'en'] as const satisfies readonly TLocale[];
export const defaultLanguage: TLocale = 'ru';

const storageKey = 'parta.language';

export function isSupportedLanguage(value: unknown): value is TLocale {
  return typeof value === 'string' && (supportedLanguages as readonly string[]).includes(value);
}

/** The language chosen on this device earlier; Russian otherwise (Parta speaks Russian first). */
export function readStoredLanguage(storage: Pick<Storage, 'getItem'> | undefined): TLocale {
  try {
    const stored = storage?.getItem(storageKey);
    return isSupportedLanguage(stored) ? stored : defaultLanguage;
  } catch {
    // Storage can throw (privacy modes, disabled cookies): fall back quietly.
    return defaultLanguage;
  }
}

export function storeLanguage(storage: Pick<Storage, 'setItem'> | undefined, language: TLocale): void {
  try {
    storage?.setItem(storageKey, language);
  } catch {
    // Not being able to remember the choice is not worth an error message.
  }
}
