import { randomBytes } from 'node:crypto';
import type { TOrganizationKind, TSubmitApplicationRequest } from '@parta/contracts';
import { sql } from 'kysely';
import { asUser, signIn, type SignedIn, type TestApp } from './harness.ts';

/** A minimal valid PDF, PNG and JPEG (their first bytes are what the server looks at). */
export const samplePdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
export const samplePng = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
export const sampleJpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);

export function upload(t: TestApp, content: Buffer, options: { name?: string; contentType?: string; purpose?: string; as?: SignedIn } = {}) {
  const query = new URLSearchParams({ purpose: options.purpose ?? 'appointment_order', name: options.name ?? 'prikaz.pdf' });
  return t.app.inject({
    method: 'POST',
    url: `/api/uploads?${query}`,
    payload: content,
    headers: { 'content-type': options.contentType ?? 'application/octet-stream', ...(options.as ? asUser(options.as) : {}) },
  });
}

export async function uploadOrder(t: TestApp): Promise<string> {
  const response = await upload(t, samplePdf);
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
  return response.json().uploadToken;
}

export function applicationFor(kind: TOrganizationKind, adminEmail: string, orderUploadToken: string, shortName = `Школа № ${randomBytes(2).readUInt16BE()}`): TSubmitApplicationRequest {
  return {
    organization: { kind, name: `МБОУ «${shortName}»`, shortName, inn: '7701234567', address: 'г. Москва, ул. Школьная, д. 1' },
    administrator: { fullName: 'Иванова Мария Петровна', phone: '+7 916 555-12-34', email: adminEmail },
    orderUploadToken,
  };
}

export async function submitApplication(t: TestApp, body: TSubmitApplicationRequest): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/api/registration-applications', payload: body });
  if (response.statusCode !== 201) throw new Error(`application failed: ${response.body}`);
  return response.json().id;
}

/** Makes a signed-in person the platform operator (on a real server: the first account). */
export async function makeOperator(t: TestApp, user: SignedIn): Promise<SignedIn> {
  await sql`UPDATE users SET is_operator = true WHERE id = ${user.userId}`.execute(t.database.db);
  return user;
}

let operator: { app: TestApp; user: SignedIn } | undefined;
async function operatorOf(t: TestApp): Promise<SignedIn> {
  if (operator?.app !== t) operator = { app: t, user: await makeOperator(t, await signIn(t, `operator.${randomBytes(3).toString('hex')}@parta.test`)) };
  return operator.user;
}

/**
 * A registered organization through the real path: upload, application, operator approval. The
 * administrator is signed in. `parentId` places it under a region or municipality.
 */
export async function registerOrganization(t: TestApp, options: { kind?: TOrganizationKind; shortName?: string; parentId?: string } = {}) {
  const adminEmail = `admin.${randomBytes(4).toString('hex')}@school.test`;
  const applicationId = await submitApplication(t, applicationFor(options.kind ?? 'school', adminEmail, await uploadOrder(t), options.shortName));
  const approved = await t.app.inject({
    method: 'POST',
    url: `/api/operator/applications/${applicationId}/approve`,
    payload: options.parentId ? { parentOrganizationId: options.parentId } : {},
    headers: asUser(await operatorOf(t)),
  });
  if (approved.statusCode !== 200) throw new Error(`approval failed: ${approved.body}`);
  const organizationId: string = approved.json().organizationId;
  return { organizationId, applicationId, admin: await signIn(t, adminEmail), adminEmail };
}
