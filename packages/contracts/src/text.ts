import { z } from 'zod';

/**
 * A custom check's Russian message travels in the issue's `params.ru`; the server's error
 * handler shows it to Russian-speaking clients (zod's own messages are English).
 */
export const ruMessage = (en: string, ru: string) => ({ message: en, params: { ru } });

const controlCharacters = /\p{Cc}/u;

/**
 * One line of text a person types (a name, a title, an address): trimmed, between `min` and
 * `max` characters, without control characters. U+0000 in particular cannot even be stored in
 * PostgreSQL text, so letting it through would turn bad input into a server error.
 */
export const ZSingleLine = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !controlCharacters.test(value), ruMessage('must not contain control characters', 'недопустимые управляющие символы'));

/**
 * Text of several lines (a reason, a description): like ZSingleLine, but line breaks and tabs
 * are allowed.
 */
export const ZMultiLine = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !/[^\P{Cc}\n\r\t]/u.test(value), ruMessage('must not contain control characters', 'недопустимые управляющие символы'));
