import { errorCodes } from '@parta/contracts';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { createI18n, reflectLanguageInDocument } from './i18n';
import { ru } from './ru';

/** Every leaf key as a dotted path, e.g. "auth.signIn.title". */
function flattenKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => flattenKeys(child, prefix ? `${prefix}.${key}` : key));
}

function valueAt(resource: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), resource);
}

describe('i18n resources', () => {
  it('ru and en have exactly the same keys', () => {
    const ruKeys = flattenKeys(ru).sort();
    const enKeys = flattenKeys(en).sort();
    expect(enKeys).toEqual(ruKeys);
    expect(ruKeys.length).toBeGreaterThan(50);
  });

  it('has no empty texts and the same {{placeholders}} in both languages', () => {
    for (const key of flattenKeys(ru)) {
      const ruText = valueAt(ru, key);
      const enText = valueAt(en, key);
      expect(typeof ruText === 'string' && ruText.trim() !== '', `ru ${key}`).toBe(true);
      expect(typeof enText === 'string' && enText.trim() !== '', `en ${key}`).toBe(true);
      const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();
      expect(placeholders(enText), key).toEqual(placeholders(ruText));
    }
  });

  it('has a text for every error code of the contract, and nothing else under errors', () => {
    expect(Object.keys(ru.errors).sort()).toEqual([...errorCodes].sort());
    expect(Object.keys(en.errors).sort()).toEqual([...errorCodes].sort());
  });

  it('defines every key the source code asks for with a literal t("...")', () => {
    const sources = import.meta.glob<string>(['../../**/*.{ts,tsx}', '!../../**/*.test.{ts,tsx}'], { query: '?raw', import: 'default', eager: true });
    const knownKeys = new Set(flattenKeys(ru));
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      // t('a.b'), t("a.b"), i18nKey="a.b" — dynamic keys are checked by the tests above (errors) or typed.
      for (const match of text.matchAll(/\bt\(\s*['"]([\w.]+)['"]/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    // A count asks for the bare key; i18next picks its plural form (key_one, key_few, … key_other).
    const missing = [...used].filter((key) => !knownKeys.has(key) && !knownKeys.has(`${key}_other`));
    expect(missing).toEqual([]);
  });

  it('has every plural form a count needs in both languages', () => {
    const pluralBases = new Set(flattenKeys(ru).flatMap((key) => (/_(one|few|many|other)$/.test(key) ? [key.replace(/_(one|few|many|other)$/, '')] : [])));
    const known = new Set(flattenKeys(ru));
    for (const base of pluralBases) {
      for (const form of ['one', 'few', 'many', 'other']) expect(known.has(`${base}_${form}`), `${base}_${form}`).toBe(true);
    }
    const i18n = createI18n('ru');
    expect([1, 3, 5, 21].map((count) => i18n.t('chats.memberCount', { count }))).toEqual(['1 участник', '3 участника', '5 участников', '21 участник']);
    expect(i18n.t('chats.readers.count', { count: 3 })).toBe('Прочитали 3');
    void i18n.changeLanguage('en');
    expect([1, 5].map((count) => i18n.t('chats.memberCount', { count }))).toEqual(['1 member', '5 members']);
  });

  it('starts in the requested language and falls back to Russian', () => {
    const i18n = createI18n('en');
    expect(i18n.t('auth.signIn.submit')).toBe('Get code');
    void i18n.changeLanguage('ru');
    expect(i18n.t('auth.signIn.submit')).toBe('Получить код');
    expect(i18n.options.fallbackLng).toEqual(['ru']);
  });

  it('keeps <html lang> and the stored choice in step with the language', () => {
    const i18n = createI18n('ru');
    const documentElement = { lang: '' } as HTMLElement;
    const stored = new Map<string, string>();
    const storage = { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) } as Storage;
    const stop = reflectLanguageInDocument(i18n, documentElement, storage);
    expect(documentElement.lang).toBe('ru');
    void i18n.changeLanguage('en');
    expect(documentElement.lang).toBe('en');
    expect(stored.get('parta.language')).toBe('en');
    stop();
    void i18n.changeLanguage('ru');
    expect(documentElement.lang).toBe('en');
  });
});
