import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatFileSize, formatRelativeTime } from './format';

describe('formatDuration', () => {
  it('shows minutes and zero-padded seconds', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(42)).toBe('0:42');
    expect(formatDuration(61)).toBe('1:01');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('rounds partial seconds up and never goes negative', () => {
    expect(formatDuration(0.2)).toBe('0:01');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

describe('formatFileSize', () => {
  it('picks bytes, kilobytes or megabytes (binary) and formats the number in the language', () => {
    expect(formatFileSize(820, 'en').replace(/\s/g, ' ')).toBe('820 byte');
    expect(formatFileSize(250 * 1024, 'en').replace(/\s/g, ' ')).toBe('250 kB');
    expect(formatFileSize(2.5 * 1024 * 1024, 'en').replace(/\s/g, ' ')).toBe('2.5 MB');
    expect(formatFileSize(2.5 * 1024 * 1024, 'ru').replace(/\s/g, ' ')).toBe('2,5 МБ');
    expect(formatFileSize(10 * 1024 * 1024, 'ru').replace(/\s/g, ' ')).toBe('10 МБ');
  });
});

describe('formatDateTime', () => {
  it('shows the date and time of day in the language', () => {
    const date = new Date('2026-03-05T10:20:00Z');
    // ICU versions differ in which space they put before "AM"; the words and numbers are what matter.
    expect(formatDateTime(date, 'en', 'UTC').replace(/\s/g, ' ')).toBe('Mar 5, 2026, 10:20 AM');
    expect(formatDateTime(date, 'ru', 'UTC').replace(/\s/g, ' ')).toBe('5 мар. 2026 г., 10:20');
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-03-05T12:00:00.000Z');
  const ago = (seconds: number) => new Date(now - seconds * 1000);

  it('says how long ago in the largest unit that fits', () => {
    expect(formatRelativeTime(ago(3 * 3600 + 20 * 60), 'ru', now)).toBe('3 часа назад');
    expect(formatRelativeTime(ago(3 * 3600), 'en', now)).toBe('3 hours ago');
    expect(formatRelativeTime(ago(5 * 60), 'ru', now)).toBe('5 минут назад');
    expect(formatRelativeTime(ago(26 * 3600), 'ru', now)).toBe('вчера');
    expect(formatRelativeTime(ago(400 * 24 * 3600), 'en', now)).toBe('last year');
  });

  it('calls the last minute "now"', () => {
    expect(formatRelativeTime(ago(20), 'ru', now)).toBe('сейчас');
    expect(formatRelativeTime(ago(0), 'en', now)).toBe('now');
  });
});
