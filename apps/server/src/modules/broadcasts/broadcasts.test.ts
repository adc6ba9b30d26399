import type { TBroadcast, TListBroadcastsResponse, TListMessagesResponse, TPublicBroadcast } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { registerOrganization } from '../../test/organizations.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';

// Broadcasts without a media server: planning, who may do what, the public link and its
// revocation, and the clear refusal to go live without Janus. The live side (speakers, viewers,
// relays between instances) is in broadcasts-live.test.ts, on real Janus instances.

describe('broadcasts', () => {
  let t: TestApp;
  let s: PopulatedSchool;
  // The app's clock is a manual one: times are relative to it.
  const tomorrow = () => new Date(t.clock.now().getTime() + 86_400_000).toISOString();

  beforeAll(async () => {
    t = await startTestApp();
    s = await populateSchool(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (as: SignedIn | null, url: string, payload: unknown = {}) =>
    t.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: { ...(as ? asUser(as) : {}), 'accept-language': 'ru' } });
  const plan = (as: SignedIn, body: Record<string, unknown> = {}) =>
    post(as, `/api/organizations/${s.organizationId}/broadcasts`, { title: 'Последний звонок', scheduledFor: tomorrow(), speakerIds: [as.userId], ...body });

  it('is planned by administrators and verified teachers with staff as speakers, and listed for the whole school', async () => {
    const planned = await plan(s.verifiedTeacher, { description: 'Актовый зал, 10:00', speakerIds: [s.verifiedTeacher.userId, s.director.userId] });
    expect(planned.statusCode).toBe(201);
    const broadcast = planned.json<TBroadcast>();
    expect(broadcast).toMatchObject({ status: 'scheduled', description: 'Актовый зал, 10:00', canManage: true, isSpeaker: true, viewers: 0 });
    expect(broadcast.speakers.map((speaker) => speaker.person.id)).toEqual([s.verifiedTeacher.userId, s.director.userId]);
    expect(broadcast.watchUrl).toMatch(/\/watch\/[\w-]{32}$/);

    // Students, parents and teachers whose status is not confirmed do not plan broadcasts.
    for (const who of [s.student, s.parent, s.teacher]) {
      const refused = await plan(who);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toContain('подтверждённым статусом');
    }
    // Speakers are staff of this school.
    const withStudent = await plan(s.admin, { speakerIds: [s.admin.userId, s.student.userId] });
    expect(withStudent.statusCode).toBe(400);
    expect(withStudent.json().error.fields.speakerIds).toContain('сотрудники школы');
    const past = await plan(s.admin, { scheduledFor: new Date(t.clock.now().getTime() - 3_600_000).toISOString() });
    expect(past.statusCode).toBe(400);
    expect((await plan(s.admin, { title: '   ' })).statusCode).toBe(400);

    // The whole school sees it (the parent too: to watch and pass the link on), without managing it.
    const seen = (await call<TListBroadcastsResponse>(t, s.parent, 'GET', `/api/organizations/${s.organizationId}/broadcasts`)).broadcasts.find((row) => row.id === broadcast.id);
    expect(seen).toMatchObject({ canManage: false, isSpeaker: false, watchUrl: broadcast.watchUrl });
    // Another school does not.
    const other = await registerOrganization(t);
    expect((await t.app.inject({ method: 'GET', url: `/api/broadcasts/${broadcast.id}`, headers: asUser(other.admin) })).statusCode).toBe(404);
  });

  it('is announced to the whole school in «Общешкольный канал»: planned, then cancelled', async () => {
    const broadcast = (await plan(s.verifiedTeacher, { title: 'Концерт к 8 Марта' })).json<TBroadcast>();
    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
    const channel = await t.database.db.selectFrom('chats').select('id').where('organization_id', '=', s.organizationId).where('system_channel', '=', 'school').executeTakeFirstOrThrow();
    const { messages } = await call<TListMessagesResponse>(t, s.parent, 'GET', `/api/chats/${channel.id}/messages`);
    const about = [...messages].sort((a, b) => a.seq - b.seq).filter((message) => message.system?.broadcast?.broadcastId === broadcast.id).map((message) => message.system);
    expect(about).toEqual([
      expect.objectContaining({ action: 'broadcast', actor: expect.objectContaining({ id: s.verifiedTeacher.userId }), broadcast: expect.objectContaining({ title: 'Концерт к 8 Марта', outcome: 'scheduled', scheduledFor: broadcast.scheduledFor }) }),
      expect.objectContaining({ action: 'broadcast', actor: expect.objectContaining({ id: s.admin.userId }), broadcast: expect.objectContaining({ outcome: 'cancelled', peakViewers: null }) }),
    ]);
  });

  it('is managed by its author, administrators and the director only', async () => {
    const broadcast = (await plan(s.verifiedTeacher)).json<TBroadcast>();
    const refused = await post(s.classTeacher, `/api/broadcasts/${broadcast.id}/link`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('автор');
    expect((await post(s.director, `/api/broadcasts/${broadcast.id}/link`)).statusCode).toBe(200);
    expect((await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`)).canManage).toBe(true);
  });

  it('opens by its public link for anyone, shows no ids, and stops opening once the link is revoked or renewed', async () => {
    const broadcast = (await plan(s.admin, { speakerIds: [s.admin.userId, s.verifiedTeacher.userId] })).json<TBroadcast>();
    const token = broadcast.watchUrl!.split('/watch/')[1]!;
    const open = (value: string) => t.app.inject({ method: 'GET', url: `/api/public/broadcasts/${value}` });
    const seen = await open(token);
    expect(seen.statusCode).toBe(200);
    expect(seen.json<TPublicBroadcast>()).toMatchObject({ title: 'Последний звонок', status: 'scheduled', viewers: 0, speakers: [{ onAir: false }, { onAir: false }] });
    expect(seen.body).not.toContain(s.admin.userId);
    expect(seen.body).not.toContain(broadcast.id);

    const renewed = await call<TBroadcast>(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/link`);
    expect(renewed.watchUrl).not.toBe(broadcast.watchUrl);
    expect((await open(token)).statusCode).toBe(404);
    const newToken = renewed.watchUrl!.split('/watch/')[1]!;
    expect((await open(newToken)).statusCode).toBe(200);

    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/broadcasts/${broadcast.id}/link`, headers: asUser(s.admin) });
    expect(revoked.json<TBroadcast>().watchUrl).toBeNull();
    expect((await open(newToken)).statusCode).toBe(404);
    expect((await open('short')).statusCode).toBe(404);
  });

  it('says clearly that it cannot go live without the media server, and changes nothing', async () => {
    const broadcast = (await plan(s.admin)).json<TBroadcast>();
    const refused = await post(s.admin, `/api/broadcasts/${broadcast.id}/start`);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.message).toContain('медиасервер не запущен');
    expect((await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`)).status).toBe('scheduled');
    // Started at once: refused before anything is made.
    const before = (await call<TListBroadcastsResponse>(t, s.admin, 'GET', `/api/organizations/${s.organizationId}/broadcasts`)).broadcasts.length;
    expect((await post(s.admin, `/api/organizations/${s.organizationId}/broadcasts`, { title: 'Сейчас', speakerIds: [s.admin.userId] })).statusCode).toBe(503);
    expect((await call<TListBroadcastsResponse>(t, s.admin, 'GET', `/api/organizations/${s.organizationId}/broadcasts`)).broadcasts).toHaveLength(before);
  });

  it('is cancelled by ending it before it starts; then its link is gone and it cannot start', async () => {
    const broadcast = (await plan(s.admin)).json<TBroadcast>();
    const ended = await call<TBroadcast>(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
    expect(ended).toMatchObject({ status: 'ended', watchUrl: null });
    expect((await post(s.admin, `/api/broadcasts/${broadcast.id}/start`)).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'GET', url: `/api/public/broadcasts/${broadcast.watchUrl!.split('/watch/')[1]}` })).json<TPublicBroadcast>().status).toBe('ended');
    // Listed after the live and planned ones.
    const list = (await call<TListBroadcastsResponse>(t, s.admin, 'GET', `/api/organizations/${s.organizationId}/broadcasts`)).broadcasts;
    const statuses = list.map((row) => row.status);
    expect(statuses.indexOf('ended')).toBeGreaterThan(statuses.lastIndexOf('scheduled'));
  });
});
