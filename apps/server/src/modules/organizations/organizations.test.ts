import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { applicationFor, makeOperator, registerOrganization, sampleJpeg, samplePdf, samplePng, submitApplication, upload, uploadOrder } from '../../test/organizations.ts';

let t: TestApp;
let operator: SignedIn;

beforeAll(async () => {
  t = await startTestApp();
  operator = await makeOperator(t, await signIn(t, 'operator@parta.test'));
});
afterAll(async () => {
  await t.close();
});

const count = async (table: 'files' | 'registration_applications' | 'organizations' | 'memberships') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.database.db)).rows[0]!.n;

describe('uploads: the appointment order scan', () => {
  it('accepts PDF, PNG and JPEG by their content, whatever the name or declared type says', async () => {
    for (const [content, type] of [[samplePdf, 'application/pdf'], [samplePng, 'image/png'], [sampleJpeg, 'image/jpeg']] as const) {
      const response = await upload(t, content, { name: 'скан.pdf', contentType: 'application/octet-stream' });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ name: 'скан.pdf', contentType: type, size: content.length });
      expect(response.json().uploadToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    }
  });

  it('refuses other content named like a PDF (415), an empty file (400) and a file over 10 MB (413), storing nothing', async () => {
    const before = await count('files');
    const html = await upload(t, Buffer.from('<html><script>alert(1)</script></html>'), { name: 'prikaz.pdf', contentType: 'application/pdf' });
    expect(html.statusCode).toBe(415);
    expect(html.json().error.code).toBe('unsupported_media_type');
    expect((await upload(t, Buffer.alloc(0))).statusCode).toBe(400);
    const huge = Buffer.concat([samplePdf, Buffer.alloc(10 * 1024 * 1024)]);
    const tooLarge = await upload(t, huge);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('payload_too_large');
    expect(await count('files')).toBe(before);
  });

  it('refuses an unknown purpose, a missing name and a JSON body with field messages', async () => {
    const before = await count('files');
    expect((await upload(t, samplePdf, { purpose: 'avatar' })).json().error.fields).toHaveProperty(['query.purpose']);
    const noName = await t.app.inject({ method: 'POST', url: '/api/uploads?purpose=appointment_order', payload: samplePdf, headers: { 'content-type': 'application/pdf' } });
    expect(noName.statusCode).toBe(400);
    const json = await t.app.inject({ method: 'POST', url: '/api/uploads?purpose=appointment_order&name=a.pdf', payload: { $ne: null } });
    expect(json.statusCode).toBe(400);
    expect(await count('files')).toBe(before);
  });
});

describe('registration applications', () => {
  it('takes a public application with its order scan and confirms it by e-mail', async () => {
    const token = await uploadOrder(t);
    const id = await submitApplication(t, applicationFor('school', 'director@school5.test', token, 'Школа № 5'));
    const mail = t.outbox!.list().find((m) => m.to === 'director@school5.test');
    expect(mail?.text).toContain('Школа № 5');
    expect(mail?.text).toContain(id);
    const listed = await t.app.inject({ method: 'GET', url: '/api/operator/applications?status=pending', headers: asUser(operator) });
    const application = listed.json().applications.find((a: { id: string }) => a.id === id);
    expect(application).toMatchObject({
      status: 'pending',
      organization: { kind: 'school', shortName: 'Школа № 5', inn: '7701234567' },
      administrator: { fullName: 'Иванова Мария Петровна', phone: '+79165551234', email: 'director@school5.test' },
      order: { name: 'prikaz.pdf', contentType: 'application/pdf', size: samplePdf.length },
    });
    // The operator's open review queue hears of it at once.
    const told = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', operator.userId).where('name', '=', 'application.submitted').execute();
    expect(told.map((event) => event.payload)).toContainEqual({ applicationId: id });
  });

  it('lets one upload serve one application only; a made-up token is refused at its field', async () => {
    const token = await uploadOrder(t);
    await submitApplication(t, applicationFor('school', 'first@school.test', token));
    const before = await count('registration_applications');
    for (const orderUploadToken of [token, 'x'.repeat(43)]) {
      const again = await t.app.inject({ method: 'POST', url: '/api/registration-applications', payload: applicationFor('school', 'second@school.test', orderUploadToken) });
      expect(again.statusCode).toBe(400);
      expect(again.json().error.fields).toEqual({ orderUploadToken: 'файл не найден: загрузите его ещё раз' });
    }
    expect(await count('registration_applications')).toBe(before);
  });

  it('answers a wrong ИНН, phone or e-mail with a Russian message at each field, and writes nothing', async () => {
    const token = await uploadOrder(t);
    const body = applicationFor('school', 'x@school.test', token);
    const before = [await count('registration_applications'), await count('files')];
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/registration-applications',
      payload: { ...body, organization: { ...body.organization, inn: '12345' }, administrator: { ...body.administrator, email: 'not-an-email' } },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields).toEqual({ 'organization.inn': 'ИНН организации — 10 цифр', 'administrator.email': 'неверный адрес электронной почты' });
    const badPhone = await t.app.inject({ method: 'POST', url: '/api/registration-applications', payload: { ...body, administrator: { ...body.administrator, phone: '12345' } } });
    expect(badPhone.json().error.fields).toEqual({ 'administrator.phone': 'укажите мобильный телефон, например +7 900 123-45-67' });
    expect([await count('registration_applications'), await count('files')]).toEqual(before);
    // The upload is still unclaimed and can be used once the form is corrected.
    await submitApplication(t, body);
  });
});

describe('operator review', () => {
  it('approval creates the organization, makes the applicant its administrator and tells them by e-mail', async () => {
    const { organizationId, admin, adminEmail, applicationId } = await registerOrganization(t, { shortName: 'Лицей № 2' });
    expect(t.outbox!.list().find((m) => m.to === adminEmail && m.subject.includes('одобрена'))?.text).toContain('/sign-in');
    const mine = await t.app.inject({ method: 'GET', url: '/api/organizations', headers: asUser(admin) });
    expect(mine.json().organizations).toEqual([expect.objectContaining({ id: organizationId, shortName: 'Лицей № 2', kind: 'school', myRoles: ['administrator'] })]);
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: asUser(admin) });
    expect(me.json().displayName).toBe('Иванова Мария Петровна');
    // Reviewed once only.
    const again = await t.app.inject({ method: 'POST', url: `/api/operator/applications/${applicationId}/approve`, payload: {}, headers: asUser(operator) });
    expect(again.statusCode).toBe(409);
    expect(await t.app.inject({ method: 'POST', url: `/api/operator/applications/${applicationId}/reject`, payload: { reason: 'Поздно' + '!'.repeat(5) }, headers: asUser(operator) }).then((r) => r.statusCode)).toBe(409);
  });

  it('rejection e-mails the reason to the applicant and creates nothing', async () => {
    const id = await submitApplication(t, applicationFor('college', 'rejected@college.test', await uploadOrder(t)));
    const organizations = await count('organizations');
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/operator/applications/${id}/reject`,
      payload: { reason: 'Скан приказа не читается.\nПриложите, пожалуйста, копию получше.' },
      headers: asUser(operator),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'rejected', rejectionReason: 'Скан приказа не читается.\nПриложите, пожалуйста, копию получше.', organizationId: null });
    const mail = t.outbox!.list().find((m) => m.to === 'rejected@college.test' && m.subject.includes('отклонена'));
    expect(mail?.text).toContain('Скан приказа не читается.');
    expect(await count('organizations')).toBe(organizations);
  });

  it('places organizations in the tree: a school under a municipality under a region, never the other way', async () => {
    const region = await registerOrganization(t, { kind: 'region', shortName: 'Минобр области' });
    const municipality = await registerOrganization(t, { kind: 'municipality', shortName: 'Управление образования', parentId: region.organizationId });
    await registerOrganization(t, { kind: 'school', parentId: municipality.organizationId });
    const authorities = await t.app.inject({ method: 'GET', url: '/api/operator/authorities', headers: asUser(operator) });
    expect(authorities.json().organizations.map((o: { shortName: string }) => o.shortName)).toEqual(expect.arrayContaining(['Минобр области', 'Управление образования']));

    const school = await registerOrganization(t, { kind: 'school' });
    const regionUnderSchool = await submitApplication(t, applicationFor('region', 'r@region.test', await uploadOrder(t)));
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/operator/applications/${regionUnderSchool}/approve`,
      payload: { parentOrganizationId: school.organizationId },
      headers: asUser(operator),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields).toHaveProperty('parentOrganizationId');
  });

  it('serves the order scan to the operator only, as stored', async () => {
    const id = await submitApplication(t, applicationFor('school', 'scan@school.test', await uploadOrder(t)));
    const asOperator = await t.app.inject({ method: 'GET', url: `/api/operator/applications/${id}/order`, headers: asUser(operator) });
    expect(asOperator.statusCode).toBe(200);
    expect(asOperator.headers['content-type']).toBe('application/pdf');
    expect(asOperator.rawPayload.equals(samplePdf)).toBe(true);
    const someone = await signIn(t);
    expect((await t.app.inject({ method: 'GET', url: `/api/operator/applications/${id}/order`, headers: asUser(someone) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/operator/applications/${id}/order` })).statusCode).toBe(401);
  });
});

describe('closed spaces', () => {
  it('shows an organization to its members only; to anyone else it does not exist (404)', async () => {
    const a = await registerOrganization(t);
    const b = await registerOrganization(t);
    const ok = await t.app.inject({ method: 'GET', url: `/api/organizations/${a.organizationId}`, headers: asUser(a.admin) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: a.organizationId, myRoles: ['administrator'] });
    for (const outsider of [b.admin, await signIn(t), operator]) {
      const response = await t.app.inject({ method: 'GET', url: `/api/organizations/${a.organizationId}`, headers: asUser(outsider) });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual((await t.app.inject({ method: 'GET', url: `/api/organizations/${crypto.randomUUID()}`, headers: asUser(outsider) })).json());
    }
    const listed = await t.app.inject({ method: 'GET', url: '/api/organizations', headers: asUser(b.admin) });
    expect(listed.json().organizations.map((o: { id: string }) => o.id)).toEqual([b.organizationId]);
  });
});
