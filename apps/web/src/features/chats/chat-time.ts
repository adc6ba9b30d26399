import { dateTimeFormat } from '../../platform/i18n/format';

/** Local calendar day of a moment, as "2026-03-05": day separators and «сегодня» compare these. */
export function localDayKey(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function isSameDay(a: Date, b: Date): boolean {
  return localDayKey(a) === localDayKey(b);
}

/** The time beside a chat in the list: «14:35» today, «5 мар.» this year, «05.03.2025» before. */
export function formatChatListTime(date: Date, language: string, now: Date = new Date()): string {
  if (isSameDay(date, now)) return dateTimeFormat(language, { hour: 'numeric', minute: '2-digit' }).format(date);
  if (date.getFullYear() === now.getFullYear()) return dateTimeFormat(language, { day: 'numeric', month: 'short' }).format(date);
  return dateTimeFormat(language, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

/** A day separator's words: 'today', 'yesterday', or the date («5 марта», «5 марта 2025 г.»). */
export function describeDay(date: Date, language: string, now: Date = new Date()): { kind: 'today' | 'yesterday' } | { kind: 'date'; text: string } {
  if (isSameDay(date, now)) return { kind: 'today' };
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (isSameDay(date, yesterday)) return { kind: 'yesterday' };
  const withYear = date.getFullYear() !== now.getFullYear();
  return { kind: 'date', text: dateTimeFormat(language, { day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) }).format(date) };
}
