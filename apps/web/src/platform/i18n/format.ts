/** A wait shown to people: "0:42", "12:05", "1:00:00". Never negative. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/**
 * One Intl.DateTimeFormat per language and options: creating one costs far more than using it,
 * and a chat formats a time for every message on screen at every scroll step.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function dateTimeFormat(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) dateTimeFormats.set(key, (format = new Intl.DateTimeFormat(language, options)));
  return format;
}

/** Time of day in the person's language, e.g. "14:35" / "2:35 PM". */
export function formatTimeOfDay(date: Date, language: string): string {
  return dateTimeFormat(language, { hour: 'numeric', minute: '2-digit' }).format(date);
}

/**
 * A file size people read: "820 byte", "250 kB", "2,5 МБ" / "2.5 MB". Binary multiples (1 MB =
 * 1024 × 1024 bytes), as the upload limits are set, so a 10 MB limit reads "10 MB".
 */
export function formatFileSize(bytes: number, language: string): string {
  const size = Math.max(0, bytes);
  const [value, unit] = size < 1024 ? [size, 'byte'] : size < 1024 * 1024 ? [size / 1024, 'kilobyte'] : [size / (1024 * 1024), 'megabyte'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: unit === 'megabyte' ? 1 : 0 }).format(value);
}

/** A moment in the person's language, e.g. "5 мар. 2026 г., 14:35" / "Mar 5, 2026, 2:35 PM". */
export function formatDateTime(date: Date, language: string, timeZone?: string): string {
  return dateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(date);
}

const relativeUnits: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * How long ago (or until) a moment was, in words: "3 часа назад", "вчера", "только что" /
 * "3 hours ago", "yesterday", "now". The largest unit that fits, rounded down.
 */
export function formatRelativeTime(date: Date, language: string, now: number = Date.now()): string {
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const seconds = (date.getTime() - now) / 1000;
  for (const [unit, unitSeconds] of relativeUnits) {
    if (Math.abs(seconds) >= unitSeconds) return format.format(Math.trunc(seconds / unitSeconds), unit);
  }
  return format.format(0, 'second');
}
