import { randomUUID } from 'node:crypto';
import type { TChat, TListChatsResponse } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { registerOrganization } from '../../test/organizations.ts';
import { call, createClass, joinByLink } from '../../test/school.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('chats of an authority across the organizations under it', () => {
  it('brings together the directors of the municipality’s schools, and nobody else', async () => {
    const municipality = await registerOrganization(t, { kind: 'municipality', shortName: 'Управление образования' });
    const schoolA = await registerOrganization(t, { parentId: municipality.organizationId, shortName: 'Школа №1' });
    const schoolB = await registerOrganization(t, { parentId: municipality.organizationId, shortName: 'Школа №2' });
    const elsewhere = await registerOrganization(t, { shortName: 'Чужая школа' });
    const directorA = (await joinByLink(t, schoolA.admin, schoolA.organizationId, { role: 'director' })).person;
    const directorB = (await joinByLink(t, schoolB.admin, schoolB.organizationId, { role: 'director' })).person;
    const foreignDirector = (await joinByLink(t, elsewhere.admin, elsewhere.organizationId, { role: 'director' })).person;
    const student = (await joinByLink(t, schoolA.admin, schoolA.organizationId, { role: 'student', classId: await createClass(t, schoolA.admin, schoolA.organizationId, '7А') })).person;

    const { people } = await call<{ people: { person: { id: string }; organizations: string[] }[] }>(t, municipality.admin, 'GET', `/api/organizations/${municipality.organizationId}/network-people?role=director`);
    expect(people.map((p) => p.person.id).sort()).toEqual([directorA.userId, directorB.userId].sort());
    expect(people.find((p) => p.person.id === directorA.userId)?.organizations).toEqual(['Школа №1']);

    const create = (memberIds: string[], as: SignedIn = municipality.admin) =>
      t.app.inject({ method: 'POST', url: `/api/organizations/${municipality.organizationId}/chats`, headers: asUser(as), payload: { title: 'Директора школ', memberIds } });
    expect((await create([directorA.userId, student.userId])).statusCode).toBe(400);
    expect((await create([directorA.userId, foreignDirector.userId])).statusCode).toBe(400);
    const made = await create([directorA.userId, directorB.userId]);
    expect(made.statusCode).toBe(201);
    const chat = made.json<TChat>();
    expect(chat.memberCount).toBe(3);

    for (const director of [directorA, directorB]) {
      const { chats } = await call<TListChatsResponse>(t, director, 'GET', '/api/chats');
      expect(chats.map((c) => c.id)).toContain(chat.id);
      const sent = await t.app.inject({ method: 'POST', url: `/api/chats/${chat.id}/messages`, headers: asUser(director), payload: { clientId: randomUUID(), text: 'Добрый день, коллеги' } });
      expect(sent.statusCode).toBe(201);
    }
    // A director who leaves their school leaves the authority's chat with it.
    await call(t, schoolB.admin, 'DELETE', `/api/organizations/${schoolB.organizationId}/members/${directorB.userId}/roles/director`);
    expect((await t.app.inject({ method: 'GET', url: `/api/chats/${chat.id}/messages`, headers: asUser(directorB) })).statusCode).toBe(404);
    expect((await call<TListChatsResponse>(t, directorB, 'GET', '/api/chats')).chats.map((c) => c.id)).not.toContain(chat.id);
  });
});
