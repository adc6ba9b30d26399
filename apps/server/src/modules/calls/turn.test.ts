import type { TCall, TChat, TIceServersResponse } from '@parta/contracts';
import type { IceConfig } from '../../platform/config/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJanusBinary, iceServersFor } from '../../platform/media/index.ts';
import { startCoturn, turnserverBinary, type Coturn } from '../../platform/media/testing/coturn.ts';
import { createWeriftPublisher, createWeriftSubscriber, type WeriftIceOptions } from '../../platform/media/testing/werift-peer.ts';
import { nextSignal, startCallsApp, type CallsApp, type Device } from '../../test/calls.ts';
import { asUser, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';

// A device on a network that lets nothing through but a TURN server (many school networks block
// UDP): it reaches the media server only through coturn, with the credentials Parta hands out
// (TURN REST API scheme, docs/subsystems/media.md). werift stands in for the browser, with
// iceTransportPolicy "relay".

type TurnSettings = NonNullable<IceConfig['turn']>;

describe.skipIf(!findJanusBinary() || !turnserverBinary)('media through a TURN server (skipped: janus or coturn’s turnserver not installed)', () => {
  let coturn: Coturn;
  let app: CallsApp;
  let t: TestApp;
  let s: PopulatedSchool;
  const closing: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    coturn = await startCoturn({ port: 21200, relayPorts: [21210, 21259] });
    app = await startCallsApp({ janusPorts: [21300, 21399], env: { TURN_URLS: coturn.url, TURN_SECRET: coturn.secret } });
    ({ t } = app);
    // The TURN server checks credentials' expiry against the real time: the server's (test) clock is brought to it.
    t.clock.advance(Math.max(0, Date.now() - t.clock.now().getTime()));
    s = await populateSchool(t);
  });
  afterAll(async () => {
    for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
    await app?.close();
    await coturn?.stop();
  });

  /** A group call with the admin publishing werift's audio and video; the teacher's device joined. */
  async function callWithPublisher() {
    const group = await call<TChat>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Педсовет', memberIds: [s.verifiedTeacher.userId] });
    const admin = await app.device(s.admin);
    const listener = await app.device(s.verifiedTeacher);
    const started = await t.app.inject({ method: 'POST', url: `/api/chats/${group.id}/calls`, payload: { video: true, connectionId: admin.connectionId }, headers: asUser(s.admin) });
    const callId = started.json<TCall>().id;
    await call(t, s.verifiedTeacher, 'POST', `/api/calls/${callId}/join`, { connectionId: listener.connectionId });
    const publisher = createWeriftPublisher();
    closing.push(() => publisher.close());
    admin.socket.send({ type: 'media.publish', callId, sdp: await publisher.offer() });
    const published = await nextSignal(admin.socket, 'media.answer');
    await publisher.accept(published.sdp as string);
    return { callId, listener, feedId: published.feedId as number };
  }

  /** Subscribes the listener through a relay-only connection; resolves with the answer's candidates and the subscriber. */
  async function subscribeRelayed(listener: Device, callId: string, feedId: number, ice: WeriftIceOptions) {
    const subscriber = createWeriftSubscriber({ ...ice, relayOnly: true });
    closing.push(() => subscriber.close());
    listener.socket.send({ type: 'media.subscribe', callId, feedIds: [feedId] });
    const offer = await nextSignal(listener.socket, 'media.offer');
    const answer = await subscriber.answer(offer.sdp as string);
    listener.socket.send({ type: 'media.answer', callId, sdp: answer });
    const candidates = answer.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:'));
    return { subscriber, candidates, streams: offer.streams as Array<{ mid: string }> };
  }

  it('hands out TURN credentials that expire, and carries a call’s media to a device that can only reach the TURN server', async () => {
    const { iceServers, expiresAt } = await call<TIceServersResponse>(t, s.verifiedTeacher, 'GET', '/api/media/ice-servers');
    expect(iceServers).toEqual([{ urls: [coturn.url], username: expect.stringMatching(new RegExp(`^\\d+:${s.verifiedTeacher.userId}$`)), credential: expect.any(String) }]);
    // A day from now by default (TURN_TTL_SECONDS), by the server's clock.
    expect(new Date(expiresAt!).getTime() - t.clock.now().getTime()).toBeGreaterThan(86_399_000);
    expect(Number(iceServers[0]!.username!.split(':')[0]) * 1000).toBe(new Date(expiresAt!).getTime());

    const { callId, listener, feedId } = await callWithPublisher();
    const { subscriber, candidates, streams } = await subscribeRelayed(listener, callId, feedId, { iceServers });
    // The device offers only the address the TURN server gave it…
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((line) => line.includes(' typ relay'))).toBe(true);
    // …and the media arrives through it: audio and video.
    await subscriber.connected(15_000);
    await subscriber.waitFor(() => streams.every((stream) => (subscriber.receivedByMid.get(stream.mid) ?? 0) >= 5), 15_000);
  });

  // werift gives up on a refused TURN allocation after about 13 s: each case has its own test and time.
  it.each([
    ['an expired credential', (turn: TurnSettings) => iceServersFor({ stunUrls: [], turn }, s.verifiedTeacher.userId, new Date(Date.now() - 2 * 3_600_000))],
    ['a credential made with another secret', (turn: TurnSettings) => iceServersFor({ stunUrls: [], turn: { ...turn, secret: 'not-the-turn-servers-secret' } }, s.verifiedTeacher.userId, new Date())],
  ])('gets nothing through the TURN server with %s', async (_, credentials) => {
    const { callId, listener, feedId } = await callWithPublisher();
    const ice = credentials({ urls: [coturn.url], secret: coturn.secret, ttlSeconds: 3_600 });
    const { subscriber, candidates } = await subscribeRelayed(listener, callId, feedId, { iceServers: ice.iceServers });
    // Refused by the TURN server: no relayed address, so no way to the media server.
    expect(candidates).toEqual([]);
    await expect(subscriber.connected(3_000)).rejects.toThrow();
  }, 60_000);
});
