import type { TCall, TChat, TListMessagesResponse } from '@parta/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nextSignal, startCallsApp, type CallsApp, type Device } from '../../test/calls.ts';
import { asUser, type SignedIn, type TestApp } from '../../test/harness.ts';
import { registerOrganization } from '../../test/organizations.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';
import { waitFor } from '../../test/wait.ts';
import type { TestSocket } from '../../test/ws-client.ts';

// One-to-one calls (peer to peer, signalling relayed over the WebSocket) and the lifecycle every
// call shares: ring, answer, decline, missed, hang up, the chat's «Звонок» message, a device that
// lost its connection. Group calls through the media server: media.test.ts in this folder.

let app: CallsApp;
let t: TestApp;
let s: PopulatedSchool;
let direct: TChat;

beforeAll(async () => {
  app = await startCallsApp();
  t = app.t;
  s = await populateSchool(t);
  direct = await call<TChat>(t, s.verifiedTeacher, 'POST', `/api/organizations/${s.organizationId}/direct-chats`, { userId: s.parent.userId });
});
afterEach(async () => {
  app.closeDevices();
  // No call left in progress in the direct chat for the next test.
  const live = await call<{ calls: TCall[] }>(t, s.verifiedTeacher, 'GET', '/api/calls');
  for (const running of live.calls) await call(t, s.verifiedTeacher, 'POST', `/api/calls/${running.id}/end`);
});
afterAll(async () => {
  await app.close();
});

const device = async (user: SignedIn) => {
  const opened = await app.device(user);
  expect(opened.connectionId).toMatch(/^[0-9a-f-]{36}$/);
  return opened;
};

const startCall = (by: Device, chatId = direct.id, video = true) => t.app.inject({ method: 'POST', url: `/api/chats/${chatId}/calls`, payload: { video, connectionId: by.connectionId }, headers: asUser(by.user) });
const post = (as: SignedIn, url: string, payload: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, payload, headers: asUser(as) });

/** The next event of this name on the socket (other events are skipped). */
async function nextEvent(socket: TestSocket, name: string) {
  for (;;) {
    const message = await socket.next();
    if (message.type === 'event' && message.name === name) return message.data as { call: TCall };
  }
}

async function lastSystemMessage(as: SignedIn, chatId = direct.id) {
  const { messages } = await call<TListMessagesResponse>(t, as, 'GET', `/api/chats/${chatId}/messages`);
  return messages.filter((message) => message.kind === 'system').sort((a, b) => a.seq - b.seq).at(-1)?.system;
}

describe('a one-to-one call', () => {
  it('rings the other person, connects through relayed signalling, and ends with «Звонок» and its duration', async () => {
    const teacher = await device(s.verifiedTeacher);
    const parent = await device(s.parent);
    const parentPhone = await device(s.parent);

    const started = await startCall(teacher);
    expect(started.statusCode).toBe(201);
    const ringing = started.json<TCall>();
    expect(ringing).toMatchObject({ mode: 'p2p', status: 'ringing', video: true, startedBy: { id: s.verifiedTeacher.userId } });
    expect(ringing.participants.map((p) => [p.person.id, p.state])).toEqual(
      expect.arrayContaining([
        [s.verifiedTeacher.userId, 'joined'],
        [s.parent.userId, 'invited'],
      ]),
    );
    // Both of the parent's devices ring.
    expect((await nextEvent(parent.socket, 'call.started')).call.id).toBe(ringing.id);
    expect((await nextEvent(parentPhone.socket, 'call.started')).call.id).toBe(ringing.id);

    t.clock.advance(5_000);
    const answered = await post(s.parent, `/api/calls/${ringing.id}/join`, { connectionId: parent.connectionId });
    expect(answered.statusCode).toBe(200);
    expect(answered.json<TCall>()).toMatchObject({ status: 'active' });
    const update = await nextEvent(teacher.socket, 'call.updated');
    expect(update.call.participants.find((p) => p.person.id === s.parent.userId)).toMatchObject({ state: 'joined', connectionId: parent.connectionId });

    // The offer reaches the device that answered, and only it.
    teacher.socket.send({ type: 'call.signal', callId: ringing.id, to: s.parent.userId, description: { type: 'offer', sdp: 'v=0 offer' } });
    expect(await nextSignal(parent.socket, 'call.signal')).toEqual({ callId: ringing.id, from: s.verifiedTeacher.userId, description: { type: 'offer', sdp: 'v=0 offer' } });
    parent.socket.send({ type: 'call.signal', callId: ringing.id, to: s.verifiedTeacher.userId, candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
    expect(await nextSignal(teacher.socket, 'call.signal')).toMatchObject({ from: s.parent.userId, candidate: { candidate: expect.stringContaining('typ host') } });
    const onPhone = (await parentPhone.socket.drainUntilPong()).filter((m) => m.type === 'signal');
    expect(onPhone).toEqual([]);

    t.clock.advance(125_000);
    const hungUp = await post(s.parent, `/api/calls/${ringing.id}/leave`, { connectionId: parent.connectionId });
    expect(hungUp.json<TCall>()).toMatchObject({ status: 'ended' });
    expect(await lastSystemMessage(s.parent)).toMatchObject({ action: 'call', actor: { id: s.verifiedTeacher.userId }, call: { callId: ringing.id, outcome: 'ended', video: true, durationSeconds: 125 } });
    expect((await call<{ calls: TCall[] }>(t, s.parent, 'GET', '/api/calls')).calls).toEqual([]);
  });

  it('is missed when nobody answers within 45 s', async () => {
    const teacher = await device(s.verifiedTeacher);
    const ringing = (await startCall(teacher, direct.id, false)).json<TCall>();
    t.clock.advance(44_000);
    await t.services.calls.sweep();
    expect((await call<TCall>(t, s.parent, 'GET', `/api/calls/${ringing.id}`)).status).toBe('ringing');
    t.clock.advance(2_000);
    await t.services.calls.sweep();
    expect((await call<TCall>(t, s.parent, 'GET', `/api/calls/${ringing.id}`)).status).toBe('ended');
    expect(await lastSystemMessage(s.parent)).toMatchObject({ action: 'call', call: { outcome: 'missed', video: false, durationSeconds: null } });
  });

  it('ends as declined when the other person declines', async () => {
    const teacher = await device(s.verifiedTeacher);
    const ringing = (await startCall(teacher)).json<TCall>();
    const declined = await post(s.parent, `/api/calls/${ringing.id}/decline`);
    expect(declined.json<TCall>()).toMatchObject({ status: 'ended' });
    expect(await lastSystemMessage(s.verifiedTeacher)).toMatchObject({ call: { outcome: 'declined' } });
    // Declining again, or answering an ended call, is refused with a reason.
    expect((await post(s.parent, `/api/calls/${ringing.id}/decline`)).statusCode).toBe(409);
    const late = await t.app.inject({ method: 'POST', url: `/api/calls/${ringing.id}/join`, payload: { connectionId: crypto.randomUUID() }, headers: { ...asUser(s.parent), 'accept-language': 'ru' } });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toBe('Звонок уже завершён.');
  });

  it('joins the call in progress when the other side presses «call» too', async () => {
    const teacher = await device(s.verifiedTeacher);
    const parent = await device(s.parent);
    const first = (await startCall(teacher)).json<TCall>();
    const second = await startCall(parent);
    expect(second.statusCode).toBe(200);
    expect(second.json<TCall>()).toMatchObject({ id: first.id, status: 'active' });
  });

  it('keeps a device whose connection dropped for 20 s, then lets it go and ends the call', async () => {
    const teacher = await device(s.verifiedTeacher);
    const parent = await device(s.parent);
    const ringing = (await startCall(teacher)).json<TCall>();
    await post(s.parent, `/api/calls/${ringing.id}/join`, { connectionId: parent.connectionId });
    parent.socket.terminate();
    await waitFor(async () => (await t.database.db.selectFrom('call_participants').select('disconnected_at').where('user_id', '=', s.parent.userId).where('call_id', '=', ringing.id).executeTakeFirst())?.disconnected_at != null, {
      what: 'the closed socket to be noticed',
    });
    t.clock.advance(10_000);
    await t.services.calls.sweep();
    expect((await call<TCall>(t, s.verifiedTeacher, 'GET', `/api/calls/${ringing.id}`)).status).toBe('active');
    // Back on a new connection within the grace period: still in the call, on the new device.
    const back = await device(s.parent);
    await post(s.parent, `/api/calls/${ringing.id}/join`, { connectionId: back.connectionId });
    t.clock.advance(30_000);
    await t.services.calls.sweep();
    expect((await call<TCall>(t, s.verifiedTeacher, 'GET', `/api/calls/${ringing.id}`)).status).toBe('active');
    back.socket.terminate();
    await waitFor(async () => (await t.database.db.selectFrom('call_participants').select('disconnected_at').where('user_id', '=', s.parent.userId).where('call_id', '=', ringing.id).executeTakeFirst())?.disconnected_at != null, {
      what: 'the second socket to be noticed',
    });
    t.clock.advance(21_000);
    await t.services.calls.sweep();
    expect((await call<TCall>(t, s.verifiedTeacher, 'GET', `/api/calls/${ringing.id}`)).status).toBe('ended');
  });

  it('tells the others when someone mutes or turns the camera off', async () => {
    const teacher = await device(s.verifiedTeacher);
    const parent = await device(s.parent);
    const ringing = (await startCall(teacher)).json<TCall>();
    await post(s.parent, `/api/calls/${ringing.id}/join`, { connectionId: parent.connectionId });
    const muted = await t.app.inject({ method: 'PATCH', url: `/api/calls/${ringing.id}/me`, payload: { audioMuted: true }, headers: asUser(s.parent) });
    expect(muted.statusCode).toBe(200);
    let seen: TCall | undefined;
    while (!seen?.participants.some((p) => p.person.id === s.parent.userId && p.audioMuted)) seen = (await nextEvent(teacher.socket, 'call.updated')).call;
    expect(seen.participants.find((p) => p.person.id === s.parent.userId)).toMatchObject({ audioMuted: true, videoOff: false, screenSharing: false });
    expect((await t.app.inject({ method: 'PATCH', url: `/api/calls/${ringing.id}/me`, payload: {}, headers: asUser(s.parent) })).statusCode).toBe(400);

    // Showing the screen is seen too, and ends with the call for that device (a new device shows its camera).
    await t.app.inject({ method: 'PATCH', url: `/api/calls/${ringing.id}/me`, payload: { screenSharing: true }, headers: asUser(s.parent) });
    while (!seen.participants.some((p) => p.person.id === s.parent.userId && p.screenSharing)) seen = (await nextEvent(teacher.socket, 'call.updated')).call;
    const laptop = await device(s.parent);
    await post(s.parent, `/api/calls/${ringing.id}/join`, { connectionId: laptop.connectionId });
    const moved = await call<TCall>(t, s.verifiedTeacher, 'GET', `/api/calls/${ringing.id}`);
    expect(moved.participants.find((p) => p.person.id === s.parent.userId)).toMatchObject({ connectionId: laptop.connectionId, screenSharing: false });
  });
});

describe('who may do what with a call', () => {
  it('refuses signalling from anyone but the device in the call, and to anyone outside it', async () => {
    const teacher = await device(s.verifiedTeacher);
    const teacherLaptop = await device(s.verifiedTeacher);
    const parent = await device(s.parent);
    const student = await device(s.student);
    const ringing = (await startCall(teacher)).json<TCall>();
    await post(s.parent, `/api/calls/${ringing.id}/join`, { connectionId: parent.connectionId });
    const offer = { type: 'call.signal', callId: ringing.id, to: s.parent.userId, description: { type: 'offer', sdp: 'v=0' } };

    // The person's other device, a stranger, and the joined device aiming at someone not in the call.
    teacherLaptop.socket.send(offer);
    expect(await nextSignal(teacherLaptop.socket, 'media.error')).toMatchObject({ callId: ringing.id, code: 'not_in_call', message: 'Это устройство не участвует в звонке.' });
    student.socket.send({ ...offer, to: s.verifiedTeacher.userId });
    expect(await nextSignal(student.socket, 'media.error')).toMatchObject({ code: 'not_in_call' });
    teacher.socket.send({ ...offer, to: s.student.userId });
    expect(await nextSignal(teacher.socket, 'media.error')).toMatchObject({ code: 'not_in_call' });
    // Group-call messages in a one-to-one call.
    teacher.socket.send({ type: 'media.publish', callId: ringing.id, sdp: 'v=0' });
    expect(await nextSignal(teacher.socket, 'media.error')).toMatchObject({ code: 'not_in_call' });
    expect((await parent.socket.drainUntilPong()).filter((m) => m.type === 'signal' && m.name === 'call.signal')).toEqual([]);

    // Malformed signalling is refused by the gateway's schema, and nothing is relayed.
    teacher.socket.send({ type: 'call.signal', callId: ringing.id, to: s.parent.userId, description: { type: 'rollback', sdp: 'v=0' } });
    expect(await teacher.socket.next()).toMatchObject({ type: 'error', code: 'validation_failed' });
    teacher.socket.send({ type: 'media.candidate', callId: 'not-a-uuid', target: 'publisher', candidate: null });
    expect(await teacher.socket.next()).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect((await parent.socket.drainUntilPong()).filter((m) => m.type === 'signal')).toEqual([]);
  });

  it('keeps calls inside the chat: others in the school and other schools get 404', async () => {
    const teacher = await device(s.verifiedTeacher);
    const ringing = (await startCall(teacher)).json<TCall>();
    const other = await registerOrganization(t);
    for (const outsider of [s.student, s.admin, other.admin]) {
      expect((await t.app.inject({ method: 'GET', url: `/api/calls/${ringing.id}`, headers: asUser(outsider) })).statusCode).toBe(404);
      expect((await post(outsider, `/api/calls/${ringing.id}/join`, { connectionId: crypto.randomUUID() })).statusCode).toBe(404);
      expect((await post(outsider, `/api/calls/${ringing.id}/end`)).statusCode).toBe(404);
      expect((await call<{ calls: TCall[] }>(t, outsider, 'GET', '/api/calls')).calls).toEqual([]);
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/calls/${ringing.id}` })).statusCode).toBe(401);
  });

  it('lets only whoever started it (or a chat administrator) end a call for everyone', async () => {
    const teacher = await device(s.verifiedTeacher);
    const parent = await device(s.parent);
    const ringing = (await startCall(teacher)).json<TCall>();
    await post(s.parent, `/api/calls/${ringing.id}/join`, { connectionId: parent.connectionId });
    const refused = await post(s.parent, `/api/calls/${ringing.id}/end`);
    expect(refused.statusCode).toBe(403);
    expect((await post(s.verifiedTeacher, `/api/calls/${ringing.id}/end`)).json<TCall>().status).toBe('ended');
  });

  it('says clearly that group calls need the media server, and refuses calls in channels', async () => {
    const admin = await device(s.admin);
    const group = await call<TChat>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Педсовет', memberIds: [s.classTeacher.userId, s.verifiedTeacher.userId] });
    const refused = await t.app.inject({ method: 'POST', url: `/api/chats/${group.id}/calls`, payload: { video: true, connectionId: admin.connectionId }, headers: { ...asUser(s.admin), 'accept-language': 'ru' } });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.message).toContain('медиасервер не запущен');
    const { chats } = await call<{ chats: TChat[] }>(t, s.admin, 'GET', '/api/chats');
    const channel = chats.find((chat) => chat.kind === 'channel')!;
    expect((await startCall(admin, channel.id)).statusCode).toBe(400);
    expect((await call<{ calls: TCall[] }>(t, s.admin, 'GET', '/api/calls')).calls).toEqual([]);
  });
});
