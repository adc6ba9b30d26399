import { errorCodes } from '@parta/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { describeError, describeErrorWithDetail } from './describe-error';
import { createI18n } from './i18n';
import { en } from './en';
import { ru } from './ru';

describe('describeError', () => {
  it('gives the Russian and English text for every error code', () => {
    const i18n = createI18n('ru');
    for (const code of errorCodes) {
      const error = new ApiError({ status: 400, code, message: 'server words' });
      void i18n.changeLanguage('ru');
      expect(describeError(error, i18n.t)).toBe(ru.errors[code]);
      void i18n.changeLanguage('en');
      expect(describeError(error, i18n.t)).toBe(en.errors[code]);
    }
  });

  it('adds the wait time to a rate limit', () => {
    const i18n = createI18n('ru');
    const error = new ApiError({ status: 429, code: 'rate_limited', message: 'x', retryAfterSeconds: 75 });
    expect(describeError(error, i18n.t)).toBe('Слишком много попыток. Повторите через 1:15.');
  });

  it('uses the generic text for anything that is not an ApiError', () => {
    const i18n = createI18n('en');
    expect(describeError(new TypeError('undefined is not a function'), i18n.t)).toBe(en.errors.internal);
    expect(describeError({ some: 'object' }, i18n.t)).toBe(en.errors.internal);
  });
});

describe('describeErrorWithDetail', () => {
  it('keeps the server’s own explanation of a 400 without fields or a 409', () => {
    const i18n = createI18n('ru');
    const notUtf8 = new ApiError({ status: 400, code: 'validation_failed', message: 'Файл не в кодировке UTF-8.' });
    expect(describeErrorWithDetail(notUtf8, i18n.t)).toBe('Файл не в кодировке UTF-8.');
    const conflict = new ApiError({ status: 409, code: 'conflict', message: 'Ученик уже выпущен.' });
    expect(describeErrorWithDetail(conflict, i18n.t)).toBe('Ученик уже выпущен.');
  });

  it('falls back to the text by code otherwise', () => {
    const i18n = createI18n('ru');
    const withFields = new ApiError({ status: 400, code: 'validation_failed', message: 'x', fields: { name: 'bad' } });
    expect(describeErrorWithDetail(withFields, i18n.t)).toBe(ru.errors.validation_failed);
    expect(describeErrorWithDetail(new ApiError({ status: 400, code: 'validation_failed', message: 'HTTP 400' }), i18n.t)).toBe(ru.errors.validation_failed);
    expect(describeErrorWithDetail(new ApiError({ status: 403, code: 'forbidden', message: 'Forbidden' }), i18n.t)).toBe(ru.errors.forbidden);
  });
});
