import { describe, expect, it } from 'vitest';
import { precheckOrderFile } from './order-upload';
import { fileNameForUpload } from './registration-api';
import { emptyRegistrationValues, fieldForServerPath, findInvalidFields, firstInPageOrder } from './registration-form';

const valid = {
  ...emptyRegistrationValues,
  'organization.kind': 'school',
  'organization.name': 'МБОУ СОШ № 5',
  'organization.shortName': 'Школа № 5',
  'organization.inn': '6950000001',
  'organization.address': 'г. Тверь, ул. Советская, 5',
  'administrator.fullName': 'Иванова Мария Сергеевна',
  'administrator.phone': '+7 900 123-45-67',
  'administrator.email': 'ivanova@school5.ru',
};

describe('registration form checks', () => {
  it('uses the contract: an optional parent may be empty, everything else must fit', () => {
    expect(findInvalidFields(valid)).toEqual([]);
    expect(findInvalidFields(emptyRegistrationValues)).toEqual([
      'organization.kind',
      'organization.name',
      'organization.shortName',
      'organization.inn',
      'organization.address',
      'administrator.fullName',
      'administrator.phone',
      'administrator.email',
    ]);
    expect(findInvalidFields({ ...valid, 'organization.inn': '69500000011', 'organization.parentName': 'УО', 'administrator.email': 'not-an-address' })).toEqual([
      'organization.inn',
      'organization.parentName',
      'administrator.email',
    ]);
  });

  it('places server error paths at fields, with or without a "body." prefix', () => {
    expect(fieldForServerPath('organization.inn')).toBe('organization.inn');
    expect(fieldForServerPath('body.administrator.email')).toBe('administrator.email');
    expect(fieldForServerPath('orderUploadToken')).toBe('orderUploadToken');
    expect(fieldForServerPath('organization')).toBeUndefined();
    expect(fieldForServerPath('organization.innovation')).toBeUndefined();
    expect(firstInPageOrder({ orderUploadToken: 'x', 'administrator.phone': 'y', 'organization.address': 'z' })).toBe('organization.address');
  });

  it('pre-checks the scan leniently by type or extension and by size', () => {
    expect(precheckOrderFile({ name: 'prikaz.PDF', type: '', size: 10 })).toBeNull();
    expect(precheckOrderFile({ name: 'scan', type: 'image/png', size: 10 })).toBeNull();
    expect(precheckOrderFile({ name: 'prikaz.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 10 })).toEqual({ kind: 'wrongType' });
    expect(precheckOrderFile({ name: 'prikaz.jpg', type: 'image/jpeg', size: 10 * 1024 * 1024 })).toBeNull();
    expect(precheckOrderFile({ name: 'prikaz.jpg', type: 'image/jpeg', size: 10 * 1024 * 1024 + 1 })).toEqual({ kind: 'tooLarge' });
  });

  it('shortens a very long file name to what the upload accepts, keeping the extension', () => {
    expect(fileNameForUpload('приказ.pdf')).toBe('приказ.pdf');
    const shortened = fileNameForUpload(`${'я'.repeat(300)}.pdf`);
    expect(shortened).toHaveLength(200);
    expect(shortened.endsWith('.pdf')).toBe(true);
    expect(fileNameForUpload(' \u0007 ')).toBe('file');
  });
});
