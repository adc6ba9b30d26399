import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';

export type Destination = { channel: 'email' | 'phone'; value: string };

const ZEmail = z.email();

/**
 * An e-mail (lower-cased) or a phone number (E.164, Russian numbers may be written 8XXX… or
 * without the country code). Null when it is neither.
 */
export function normalizeDestination(input: string): Destination | null {
  const trimmed = input.trim();
  if (trimmed.includes('@')) {
    const email = trimmed.toLowerCase();
    return ZEmail.safeParse(email).success ? { channel: 'email', value: email } : null;
  }
  if (!/^[+\d(][\d\s()-]{5,24}$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  // Russian habit: 8 9XX XXX-XX-XX means +7 9XX XXX-XX-XX.
  const candidate = !trimmed.startsWith('+') && digits.length === 11 && digits.startsWith('8') ? `+7${digits.slice(1)}` : trimmed;
  const phone = parsePhoneNumberFromString(candidate, 'RU');
  if (!phone?.isValid()) return null;
  return { channel: 'phone', value: phone.number };
}
