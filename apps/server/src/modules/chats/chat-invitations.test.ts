import type { TChat, TChatInvitationPreview, TCreatedChatInvitation } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';
import { registerOrganization } from '../../test/organizations.ts';

let t: TestApp;
let s: PopulatedSchool;

beforeAll(async () => {
  t = await startTestApp();
  s = await populateSchool(t);
});
afterAll(async () => {
  await t.close();
});

const accept = (who: SignedIn, token: string) => t.app.inject({ method: 'POST', url: `/api/chat-invitations/${token}/accept`, headers: asUser(who) });

describe('chat invitation links', () => {
  it('lets people of the organization join by a link; strangers and revoked links get the same neutral answer', async () => {
    const chat = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Театральный кружок', memberIds: [s.verifiedTeacher.userId] });
    const notAdmin = await t.app.inject({ method: 'POST', url: `/api/chats/${chat.id}/invitations`, headers: asUser(s.verifiedTeacher), payload: {} });
    expect(notAdmin.statusCode).toBe(403);
    const link = await call<TCreatedChatInvitation>(t, s.classTeacher, 'POST', `/api/chats/${chat.id}/invitations`, { maxUses: 2 });
    expect(link.url).toMatch(/\/chat-invite\//);
    const stored = await t.database.db.selectFrom('chat_invitations').select('token_hash').where('id', '=', link.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(link.token); // only the hash is kept

    const preview = await call<TChatInvitationPreview>(t, s.parent, 'GET', `/api/chat-invitations/${link.token}`);
    expect(preview).toMatchObject({ chatTitle: 'Театральный кружок', alreadyMember: false, chatId: null });
    const joined = await accept(s.parent, link.token);
    expect(joined.statusCode).toBe(200);
    expect(joined.json<TChat>()).toMatchObject({ id: chat.id, myRole: 'member' });
    expect((await accept(s.parent, link.token)).statusCode).toBe(200); // again: already in, no second use

    // Someone of another school is told only that the link is not valid.
    const other = await registerOrganization(t);
    const stranger = await accept(other.admin, link.token);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().error.message).toBe('Ссылка недействительна.');

    await call(t, s.classTeacher, 'DELETE', `/api/chats/${chat.id}/invitations/${link.id}`);
    const revoked = await accept(s.student, link.token);
    expect(revoked.statusCode).toBe(404);
    expect(revoked.json().error.message).toBe('Ссылка недействительна.');
  });

  it('works only as far as its maker could add people: an unverified teacher’s link admits colleagues, not students', async () => {
    const chat = await call<TChat>(t, s.teacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Методобъединение', memberIds: [s.verifiedTeacher.userId] });
    const link = await call<TCreatedChatInvitation>(t, s.teacher, 'POST', `/api/chats/${chat.id}/invitations`, {});
    expect((await accept(s.student, link.token)).statusCode).toBe(404);
    expect((await accept(s.director, link.token)).statusCode).toBe(200);
  });

  it('is not offered for chats whose members are decided by the roster', async () => {
    const classChat = await call<TChat>(t, s.classTeacher, 'POST', `/api/classes/${s.classA}/chats`, { kind: 'class' }, [200, 201]);
    const refused = await t.app.inject({ method: 'POST', url: `/api/chats/${classChat.id}/invitations`, headers: asUser(s.classTeacher), payload: {} });
    expect(refused.statusCode).toBe(409);
    const newcomer = await signIn(t);
    expect((await t.app.inject({ method: 'GET', url: '/api/chat-invitations/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', headers: asUser(newcomer) })).statusCode).toBe(404);
  });
});
