import type { TAcceptInvitationResponse, TCreatedInvitation, TInvitation, TInvitationPreview, TJoinRequest, TListInvitationsResponse, TListJoinRequestsResponse } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type TestApp } from '../../test/harness.ts';
import { registerOrganization } from '../../test/organizations.ts';
import { call, populateSchool, uniqueEmail, type PopulatedSchool } from '../../test/school.ts';

let t: TestApp;
let s: PopulatedSchool;
const org = () => `/api/organizations/${s.organizationId}`;

beforeAll(async () => {
  t = await startTestApp();
  s = await populateSchool(t);
});
afterAll(async () => {
  await t.close();
});

const preview = (token: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: `/api/invitations/${token}`, headers });
const accept = (token: string, as: Awaited<ReturnType<typeof signIn>>, note?: string) =>
  t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: note === undefined ? {} : { note }, headers: asUser(as) });

describe('invitation links', () => {
  it('makes a ≥128-bit token shown once, stores only its hash, and defaults to 7 days', async () => {
    const link = await call<TCreatedInvitation>(t, s.admin, 'POST', `${org()}/invitations`, { role: 'parent', classId: s.classA });
    expect(Buffer.from(link.token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(link.url).toBe(`${t.config.publicUrl}/join/${link.token}`);
    expect(new Date(link.expiresAt).getTime() - t.clock.now().getTime()).toBe(7 * 86_400_000);
    const stored = await t.database.db.selectFrom('invitations').select('token_hash').where('id', '=', link.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(link.token);
    const listed = await call<TListInvitationsResponse>(t, s.admin, 'GET', `${org()}/invitations`);
    expect(JSON.stringify(listed)).not.toContain(link.token);
  });

  it('shows anyone where a valid link leads, and gives the role from the link, not the client', async () => {
    const link = await call<TCreatedInvitation>(t, s.classTeacher, 'POST', `${org()}/invitations`, { role: 'parent', classId: s.classA });
    const shown = (await preview(link.token)).json<TInvitationPreview>();
    expect(shown).toMatchObject({ class: { name: '5А' }, role: 'parent', requiresApproval: false, alreadyMember: false });
    const person = await signIn(t, uniqueEmail('newparent'));
    const response = await t.app.inject({ method: 'POST', url: `/api/invitations/${link.token}/accept`, payload: { role: 'administrator' }, headers: asUser(person) });
    expect(response.statusCode).toBe(400); // no such field: the role is never the client's to say
    const joined = (await accept(link.token, person)).json<TAcceptInvitationResponse>();
    expect(joined).toEqual({ status: 'joined', organizationId: s.organizationId, classId: s.classA });
    const organizations = await call<{ organizations: { id: string; myRoles: string[] }[] }>(t, person, 'GET', '/api/organizations');
    expect(organizations.organizations).toEqual([expect.objectContaining({ id: s.organizationId, myRoles: ['parent'] })]);
    // Using it again changes nothing and counts nothing.
    expect((await accept(link.token, person)).json().status).toBe('joined');
    const listed = await call<TListInvitationsResponse>(t, s.admin, 'GET', `${org()}/invitations`);
    expect(listed.invitations.find((item) => item.id === link.id)?.uses).toBe(1);
  });

  it('answers wrong, expired, used-up and revoked links with the same neutral 404', async () => {
    const answers: string[] = [];
    const record = async (token: string) => {
      const response = await preview(token);
      answers.push(`${response.statusCode} ${response.body}`);
      const person = await signIn(t, uniqueEmail('late'));
      const accepted = await accept(token, person);
      answers.push(`${accepted.statusCode} ${accepted.body}`);
    };
    await record('A'.repeat(32));
    const once = await call<TCreatedInvitation>(t, s.admin, 'POST', `${org()}/invitations`, { role: 'teacher', maxUses: 1 });
    await accept(once.token, await signIn(t, uniqueEmail('first')));
    await record(once.token);
    const revoked = await call<TCreatedInvitation>(t, s.admin, 'POST', `${org()}/invitations`, { role: 'student', classId: s.classB });
    expect((await call<TInvitation>(t, s.admin, 'POST', `${org()}/invitations/${revoked.id}/revoke`, {})).state).toBe('revoked');
    await record(revoked.token);
    const expiring = await call<TCreatedInvitation>(t, s.admin, 'POST', `${org()}/invitations`, { role: 'parent', expiresInDays: 1 });
    t.clock.advance(86_400_000 + 1000);
    await record(expiring.token);
    expect(new Set(answers)).toEqual(new Set(['404 {"error":{"code":"not_found","message":"Ссылка недействительна."}}']));
    expect(answers).toHaveLength(8);
    const english = await preview('B'.repeat(32), { 'accept-language': 'en' });
    expect(english.json().error.message).toBe('This link is not valid.');
  });

  it('refuses a malformed token or body with 400 and writes nothing', async () => {
    expect((await preview('short')).statusCode).toBe(400);
    expect((await preview('%00'.repeat(12))).statusCode).toBe(400);
    const before = await t.database.db.selectFrom('invitations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    for (const payload of [{ role: 'administrator' }, { role: { $ne: null } }, { role: 'parent', maxUses: 0 }, { role: 'parent', expiresInDays: 31 }, [{ role: 'parent' }], { role: 'parent', classId: 'x'.repeat(1_000_000) }]) {
      const response = await t.app.inject({ method: 'POST', url: `${org()}/invitations`, payload: payload as object, headers: asUser(s.admin) });
      expect([400, 413], JSON.stringify(payload).slice(0, 60)).toContain(response.statusCode);
    }
    const after = await t.database.db.selectFrom('invitations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it('lets a class teacher invite students and parents to their class only, and not staff', async () => {
    const denied = await t.app.inject({ method: 'POST', url: `${org()}/invitations`, payload: { role: 'teacher', classId: s.classA }, headers: asUser(s.classTeacher) });
    expect(denied.statusCode).toBe(403);
    const otherClass = await t.app.inject({ method: 'POST', url: `${org()}/invitations`, payload: { role: 'parent', classId: s.classB }, headers: asUser(s.classTeacher) });
    expect(otherClass.statusCode).toBe(403);
    const unverified = await t.app.inject({ method: 'POST', url: `${org()}/invitations`, payload: { role: 'parent', classId: s.classA }, headers: asUser(s.teacher) });
    expect(unverified.statusCode).toBe(403);
    const own = await call<TListInvitationsResponse>(t, s.classTeacher, 'GET', `${org()}/invitations`);
    expect(own.invitations.every((item) => item.class?.id === s.classA)).toBe(true);
  });
});

describe('join requests', () => {
  it('queues a request for the administrators and the class teacher; accepting tells the person', async () => {
    const link = await call<TCreatedInvitation>(t, s.classTeacher, 'POST', `${org()}/invitations`, { role: 'parent', classId: s.classA, requiresApproval: true });
    const person = await signIn(t, uniqueEmail('asking'));
    const asked = (await accept(link.token, person, 'мама Пети Петрова')).json<TAcceptInvitationResponse>();
    expect(asked.status).toBe('pending');
    expect((await accept(link.token, person)).json().status).toBe('pending');
    expect((await t.app.inject({ method: 'GET', url: `${org()}`, headers: asUser(person) })).statusCode).toBe(404);

    for (const who of [s.admin, s.classTeacher]) {
      const events = await t.database.db.selectFrom('user_events').select('name').where('user_id', '=', who.userId).where('name', '=', 'joinRequest.created').execute();
      expect(events.length).toBeGreaterThan(0);
    }
    const queue = await call<TListJoinRequestsResponse>(t, s.classTeacher, 'GET', `${org()}/join-requests`);
    const request = queue.requests.find((item) => item.person.id === person.userId)!;
    expect(request).toMatchObject({ role: 'parent', class: { name: '5А' }, note: 'мама Пети Петрова', person: { email: null } });
    expect((await t.app.inject({ method: 'GET', url: `${org()}/join-requests`, headers: asUser(s.teacher) })).statusCode).toBe(403);

    const decided = await call<TJoinRequest>(t, s.classTeacher, 'POST', `${org()}/join-requests/${request.id}/accept`, {});
    expect(decided.status).toBe('accepted');
    const told = await t.database.db.selectFrom('user_events').select(['name', 'payload']).where('user_id', '=', person.userId).where('name', '=', 'joinRequest.decided').executeTakeFirstOrThrow();
    expect(told.payload).toMatchObject({ status: 'accepted', className: '5А', organizationId: s.organizationId });
    expect((await t.app.inject({ method: 'GET', url: `${org()}/classes/${s.classA}`, headers: asUser(person) })).statusCode).toBe(200);
    const twice = await t.app.inject({ method: 'POST', url: `${org()}/join-requests/${request.id}/decline`, headers: asUser(s.admin), payload: {} });
    expect(twice.statusCode).toBe(409);
  });

  it('declining keeps the person out, and they are told', async () => {
    const link = await call<TCreatedInvitation>(t, s.admin, 'POST', `${org()}/invitations`, { role: 'teacher', requiresApproval: true });
    const person = await signIn(t, uniqueEmail('stranger'));
    await accept(link.token, person);
    const queue = await call<TListJoinRequestsResponse>(t, s.admin, 'GET', `${org()}/join-requests`);
    const request = queue.requests.find((item) => item.person.id === person.userId)!;
    await call(t, s.admin, 'POST', `${org()}/join-requests/${request.id}/decline`, {});
    expect((await t.app.inject({ method: 'GET', url: `${org()}`, headers: asUser(person) })).statusCode).toBe(404);
    const told = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', person.userId).where('name', '=', 'joinRequest.decided').executeTakeFirstOrThrow();
    expect(told.payload).toMatchObject({ status: 'declined' });
  });

  it('keeps another school’s administrator out of the queue and the links', async () => {
    const other = await registerOrganization(t);
    for (const [method, url] of [
      ['GET', `${org()}/join-requests`],
      ['GET', `${org()}/invitations`],
      ['POST', `${org()}/invitations`],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: asUser(other.admin), ...(method === 'POST' ? { payload: { role: 'teacher' } } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
  });
});
