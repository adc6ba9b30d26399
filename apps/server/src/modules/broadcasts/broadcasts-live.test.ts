import { broadcastCloseCodes, broadcastStudioSocketPath, broadcastWatchSocketPath, type TBroadcast, type TBroadcastServerMessage, type TListMessagesResponse, type TPublicBroadcast } from '@parta/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findJanusBinary } from '../../platform/media/index.ts';
import { createWeriftPublisher, createWeriftSubscriber, type WeriftSubscriber } from '../../platform/media/testing/werift-peer.ts';
import { startCallsApp, type CallsApp } from '../../test/calls.ts';
import { asUser, signIn, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';
import { waitFor } from '../../test/wait.ts';
import { openSocket, type TestSocket } from '../../test/ws-client.ts';

// Broadcasts through real Janus instances (started by the test, as Parta starts them): speakers
// publish over their live sockets, viewers watch over theirs without an account; werift stands
// in for browsers.

const binary = findJanusBinary();

type Message = TBroadcastServerMessage;

/** The next message of this type on a live socket (others are skipped). */
async function next<T extends Message['type']>(socket: TestSocket, type: T, timeoutMs = 10_000): Promise<Extract<Message, { type: T }>> {
  for (;;) {
    const message = (await socket.next(timeoutMs)) as unknown as Message;
    if (message.type === type) return message as Extract<Message, { type: T }>;
  }
}

function liveHarness(getApp: () => CallsApp) {
  const closing: Array<() => Promise<void>> = [];
  const sockets: TestSocket[] = [];
  const subscribers = new Map<TestSocket, WeriftSubscriber>();
  const tokenOf = (broadcast: TBroadcast) => broadcast.watchUrl!.split('/watch/')[1]!;
  return {
    closing,
    sockets,
    tokenOf,
    async speaker(user: SignedIn, broadcastId: string) {
      const socket = await openSocket(getApp().baseUrl, { cookie: user.cookie, path: broadcastStudioSocketPath(broadcastId) });
      sockets.push(socket);
      return socket;
    },
    async viewer(broadcast: TBroadcast) {
      const socket = await openSocket(getApp().baseUrl, { path: broadcastWatchSocketPath(tokenOf(broadcast)) });
      sockets.push(socket);
      return socket;
    },
    /** Goes on air with werift's synthetic audio and video; resolves once connected. */
    async goOnAir(socket: TestSocket) {
      const publisher = createWeriftPublisher();
      closing.push(() => publisher.close());
      socket.send({ type: 'publish', sdp: await publisher.offer() });
      await publisher.accept((await next(socket, 'answer')).sdp);
      return publisher;
    },
    /** Answers offers on a socket (one receiving connection per socket) until it receives RTP on every line of exactly `speakers`. */
    async receive(socket: TestSocket, speakers: string[]) {
      let subscriber = subscribers.get(socket);
      if (!subscriber) {
        const made = createWeriftSubscriber();
        subscribers.set(socket, (subscriber = made));
        closing.push(() => made.close());
      }
      for (;;) {
        const offer = await next(socket, 'offer', 15_000);
        socket.send({ type: 'answer', offerId: offer.offerId, sdp: await subscriber.answer(offer.sdp) });
        const named = offer.streams.map((stream) => stream.speaker).filter((name, index, all) => all.indexOf(name) === index);
        if (speakers.every((name) => named.includes(name)) && named.length === speakers.length) {
          await subscriber.connected(10_000);
          await subscriber.waitFor(() => offer.streams.every((stream) => (subscriber.receivedByMid.get(stream.mid) ?? 0) >= 5), 15_000);
          return { subscriber, streams: offer.streams };
        }
      }
    },
    async cleanup() {
      for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
      for (const socket of sockets.splice(0)) socket.terminate();
      subscribers.clear();
    },
  };
}

describe.skipIf(!binary)('a broadcast through the media server (skipped: janus binary not installed)', () => {
  let app: CallsApp;
  let t: TestApp;
  let s: PopulatedSchool;
  const live = liveHarness(() => app);

  beforeAll(async () => {
    app = await startCallsApp({ janusPorts: [20850, 20949], broadcastTimings: { tickMs: 200, mediaConnectTimeoutMs: 15_000 } });
    ({ t } = app);
    s = await populateSchool(t);
  });
  afterEach(() => live.cleanup());
  afterAll(async () => {
    await app?.close();
  });

  const create = () =>
    call<TBroadcast>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/broadcasts`, { title: 'Последний звонок', speakerIds: [s.admin.userId, s.verifiedTeacher.userId] });

  it('two speakers reach a viewer without an account, who is counted; revoking the link lets the viewer go', async () => {
    const broadcast = await create();
    expect(broadcast.status).toBe('live');
    const [adminName, teacherName] = broadcast.speakers.map((speaker) => speaker.person.displayName) as [string, string];

    const first = await live.speaker(s.admin, broadcast.id);
    const second = await live.speaker(s.verifiedTeacher, broadcast.id);
    await live.goOnAir(first);
    await live.goOnAir(second);
    // Each speaker sees the other.
    await live.receive(first, [teacherName]);

    const viewer = await live.viewer(broadcast);
    const { streams } = await live.receive(viewer, [adminName, teacherName]);
    expect(streams.filter((stream) => stream.type === 'video')).toHaveLength(2);
    // The STUN/TURN servers came before the first offer (none are configured here).
    const types = (viewer.received as unknown as Message[]).map((message) => message.type);
    expect(types.indexOf('ice-servers')).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('ice-servers')).toBeLessThan(types.indexOf('offer'));

    // Counted: the audience is written every tick, the state says so, and so does the API.
    await waitFor(async () => (await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`)).viewers === 1, { what: 'one viewer to be counted', timeoutMs: 10_000 });
    // The viewer's latest state (states may come before or after the offers `receive` waited for).
    const states = () => (viewer.received as unknown as Message[]).filter((message): message is Extract<Message, { type: 'state' }> => message.type === 'state');
    await waitFor(() => states().at(-1)?.broadcast.viewers === 1, { what: 'the viewer to be told it is counted', timeoutMs: 10_000 });
    const state = states().at(-1)!;
    expect(state.broadcast).toMatchObject({ status: 'live', title: 'Последний звонок' } satisfies Partial<TPublicBroadcast>);
    expect(state.broadcast.speakers.map((speaker) => speaker.onAir)).toEqual([true, true]);
    expect(JSON.stringify(state.broadcast)).not.toContain(s.admin.userId); // no ids for the public

    // A viewer may not publish.
    viewer.send({ type: 'publish', sdp: 'v=0' });
    expect(await next(viewer, 'error')).toMatchObject({ code: 'forbidden' });

    // The second speaker leaves the air: the viewer gets an offer with the first one only.
    second.send({ type: 'unpublish' });
    const reduced = await next(viewer, 'offer');
    expect([...new Set(reduced.streams.map((stream) => stream.speaker))]).toEqual([adminName]);

    // Revoked: the viewer is let go, the old link no longer opens, a new one does.
    await call(t, s.admin, 'DELETE', `/api/broadcasts/${broadcast.id}/link`);
    expect((await viewer.closed).code).toBe(broadcastCloseCodes.revoked);
    expect((await t.app.inject({ method: 'GET', url: `/api/public/broadcasts/${live.tokenOf(broadcast)}` })).statusCode).toBe(404);
    const renewed = await call<TBroadcast>(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/link`);
    const again = await live.viewer(renewed);
    await live.receive(again, [adminName]);

    // Ended: every live socket closes with «ended»; the rooms go; the peak stays.
    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
    expect((await again.closed).code).toBe(broadcastCloseCodes.ended);
    expect((await first.closed).code).toBe(broadcastCloseCodes.ended);
    const ended = await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`);
    expect(ended).toMatchObject({ status: 'ended', viewers: 0, peakViewers: 1, totalViews: 2, watchUrl: null });
    // The school channel said it went live and that it ended, with the most who watched at once.
    const channel = await t.database.db.selectFrom('chats').select('id').where('organization_id', '=', s.organizationId).where('system_channel', '=', 'school').executeTakeFirstOrThrow();
    const { messages } = await call<TListMessagesResponse>(t, s.student, 'GET', `/api/chats/${channel.id}/messages`);
    expect([...messages].sort((a, b) => a.seq - b.seq).filter((message) => message.system?.broadcast?.broadcastId === broadcast.id).map((message) => message.system?.broadcast?.outcome + ':' + message.system?.broadcast?.peakViewers)).toEqual(['started:null', 'ended:1']);
    await waitFor(() => app.media!.status().every((instance) => instance.rooms === 0), { what: 'the broadcast’s room to be destroyed', timeoutMs: 10_000 });
  });

  it('comes back when its room is lost at the media server: the speaker reconnects into a new room and the viewer watches again', async () => {
    const broadcast = await create();
    const adminName = broadcast.speakers[0]!.person.displayName;
    const speaker = await live.speaker(s.admin, broadcast.id);
    await live.goOnAir(speaker);
    const viewer = await live.viewer(broadcast);
    await live.receive(viewer, [adminName]);

    // The origin room disappears (as when its Janus restarts): the speaker's device is let go with «media lost».
    const origin = await t.database.db.selectFrom('broadcast_rooms').select(['instance', 'room_id']).where('broadcast_id', '=', broadcast.id).where('origin', '=', true).executeTakeFirstOrThrow();
    await app.media!.destroyRoom({ instance: origin.instance, roomId: Number(origin.room_id) });
    expect((await speaker.closed).code).toBe(broadcastCloseCodes.mediaLost);
    await waitFor(async () => (await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`)).speakers[0]!.onAir === false, { what: 'the speaker to be off the air', timeoutMs: 10_000 });

    // It reconnects and publishes again: a new origin room is made, the viewer (still connected) receives again.
    const again = await live.speaker(s.admin, broadcast.id);
    await live.goOnAir(again);
    const remade = await t.database.db.selectFrom('broadcast_rooms').select('room_id').where('broadcast_id', '=', broadcast.id).where('origin', '=', true).executeTakeFirstOrThrow();
    expect(Number(remade.room_id)).not.toBe(Number(origin.room_id));
    const fresh = createWeriftSubscriber();
    live.closing.push(() => fresh.close());
    const offer = await next(viewer, 'offer', 15_000);
    viewer.send({ type: 'answer', offerId: offer.offerId, sdp: await fresh.answer(offer.sdp) });
    await fresh.waitFor(() => offer.streams.every((stream) => (fresh.receivedByMid.get(stream.mid) ?? 0) >= 5), 15_000);
    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
  });

  it('applies only the answer to the latest offer', async () => {
    const broadcast = await create();
    await live.goOnAir(await live.speaker(s.admin, broadcast.id));
    const viewer = await live.viewer(broadcast);
    const offer = await next(viewer, 'offer', 15_000);
    const subscriber = createWeriftSubscriber();
    live.closing.push(() => subscriber.close());
    const sdp = await subscriber.answer(offer.sdp);
    // An answer naming another offer (an older one, answered late) is not given to the media server: nothing connects.
    viewer.send({ type: 'answer', offerId: offer.offerId + 1, sdp });
    await expect(subscriber.connected(3_000)).rejects.toThrow();
    viewer.send({ type: 'answer', offerId: offer.offerId, sdp });
    await subscriber.connected(10_000);
    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
  });

  it('counts a viewer once its media connects, and lets go of one whose media never does', async () => {
    const broadcast = await create();
    const adminName = broadcast.speakers[0]!.person.displayName;
    await live.goOnAir(await live.speaker(s.admin, broadcast.id));
    // A socket that takes the offer and never connects the media: placed, but not counted.
    const silent = await live.viewer(broadcast);
    await next(silent, 'offer', 15_000);
    const watching = await live.viewer(broadcast);
    await live.receive(watching, [adminName]);
    const audience = async () => {
      await t.services.broadcastLive.flushAudience();
      const rows = await t.database.db.selectFrom('broadcast_audience').select(['viewers', 'watching']).where('broadcast_id', '=', broadcast.id).execute();
      return { viewers: rows.reduce((sum, row) => sum + row.viewers, 0), watching: rows.reduce((sum, row) => sum + row.watching, 0) };
    };
    await waitFor(async () => (await audience()).watching === 1, { what: 'the viewer whose media connected to count', timeoutMs: 10_000 });
    expect(await audience()).toEqual({ viewers: 2, watching: 1 });
    expect((await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`)).viewers).toBe(1);
    // After the timeout (15 s here, 30 s by default) the silent socket is let go with «no media»; the other stays.
    expect(silent.isOpen).toBe(true);
    t.clock.advance(15_001);
    expect((await silent.closed).code).toBe(broadcastCloseCodes.noMedia);
    expect(watching.isOpen).toBe(true);
    await waitFor(async () => (await audience()).viewers === 1, { what: 'the silent viewer’s place to be freed', timeoutMs: 5_000 });
    // The one watching leaves: no longer counted.
    await live.cleanup();
    await waitFor(async () => (await audience()).watching === 0, { what: 'a closed viewer to stop counting', timeoutMs: 5_000 });
    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
  });

  it('stops counting a speaker as on air when the node that had them stopped (their mark went stale); until then viewers get the other speakers', async () => {
    const broadcast = await create();
    const teacherName = broadcast.speakers[1]!.person.displayName;
    // As a node that died would leave it: on air from a device no node holds any more.
    await t.database.db
      .updateTable('broadcast_speakers')
      .set({ feed_id: 42, connection_id: crypto.randomUUID(), on_air_since: t.clock.now(), on_air_seen_at: t.clock.now() })
      .where('broadcast_id', '=', broadcast.id)
      .where('user_id', '=', s.admin.userId)
      .execute();
    const onAir = async () => (await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`)).speakers[0]!.onAir;
    expect(await onAir()).toBe(true);
    // Its feed is not at the media server: a viewer still receives the speaker who is.
    await live.goOnAir(await live.speaker(s.verifiedTeacher, broadcast.id));
    const viewer = await live.viewer(broadcast);
    const { streams } = await live.receive(viewer, [teacherName]);
    expect(new Set(streams.map((stream) => stream.speaker))).toEqual(new Set([teacherName]));
    t.clock.advance(21_000);
    expect(await onAir()).toBe(false);
    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
  });

  it('refuses a speaker socket to someone who is not a speaker, and any socket to a wrong link', async () => {
    const broadcast = await create();
    await expect(openSocket(app.baseUrl, { cookie: s.classTeacher.cookie, path: broadcastStudioSocketPath(broadcast.id) })).rejects.toMatchObject({ status: 403 });
    await expect(openSocket(app.baseUrl, { path: broadcastStudioSocketPath(broadcast.id) })).rejects.toMatchObject({ status: 401 });
    // A link that is wrong (or was revoked while the viewer reconnected) is said in the socket's close code, which a browser sees.
    expect((await (await openSocket(app.baseUrl, { path: broadcastWatchSocketPath('x'.repeat(32)) })).closed).code).toBe(broadcastCloseCodes.notFound);
    await expect(openSocket(app.baseUrl, { path: broadcastWatchSocketPath(live.tokenOf(broadcast)), origin: 'https://elsewhere.example' })).rejects.toMatchObject({ status: 403 });

    // A viewer's flood is refused past a burst of 120 (malformed messages too are answered, not fatal).
    const viewer = await live.viewer(broadcast);
    viewer.send('not json');
    expect(await next(viewer, 'error')).toMatchObject({ code: 'validation_failed', message: 'Непонятное сообщение.' });
    for (let index = 0; index < 150; index += 1) viewer.send({ type: 'ping' });
    const answered = () => (viewer.received as unknown as Message[]).filter((message) => message.type === 'pong' || (message.type === 'error' && message.code === 'rate_limited'));
    await waitFor(() => answered().length === 150, { what: 'every ping to be answered', timeoutMs: 10_000 });
    expect(answered().filter((message) => message.type === 'error').length).toBeGreaterThanOrEqual(20);
    expect(viewer.isOpen).toBe(true);

    // A speaker who signs out on that device is taken off the air: the studio socket closes.
    const laptop = await signIn(t, s.emails.verifiedTeacher);
    const studio = await live.speaker(laptop, broadcast.id);
    await next(studio, 'state');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: asUser(laptop) })).statusCode).toBeLessThan(300);
    expect((await studio.closed).code).toBe(broadcastCloseCodes.revoked);

    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
    // After the end a studio that reconnects is told so.
    expect((await (await live.speaker(s.admin, broadcast.id)).closed).code).toBe(broadcastCloseCodes.ended);
  });
});

describe.skipIf(!binary)('a broadcast beyond one media server (skipped: janus binary not installed)', () => {
  let app: CallsApp;
  let t: TestApp;
  let s: PopulatedSchool;
  const live = liveHarness(() => app);

  beforeAll(async () => {
    // Two local Janus instances; each serves one viewer before the next goes to the other.
    app = await startCallsApp({ janusPorts: [20950, 21049], secondJanusPorts: [21050, 21149], env: { BROADCAST_VIEWERS_PER_MEDIA_SERVER: '1' }, broadcastTimings: { tickMs: 200 } });
    ({ t } = app);
    s = await populateSchool(t);
  });
  afterEach(() => live.cleanup());
  afterAll(async () => {
    await app?.close();
  });

  it('a viewer past the first instance’s capacity watches from the second, where the speakers are relayed, a speaker who comes later too', async () => {
    const broadcast = await call<TBroadcast>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/broadcasts`, {
      title: 'Концерт',
      speakerIds: [s.admin.userId, s.verifiedTeacher.userId],
    });
    const [adminName, teacherName] = broadcast.speakers.map((speaker) => speaker.person.displayName) as [string, string];
    const first = await live.speaker(s.admin, broadcast.id);
    await live.goOnAir(first);

    const near = await live.viewer(broadcast);
    await live.receive(near, [adminName]);
    await t.services.broadcastLive.flushAudience();
    // A node that died while making the relay room left its claim: it is taken over after 30 s.
    const origin = await t.database.db.selectFrom('broadcast_rooms').select('instance').where('broadcast_id', '=', broadcast.id).where('origin', '=', true).executeTakeFirstOrThrow();
    const spare = app.media!.instances().find((instance) => instance.url !== origin.instance)!.url;
    await t.database.db.insertInto('broadcast_rooms').values({ broadcast_id: broadcast.id, instance: spare, room_id: null, origin: false, claimed_at: new Date(t.clock.now().getTime() - 31_000) }).execute();
    const far = await live.viewer(broadcast);
    await live.receive(far, [adminName]);

    const rooms = await t.database.db.selectFrom('broadcast_rooms').select(['instance', 'origin', 'room_id']).where('broadcast_id', '=', broadcast.id).execute();
    expect(rooms).toHaveLength(2);
    expect(new Set(rooms.map((room) => room.instance)).size).toBe(2);
    const relays = await t.database.db.selectFrom('broadcast_relays').selectAll().where('broadcast_id', '=', broadcast.id).execute();
    expect(relays).toHaveLength(1);
    expect(app.media!.status().map((instance) => instance.rooms).sort()).toEqual([1, 1]);

    // The second speaker goes on air after the relay room exists: relayed too, both viewers get both.
    const second = await live.speaker(s.verifiedTeacher, broadcast.id);
    await live.goOnAir(second);
    await live.receive(far, [adminName, teacherName]);
    await live.receive(near, [adminName, teacherName]);
    expect(await t.database.db.selectFrom('broadcast_relays').selectAll().where('broadcast_id', '=', broadcast.id).execute()).toHaveLength(2);
    await waitFor(async () => (await call<TBroadcast>(t, s.admin, 'GET', `/api/broadcasts/${broadcast.id}`)).viewers === 2, { what: 'two viewers over two instances', timeoutMs: 10_000 });

    // The relay room is lost (as when that Janus restarts): the far viewer is told, placed again in
    // a new relay room with the speakers relayed anew, and receives both again on a new connection.
    const relayRoom = rooms.find((room) => !room.origin)!;
    await app.media!.destroyRoom({ instance: relayRoom.instance, roomId: Number(relayRoom.room_id) });
    await next(far, 'no-streams');
    const fresh = createWeriftSubscriber();
    live.closing.push(() => fresh.close());
    const offer = await next(far, 'offer', 15_000);
    far.send({ type: 'answer', offerId: offer.offerId, sdp: await fresh.answer(offer.sdp) });
    expect([...new Set(offer.streams.map((stream) => stream.speaker))].sort()).toEqual([adminName, teacherName].sort());
    await fresh.waitFor(() => offer.streams.every((stream) => (fresh.receivedByMid.get(stream.mid) ?? 0) >= 5), 15_000);
    const remade = await t.database.db.selectFrom('broadcast_rooms').select('room_id').where('broadcast_id', '=', broadcast.id).where('origin', '=', false).executeTakeFirstOrThrow();
    expect(Number(remade.room_id)).not.toBe(Number(relayRoom.room_id));

    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
    expect((await far.closed).code).toBe(broadcastCloseCodes.ended);
    await waitFor(() => app.media!.status().every((instance) => instance.rooms === 0), { what: 'both rooms to be destroyed', timeoutMs: 10_000 });
  });

  it('stops a relay that was being made when its speaker’s socket closed, rather than leaving it in the relay room', async () => {
    const broadcast = await call<TBroadcast>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/broadcasts`, { title: 'Концерт', speakerIds: [s.admin.userId, s.verifiedTeacher.userId] });
    const adminName = broadcast.speakers[0]!.person.displayName;
    await live.goOnAir(await live.speaker(s.admin, broadcast.id));
    await live.receive(await live.viewer(broadcast), [adminName]);
    await t.services.broadcastLive.flushAudience();
    await live.receive(await live.viewer(broadcast), [adminName]);
    const relayRoom = await t.database.db.selectFrom('broadcast_rooms').select(['instance', 'room_id']).where('broadcast_id', '=', broadcast.id).where('origin', '=', false).executeTakeFirstOrThrow();
    const relayRef = { instance: relayRoom.instance, roomId: Number(relayRoom.room_id) };
    const publishersThere = async () => (await app.media!.participants(relayRef)).filter((participant) => participant.publisher).length;
    expect(await publishersThere()).toBe(1);

    // The teacher's relay is made at the media server but held before the node records it…
    const media = app.media!;
    const relay = media.relay.bind(media);
    let made!: () => void;
    let release!: () => void;
    const relayMade = new Promise<void>((resolve) => (made = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    media.relay = async (...args) => {
      const result = await relay(...args);
      made();
      await held;
      return result;
    };
    try {
      const teacher = await live.speaker(s.verifiedTeacher, broadcast.id);
      await live.goOnAir(teacher);
      await relayMade;
      // …while the teacher's socket closes: the speaker leaves the air, and the claim goes with it.
      teacher.terminate();
      const teacherRow = () => t.database.db.selectFrom('broadcast_speakers').select('feed_id').where('broadcast_id', '=', broadcast.id).where('user_id', '=', s.verifiedTeacher.userId).executeTakeFirstOrThrow();
      await waitFor(async () => (await teacherRow()).feed_id === null, { what: 'the teacher to leave the air', timeoutMs: 10_000 });
      await waitFor(async () => (await t.database.db.selectFrom('broadcast_relays').select('source_feed').where('broadcast_id', '=', broadcast.id).execute()).length === 1, { what: 'the held relay’s claim to go', timeoutMs: 10_000 });
    } finally {
      media.relay = relay;
      release();
    }
    // The relay, once it is recorded nowhere, is stopped: only the admin's feed is left in the relay room.
    await waitFor(async () => (await publishersThere()) === 1, { what: 'the teacher’s relay to leave the relay room', timeoutMs: 10_000 });
    await call(t, s.admin, 'POST', `/api/broadcasts/${broadcast.id}/end`);
  });
});
