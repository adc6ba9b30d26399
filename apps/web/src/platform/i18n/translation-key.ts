import type { ru } from './ru';

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every valid dotted key, e.g. "nav.chats"; for keys kept in data rather than written as literal t() calls. */
export type TranslationKey = Leaves<typeof ru>;
