import type { TCall, TChat } from '@parta/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findJanusBinary, type MediaServers } from '../../platform/media/index.ts';
import { createWeriftPublisher, createWeriftSubscriber, type WeriftPublisher, type WeriftSubscriber } from '../../platform/media/testing/werift-peer.ts';
import { nextSignal, startCallsApp, type CallsApp, type Device } from '../../test/calls.ts';
import { asUser, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';
import { waitFor } from '../../test/wait.ts';

// Group calls through a real Janus (started by the test, as Parta starts it): devices publish and
// subscribe through Parta's signalling over the WebSocket, with werift standing in for browsers.

const binary = findJanusBinary();

describe.skipIf(!binary)('a group call through the media server (skipped: janus binary not installed)', () => {
  let app: CallsApp;
  let media: MediaServers;
  let t: TestApp;
  let s: PopulatedSchool;
  let group: TChat;
  const closing: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    app = await startCallsApp({ janusPorts: [20200, 20399] });
    ({ t } = app);
    media = app.media!;
    s = await populateSchool(t);
    group = await call<TChat>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Педсовет', memberIds: [s.classTeacher.userId, s.verifiedTeacher.userId] });
  });
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
    app.closeDevices();
  });
  afterAll(async () => {
    await app?.close();
  });

  const device = (user: SignedIn) => app.device(user);

  /** Publishes werift's synthetic audio and video from this device; resolves with its feed id once connected. */
  async function publish(from: Device, callId: string): Promise<{ feedId: number; publisher: WeriftPublisher }> {
    const publisher = createWeriftPublisher();
    closing.push(() => publisher.close());
    from.socket.send({ type: 'media.publish', callId, sdp: await publisher.offer() });
    const answer = await nextSignal(from.socket, 'media.answer');
    await publisher.accept(answer.sdp as string);
    return { feedId: answer.feedId as number, publisher };
  }

  /** Subscribes this device to feeds; resolves with the werift subscriber and the media server's stream map. */
  async function subscribe(to: Device, callId: string, feedIds: number[]): Promise<{ subscriber: WeriftSubscriber; streams: Array<{ mid: string; feedId: number; type: string }> }> {
    const subscriber = createWeriftSubscriber();
    closing.push(() => subscriber.close());
    to.socket.send({ type: 'media.subscribe', callId, feedIds });
    const offer = await nextSignal(to.socket, 'media.offer');
    to.socket.send({ type: 'media.answer', callId, sdp: await subscriber.answer(offer.sdp as string) });
    await subscriber.connected(10_000);
    return { subscriber, streams: offer.streams as Array<{ mid: string; feedId: number; type: string }> };
  }

  /** RTP packets a subscription received on its (first) line of this kind. */
  const receivedOf = ({ subscriber, streams }: Awaited<ReturnType<typeof subscribe>>, type: string) => subscriber.receivedByMid.get(streams.find((stream) => stream.type === type)!.mid) ?? 0;

  const currentCall = (as: SignedIn, callId: string) => call<TCall>(t, as, 'GET', `/api/calls/${callId}`);
  /** Ends a call a failed test left going, so the next test can start one in the same chat. */
  const endCall = async (callId: string) => {
    if ((await currentCall(s.admin, callId)).status !== 'ended') await call(t, s.admin, 'POST', `/api/calls/${callId}/end`);
  };

  /** The administrator starts a video call in the group from `host` (its device); `joiners` join it. Ended after the test if still going. */
  async function startCall(host: Device, joiners: Device[] = []): Promise<TCall> {
    const started = await t.app.inject({ method: 'POST', url: `/api/chats/${group.id}/calls`, payload: { video: true, connectionId: host.connectionId }, headers: asUser(s.admin) });
    expect(started.statusCode).toBe(201);
    const callId = started.json<TCall>().id;
    closing.push(() => endCall(callId));
    for (const joiner of joiners) await call(t, joiner.user, 'POST', `/api/calls/${callId}/join`, { connectionId: joiner.connectionId });
    return started.json<TCall>();
  }

  it('carries two speakers’ audio and video to a third device, only for feeds of the call, and lets go of a device that leaves', async () => {
    const admin = await device(s.admin);
    const teacher = await device(s.classTeacher);
    const listener = await device(s.verifiedTeacher);
    const started = await startCall(admin, [teacher, listener]);
    expect(started.mode).toBe('sfu');
    const callId = started.id;

    const first = await publish(admin, callId);
    const second = await publish(teacher, callId);
    // The feeds are part of the call as everyone sees it.
    const feeds = (await currentCall(s.verifiedTeacher, callId)).participants.filter((p) => p.feedId !== null).map((p) => [p.person.id, p.feedId]);
    expect(feeds).toEqual(
      expect.arrayContaining([
        [s.admin.userId, first.feedId],
        [s.classTeacher.userId, second.feedId],
      ]),
    );

    // A feed that is not in this call is refused before the media server is asked.
    listener.socket.send({ type: 'media.subscribe', callId, feedIds: [first.feedId, 999_999] });
    expect(await nextSignal(listener.socket, 'media.error')).toMatchObject({ code: 'unknown_feed' });

    const { subscriber, streams } = await subscribe(listener, callId, [first.feedId, second.feedId]);
    expect(streams.filter((stream) => stream.type === 'video').map((stream) => stream.feedId).sort()).toEqual([first.feedId, second.feedId].sort());
    // RTP of both speakers arrives: at least a few packets on every audio and video line.
    await subscriber.waitFor(() => streams.every((stream) => (subscriber.receivedByMid.get(stream.mid) ?? 0) >= 5), 15_000);

    // The teacher hangs up: the node lets go of her media peer (and only hers).
    const local = () => media.status().find((instance) => instance.local)!;
    const peersBefore = local().peers;
    await call(t, s.classTeacher, 'POST', `/api/calls/${callId}/leave`, { connectionId: teacher.connectionId });
    await waitFor(() => local().peers === peersBefore - 1, { what: 'the teacher’s media peer to be closed' });
    const after = await currentCall(s.admin, callId);
    expect(after.participants.find((p) => p.person.id === s.classTeacher.userId)).toMatchObject({ state: 'left', feedId: null });

    // A device that is not the joined one may not publish into the call.
    const adminLaptop = await device(s.admin);
    adminLaptop.socket.send({ type: 'media.publish', callId, sdp: 'v=0' });
    expect(await nextSignal(adminLaptop.socket, 'media.error')).toMatchObject({ code: 'not_in_call' });

    // Ending it destroys the room on the media server.
    const roomsBefore = local().rooms;
    await call(t, s.admin, 'POST', `/api/calls/${callId}/end`);
    await waitFor(() => local().rooms === roomsBefore - 1, { what: 'the room to be destroyed' });
    await waitFor(() => local().peers === 0, { what: 'every media peer of the call to be closed' });
    expect((await currentCall(s.admin, callId)).status).toBe('ended');
  });

  it('keeps someone the host muted silent at the media server from the moment they publish (muted before, or while their media connects), until allowed to speak', async () => {
    const admin = await device(s.admin);
    const teacher = await device(s.classTeacher);
    const listener = await device(s.verifiedTeacher);
    const callId = (await startCall(admin, [teacher, listener])).id;
    const mute = (who: SignedIn, muted: boolean) => call<TCall>(t, s.admin, 'POST', `/api/calls/${callId}/participants/${who.userId}/mute`, { muted });

    // Muted before her device published: her feed is muted at the media server before it connects.
    await mute(s.classTeacher, true);
    const { feedId } = await publish(teacher, callId);
    const hers = await subscribe(listener, callId, [feedId]);
    await hers.subscriber.waitFor(() => receivedOf(hers, 'video') >= 30, 15_000);
    expect(receivedOf(hers, 'audio')).toBe(0);

    // Allowed to speak: her audio reaches the others.
    await mute(s.classTeacher, false);
    await hers.subscriber.waitFor(() => receivedOf(hers, 'audio') >= 5, 15_000);

    // Muted after his feed was announced and before its media connected (the media server cannot
    // list its streams yet): the mute reaches it all the same.
    const publisher = createWeriftPublisher();
    closing.push(() => publisher.close());
    listener.socket.send({ type: 'media.publish', callId, sdp: await publisher.offer() });
    const answer = await nextSignal(listener.socket, 'media.answer');
    await mute(s.verifiedTeacher, true);
    await publisher.accept(answer.sdp as string);
    const his = await subscribe(teacher, callId, [answer.feedId as number]);
    await his.subscriber.waitFor(() => receivedOf(his, 'video') >= 30, 15_000);
    expect(receivedOf(his, 'audio')).toBe(0);
  });

  it('tells a device its media was lost when the room goes at the media server, and not when the call ends', async () => {
    const admin = await device(s.admin);
    const mediaErrors = () => admin.socket.received.filter((message) => message.type === 'signal' && message.name === 'media.error').map((message) => (message as { data: { code: string } }).data.code);
    const local = () => media.status().find((instance) => instance.local)!;
    // The room disappears behind Parta's back (as when its Janus restarts): the device is told.
    const lostId = (await startCall(admin)).id;
    await publish(admin, lostId);
    const row = await t.database.db.selectFrom('calls').select(['media_instance', 'media_room']).where('id', '=', lostId).executeTakeFirstOrThrow();
    await media.destroyRoom({ instance: row.media_instance!, roomId: Number(row.media_room) });
    expect(await nextSignal(admin.socket, 'media.error')).toMatchObject({ callId: lostId, code: 'media_lost' });
    await call(t, s.admin, 'POST', `/api/calls/${lostId}/end`);

    // Ending a call destroys its room too, which closes the device's peer: that is no loss to report.
    const endedId = (await startCall(admin)).id;
    await publish(admin, endedId);
    const before = mediaErrors().length;
    await call(t, s.admin, 'POST', `/api/calls/${endedId}/end`);
    await waitFor(() => local().peers === 0, { what: 'the device’s media peer to be closed' });
    // A round trip through the same socket after the peer closed (the check of the call has had its turn).
    admin.socket.send({ type: 'media.subscribe', callId: endedId, feedIds: [] });
    expect(await nextSignal(admin.socket, 'media.error')).toMatchObject({ code: 'not_in_call' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mediaErrors().slice(before)).toEqual(['not_in_call']);
  });
});
