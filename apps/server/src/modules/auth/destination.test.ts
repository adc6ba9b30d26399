import { describe, expect, it } from 'vitest';
import { normalizeDestination } from './destination.ts';

describe('normalizeDestination: e-mail', () => {
  it.each([
    ['anna@school.test', 'anna@school.test'],
    ['Anna.Petrova@School.TEST', 'anna.petrova@school.test'],
    ['  anna@school.test\t', 'anna@school.test'],
    ['\n ANNA@MAIL.RU \n', 'anna@mail.ru'],
    ['anna+parta@school.test', 'anna+parta@school.test'],
  ])('%j → %s', (input, value) => {
    expect(normalizeDestination(input)).toEqual({ channel: 'email', value });
  });

  it.each(['a b@school.test', 'anna @school.test', 'anna@ school.test', '@school.test', 'anna@', 'anna@@school.test', 'anna@school', 'anna@school..test', 'a@b.test\u0000', '<anna@school.test>'])(
    'refuses %j',
    (input) => {
      expect(normalizeDestination(input)).toBeNull();
    },
  );
});

describe('normalizeDestination: phone', () => {
  const mobile = '+79165551234';
  it.each([
    '+79165551234',
    '+7 916 555-12-34',
    '+7 (916) 555-12-34',
    '+7(916)5551234',
    '8 916 555 12 34',
    '8 (916) 555-12-34',
    '8-916-555-12-34',
    '89165551234',
    '7 916 555 12 34',
    '79165551234',
    '9165551234',
    '916 555 12 34',
    '  +7 916 555 12 34  ',
    '+7\u00a0916\u00a0555\u00a012\u00a034', // non-breaking spaces, as pasted from a web page
  ])('%j → +79165551234', (input) => {
    expect(normalizeDestination(input)).toEqual({ channel: 'phone', value: mobile });
  });

  it.each([
    ['+7 (495) 123-45-67', '+74951234567'], // Moscow landline
    ['8 (495) 123-45-67', '+74951234567'],
    ['8 800 555-35-35', '+78005553535'], // toll-free
    ['+44 20 7946 0958', '+442079460958'], // a foreign number keeps its own country code
  ])('%j → %s', (input, value) => {
    expect(normalizeDestination(input)).toEqual({ channel: 'phone', value });
  });

  it.each([
    '',
    '   ',
    'abc',
    '12345', // too short to be a number at all
    '+7 916 555', // too short
    '8 916 555 12 3', // one digit missing
    '+7 916 555 12 34 5', // one digit too many
    '8916555123', // an 8-prefixed number one digit short is not read as +7
    '+8 916 555 12 34', // "+8" is not the Russian trunk prefix
    '+7 000 000 00 00',
    '++79165551234',
    '8-916-ABC-12-34',
    '+7 916 555 12 34 ext 5',
    '８９１６５５５１２３４', // full-width digits
    '1'.repeat(30),
  ])('refuses %j', (input) => {
    expect(normalizeDestination(input)).toBeNull();
  });

  it('gives every spelling of one number the same value, so it is one account', () => {
    const spellings = ['+7 916 555-12-34', '8 (916) 555-12-34', '89165551234', '9165551234'];
    expect(new Set(spellings.map((s) => normalizeDestination(s)?.value))).toEqual(new Set([mobile]));
  });

  it('accepts a number without the country code written with brackets first, "(916) 555-12-34"', () => {
    expect(normalizeDestination('(916) 555-12-34')).toEqual({ channel: 'phone', value: mobile });
  });
});
