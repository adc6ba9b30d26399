import type { TCall, TLesson, TListMessagesResponse } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJanusBinary } from '../../platform/media/index.ts';
import { nextSignal, startCallsApp, type CallsApp } from '../../test/calls.ts';
import { asUser, signIn, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, uniqueEmail, type PopulatedSchool } from '../../test/school.ts';

// Video lessons «Новый урок в один клик» on a real Janus: planned or started at once for a class,
// the class chat gets the link and, at the end, the attendance; the waiting room, the hand queue,
// the teacher muting one or everyone, removing someone for good, and who may do what.

const binary = findJanusBinary();

describe.skipIf(!binary)('video lessons (skipped: janus binary not installed)', () => {
  let app: CallsApp;
  let t: TestApp;
  let s: PopulatedSchool;
  let students: SignedIn[];

  beforeAll(async () => {
    app = await startCallsApp({ janusPorts: [20400, 20599] });
    ({ t } = app);
    s = await populateSchool(t);
    const more = [];
    for (const name of ['Белова Вера', 'Гусев Глеб']) {
      const email = uniqueEmail('student');
      await call(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/students`, { displayName: name, classId: s.classA, email });
      more.push(await signIn(t, email));
    }
    students = [s.student, ...more];
    await call(t, s.classTeacher, 'POST', `/api/classes/${s.classA}/chats`, { kind: 'class' });
  });
  afterAll(async () => {
    await app?.close();
  });

  const device = (user: SignedIn) => app.device(user);
  const post = (as: SignedIn, url: string, payload: Record<string, unknown> = {}) =>
    t.app.inject({ method: 'POST', url, payload, headers: { ...asUser(as), 'accept-language': 'ru' } });
  const stateOf = (lessonCall: TCall, user: SignedIn) => lessonCall.participants.find((p) => p.person.id === user.userId);
  const classChatId = async () => (await call<TLesson>(t, s.classTeacher, 'GET', `/api/lessons/${lessonId}`)).chatId;
  let lessonId: string;

  async function systemMessages(as: SignedIn, chatId: string) {
    const { messages } = await call<TListMessagesResponse>(t, as, 'GET', `/api/chats/${chatId}/messages`);
    return messages.filter((message) => message.system?.action === 'lesson').sort((a, b) => a.seq - b.seq).map((message) => message.system!);
  }

  it('plans a lesson: the class chat gets its link; students see it; nobody but its teacher may start it', async () => {
    const at = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const planned = await post(s.classTeacher, `/api/classes/${s.classA}/lessons`, { title: 'Дроби', scheduledFor: at, waitingRoom: true, guestIds: [s.director.userId] });
    expect(planned.statusCode).toBe(201);
    const lesson = planned.json<TLesson>();
    lessonId = lesson.id;
    expect(lesson).toMatchObject({ title: 'Дроби', status: 'scheduled', waitingRoom: true, scheduledFor: at, callId: null, guests: [{ id: s.director.userId }] });
    expect(await systemMessages(s.student, lesson.chatId)).toEqual([expect.objectContaining({ lesson: expect.objectContaining({ lessonId: lesson.id, outcome: 'scheduled', scheduledFor: at }) })]);
    expect((await call<TLesson>(t, s.student, 'GET', `/api/lessons/${lesson.id}`)).status).toBe('scheduled');
    expect((await call<{ lessons: TLesson[] }>(t, s.student, 'GET', `/api/classes/${s.classA}/lessons`)).lessons.map((item) => item.id)).toContain(lesson.id);

    const studentDevice = await device(s.student);
    expect((await post(s.student, `/api/lessons/${lesson.id}/start`, { connectionId: studentDevice.connectionId })).statusCode).toBe(403);
    // Who may not plan one: students, parents, an unconfirmed teacher; a past time; someone outside the staff as a guest.
    expect((await post(s.student, `/api/classes/${s.classA}/lessons`, { title: 'Х' })).statusCode).toBe(403);
    expect((await post(s.parent, `/api/classes/${s.classA}/lessons`, { title: 'Х' })).statusCode).toBe(403);
    expect((await post(s.teacher, `/api/classes/${s.classA}/lessons`, { title: 'Х' })).statusCode).toBe(403);
    const past = await post(s.classTeacher, `/api/classes/${s.classA}/lessons`, { title: 'Х', scheduledFor: new Date(t.clock.now().getTime() - 3_600_000).toISOString() });
    expect(past.statusCode).toBe(400);
    expect((await post(s.classTeacher, `/api/classes/${s.classA}/lessons`, { title: 'Х', guestIds: [s.parent.userId] })).statusCode).toBe(400);
  });

  it('runs the lesson: the waiting room, hands in order, mute one and all, removal for good, and the attendance in the class chat', async () => {
    const teacher = await device(s.classTeacher);
    const started = await post(s.classTeacher, `/api/lessons/${lessonId}/start`, { connectionId: teacher.connectionId });
    expect(started.statusCode).toBe(200);
    const callId = started.json<TCall>().id;
    expect(started.json<TCall>()).toMatchObject({ kind: 'lesson', lessonId, hostId: s.classTeacher.userId, waitingRoom: true, title: 'Дроби', mode: 'sfu' });
    const chatId = await classChatId();
    expect((await systemMessages(s.student, chatId)).at(-1)?.lesson?.outcome).toBe('started');

    // Students wait until the teacher lets them in; the invited director too.
    const devices = await Promise.all(students.map((student) => device(student)));
    for (const [index, student] of students.entries()) {
      t.clock.advance(1_000);
      const joined = await post(student, `/api/calls/${callId}/join`, { connectionId: devices[index]!.connectionId });
      expect(stateOf(joined.json<TCall>(), student)?.state).toBe('waiting');
    }
    const waiting = devices[0]!;
    waiting.socket.send({ type: 'media.publish', callId, sdp: 'v=0' });
    expect(await nextSignal(waiting.socket, 'media.error')).toMatchObject({ code: 'not_in_call' });
    expect((await post(s.student, `/api/calls/${callId}/participants/${students[1]!.userId}/admit`)).statusCode).toBe(403);
    for (const student of students) expect((await post(s.classTeacher, `/api/calls/${callId}/participants/${student.userId}/admit`)).statusCode).toBe(200);
    const director = await device(s.director);
    expect(await call<TLesson>(t, s.director, 'GET', `/api/lessons/${lessonId}`)).toMatchObject({ canJoin: true, inClassChat: false });
    await post(s.director, `/api/calls/${callId}/join`, { connectionId: director.connectionId });
    // Staff who were not invited (and parents of the class) see the lesson but are told they may not come in.
    for (const outsider of [s.verifiedTeacher, s.parent]) {
      expect(await call<TLesson>(t, outsider, 'GET', `/api/lessons/${lessonId}`)).toMatchObject({ canJoin: false, inClassChat: false });
      const refused = await post(outsider, `/api/calls/${callId}/join`, { connectionId: (await device(outsider)).connectionId });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toBe('На урок приходят ученики класса, учитель и сотрудники, которых он пригласил.');
    }
    expect(await call<TLesson>(t, students[0]!, 'GET', `/api/lessons/${lessonId}`)).toMatchObject({ canJoin: true, inClassChat: true });
    await post(s.classTeacher, `/api/calls/${callId}/participants/${s.director.userId}/admit`);

    // Hands: a queue in raising order; one lowers their own, the teacher lowers another's; nobody raises someone else's.
    const hand = (as: SignedIn, whose: SignedIn, raised: boolean) =>
      t.app.inject({ method: 'PUT', url: `/api/calls/${callId}/participants/${whose.userId}/hand`, payload: { raised }, headers: asUser(as) });
    t.clock.advance(1_000);
    await hand(students[2]!, students[2]!, true);
    t.clock.advance(1_000);
    await hand(students[0]!, students[0]!, true);
    t.clock.advance(1_000);
    let now = (await hand(students[1]!, students[1]!, true)).json<TCall>();
    const queue = now.participants.filter((p) => p.handRaisedAt).sort((a, b) => a.handRaisedAt!.localeCompare(b.handRaisedAt!)).map((p) => p.person.id);
    expect(queue).toEqual([students[2]!.userId, students[0]!.userId, students[1]!.userId]);
    expect((await hand(students[0]!, students[1]!, false)).statusCode).toBe(403);
    expect((await hand(students[0]!, students[1]!, true)).statusCode).toBe(403);
    now = (await hand(s.classTeacher, students[2]!, false)).json<TCall>();
    expect(stateOf(now, students[2]!)?.handRaisedAt).toBeNull();

    // The teacher mutes everyone: nobody may unmute themselves until allowed to speak (which lowers the hand).
    now = (await post(s.classTeacher, `/api/calls/${callId}/mute-all`)).json<TCall>();
    for (const student of students) expect(stateOf(now, student)).toMatchObject({ mutedByHost: true, audioMuted: true });
    expect(stateOf(now, s.classTeacher)).toMatchObject({ mutedByHost: false });
    const unmute = await t.app.inject({ method: 'PATCH', url: `/api/calls/${callId}/me`, payload: { audioMuted: false }, headers: { ...asUser(students[0]!), 'accept-language': 'ru' } });
    expect(unmute.statusCode).toBe(403);
    expect(unmute.json().error.message).toContain('Поднимите руку');
    now = (await post(s.classTeacher, `/api/calls/${callId}/participants/${students[0]!.userId}/mute`, { muted: false })).json<TCall>();
    expect(stateOf(now, students[0]!)).toMatchObject({ mutedByHost: false, audioMuted: false, handRaisedAt: null });
    expect((await post(students[1]!, `/api/calls/${callId}/mute-all`)).statusCode).toBe(403);

    // Removed from the lesson: out, and cannot come back.
    now = (await post(s.classTeacher, `/api/calls/${callId}/participants/${students[2]!.userId}/remove`)).json<TCall>();
    expect(stateOf(now, students[2]!)?.state).toBe('removed');
    const back = await post(students[2]!, `/api/calls/${callId}/join`, { connectionId: devices[2]!.connectionId });
    expect(back.statusCode).toBe(403);
    expect(back.json().error.message).toBe('Учитель удалил вас с этого урока.');
    expect((await call<TLesson>(t, students[2]!, 'GET', `/api/lessons/${lessonId}`)).canJoin).toBe(false);

    // A student leaves early; the teacher ends the lesson 10 minutes in.
    t.clock.advance(120_000);
    await post(students[1]!, `/api/calls/${callId}/leave`, { connectionId: devices[1]!.connectionId });
    t.clock.advance(480_000);
    expect((await post(students[0]!, `/api/calls/${callId}/end`)).statusCode).toBe(403);
    expect((await post(s.classTeacher, `/api/calls/${callId}/end`)).json<TCall>().status).toBe('ended');

    const ended = (await systemMessages(s.student, chatId)).at(-1)!.lesson!;
    expect(ended).toMatchObject({ lessonId, outcome: 'ended', title: 'Дроби' });
    expect(ended.durationSeconds).toBeGreaterThanOrEqual(600);
    const attendance = new Map(ended.attendance!.map((row) => [row.person.id, row]));
    expect(attendance.get(s.classTeacher.userId)!.seconds).toBeGreaterThanOrEqual(600);
    expect(attendance.get(students[0]!.userId)!.seconds).toBeGreaterThan(attendance.get(students[1]!.userId)!.seconds);
    expect(attendance.get(students[1]!.userId)!.seconds).toBeGreaterThanOrEqual(120);
    expect(attendance.get(students[2]!.userId)!.joinedAt).not.toBeNull();
    // The staff see the attendance on the lesson; the students do not.
    expect((await call<TLesson>(t, s.classTeacher, 'GET', `/api/lessons/${lessonId}`)).attendance?.length).toBe(ended.attendance!.length);
    expect((await call<TLesson>(t, s.student, 'GET', `/api/lessons/${lessonId}`)).attendance).toBeNull();
    expect((await call<TLesson>(t, s.student, 'GET', `/api/lessons/${lessonId}`)).status).toBe('ended');
  });

  it('keeps the lesson inside the school: another class’s student and other schools get 404', async () => {
    const other = await populateSchool(t);
    expect((await t.app.inject({ method: 'GET', url: `/api/lessons/${lessonId}`, headers: asUser(other.admin) })).statusCode).toBe(404);
    const callId = (await call<TLesson>(t, s.classTeacher, 'GET', `/api/lessons/${lessonId}`)).callId!;
    expect((await post(other.admin, `/api/calls/${callId}/join`, { connectionId: (await device(other.admin)).connectionId })).statusCode).toBe(404);
    expect((await post(other.classTeacher, `/api/classes/${s.classA}/lessons`, { title: 'Чужой' })).statusCode).toBe(404);
  });
});
