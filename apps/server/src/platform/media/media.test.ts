import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaServers, findJanusBinary, MediaUnavailableError, sdpStreams, startLocalJanus, type LocalJanus, type MediaServers } from './index.ts';
import { freePort, janusAnswers } from './local-janus.ts';
import { quiet } from '../../test/wait.ts';
import { createWeriftPublisher, createWeriftSubscriber, type WeriftSubscriber } from './testing/werift-peer.ts';

const binary = findJanusBinary();

const logs: Array<{ level: string; message: string; object: object }> = [];
const logger = {
  debug: (object: object, message: string) => void logs.push({ level: 'debug', message, object }),
  info: (object: object, message: string) => void logs.push({ level: 'info', message, object }),
  warn: (object: object, message: string) => void logs.push({ level: 'warn', message, object }),
  error: (object: object, message: string) => void logs.push({ level: 'error', message, object }),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** TCP sockets the process listens on, from its fds and /proc/net/tcp{,6} (state 0A = LISTEN). */
function listeningSockets(pid: number): Array<{ address: string; port: number }> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  const found: Array<{ address: string; port: number }> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A' || !inodes.has(fields[9] ?? '')) continue;
      const [hexAddress = '', hexPort = '0'] = (fields[1] ?? '').split(':');
      const address = hexAddress.length === 8 ? (hexAddress.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)).join('.') : `ipv6:${hexAddress}`;
      found.push({ address, port: parseInt(hexPort, 16) });
    }
  }
  return found;
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Publishes a werift peer into the room; returns its MediaPeer, feed id and werift side. */
async function publishWerift(media: MediaServers, room: { instance: string; roomId: number }, display: string) {
  const peer = await media.openPeer(room, { display });
  const client = createWeriftPublisher();
  const { feedId, answerSdp } = await peer.publish(await client.offer());
  await client.accept(answerSdp);
  return { peer, client, feedId };
}

describe('sdpStreams', () => {
  it('lists the m-lines with their mids and kinds, data for m=application, leaving out rejected sections and those without a mid', () => {
    const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=rtcp-mux', 'a=mid:v1', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:2', 'm=audio 0 UDP/TLS/RTP/SAVPF 111', 'a=mid:3', 'm=video 9 UDP/TLS/RTP/SAVPF 96', ''].join('\r\n');
    expect(sdpStreams(sdp)).toEqual([
      { mid: '0', type: 'audio' },
      { mid: 'v1', type: 'video' },
      { mid: '2', type: 'data' },
    ]);
  });
});

describe.skipIf(!binary)('media servers on a local Janus (skipped: janus binary not installed)', () => {
  let dir: string;
  let janus: LocalJanus;
  let media: MediaServers;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parta-janus-'));
    janus = await startLocalJanus({ dir, logger, rtpPortRange: [20000, 20199] });
    media = await createMediaServers({ urls: [], logger, supervised: janus });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await media?.close();
    expect(janus.pid()).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts Janus with its WebSocket API on 127.0.0.1 only, no admin API, VideoRoom and WebSockets only', async () => {
    const pid = janus.pid();
    expect(pid).toBeGreaterThan(0);
    const port = Number(new URL(janus.url).port);
    expect(listeningSockets(pid!)).toEqual([{ address: '127.0.0.1', port }]);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) expect(await tcpConnects(external.address, port)).toBe(false);
    expect(await tcpConnects('127.0.0.1', port)).toBe(true);

    const config = readFileSync(join(dir, 'janus.jcfg'), 'utf8');
    expect(config).toContain('libjanus_streaming.so'); // in the disable list
    expect(config).not.toMatch(/disable = "[^"]*libjanus_videoroom\.so/);
    expect(readFileSync(join(dir, 'janus.transport.websockets.jcfg'), 'utf8')).toContain('admin_ws = false');
    expect(media.status()).toEqual([{ url: janus.url, connected: true, local: true, rooms: 0, peers: 0 }]);
  });

  it('creates and destroys rooms; destroying twice is fine', async () => {
    const room = await media.createRoom({ maxPublishers: 3, description: 'lesson 7B' });
    expect(room.instance).toBe(janus.url);
    expect(Number.isSafeInteger(room.roomId)).toBe(true);
    expect(await media.participants(room)).toEqual([]);
    expect(media.status()[0]?.rooms).toBe(1);
    await media.destroyRoom(room);
    await expect(media.participants(room)).rejects.toThrow(/426/);
    await media.destroyRoom(room);
    expect(media.status()[0]?.rooms).toBe(0);
  });

  it('relays RTP from a werift publisher to a werift subscriber; moderate() mutes and unmutes audio', async () => {
    const room = await media.createRoom({ maxPublishers: 4, description: 'media path' });
    cleanups.push(() => media.destroyRoom(room));
    const alice = await publishWerift(media, room, 'Alice');
    cleanups.push(() => alice.client.close());

    const bob = await media.openPeer(room, { display: 'Bob' });
    const viewer: WeriftSubscriber = createWeriftSubscriber();
    cleanups.push(() => viewer.close());
    const offer = await bob.subscribe([alice.feedId]);
    expect(offer?.streams.map((stream) => [stream.feedId, stream.type]).sort()).toEqual([
      [alice.feedId, 'audio'],
      [alice.feedId, 'video'],
    ]);
    await bob.answerSubscription(await viewer.answer(offer!.offerSdp));
    await viewer.waitFor(() => viewer.received.video > 10 && viewer.received.audio > 10);

    expect(await media.participants(room)).toEqual([expect.objectContaining({ feedId: alice.feedId, display: 'Alice', publisher: true })]);

    await media.moderate(room, alice.feedId, { audio: false });
    const videoAtMute = viewer.received.video;
    // The audio stops (once what was on its way has arrived); the video goes on meanwhile.
    const audioAfterMute = await quiet(() => viewer.received.audio, { what: 'the audio to stop after the mute' });
    expect(viewer.received.video - videoAtMute).toBeGreaterThan(5);

    await media.moderate(room, alice.feedId, { audio: true });
    await viewer.waitFor(() => viewer.received.audio > audioAfterMute + 10, 5_000);

    await bob.close();
    await bob.close(); // idempotent
    await alice.peer.close();
  });

  it('keeps the subscription equal to the requested feeds (join, then update diffs)', async () => {
    const room = await media.createRoom({ maxPublishers: 4, description: 'subscription diff' });
    cleanups.push(() => media.destroyRoom(room));
    const one = await publishWerift(media, room, 'One');
    const two = await publishWerift(media, room, 'Two');
    cleanups.push(() => one.client.close(), () => two.client.close());

    const viewerPeer = await media.openPeer(room, { display: 'Viewer' });
    expect(await viewerPeer.subscribe([])).toBeNull();
    const viewer = createWeriftSubscriber();
    cleanups.push(() => viewer.close());

    const first = await viewerPeer.subscribe([one.feedId]);
    await viewerPeer.answerSubscription(await viewer.answer(first!.offerSdp));
    await viewer.waitFor(() => viewer.received.video > 5);

    const both = await viewerPeer.subscribe([one.feedId, two.feedId]);
    expect(new Set(both!.streams.map((stream) => stream.feedId))).toEqual(new Set([one.feedId, two.feedId]));
    await viewerPeer.answerSubscription(await viewer.answer(both!.offerSdp));
    const twoVideoMid = both!.streams.find((stream) => stream.feedId === two.feedId && stream.type === 'video')!.mid;
    await viewer.waitFor(() => (viewer.receivedByMid.get(twoVideoMid) ?? 0) > 5);

    const onlyTwo = await viewerPeer.subscribe([two.feedId]);
    expect(new Set(onlyTwo!.streams.map((stream) => stream.feedId))).toEqual(new Set([two.feedId]));
    await viewerPeer.answerSubscription(await viewer.answer(onlyTwo!.offerSdp));

    // The same set again: a fresh offer of the same streams, and media keeps flowing.
    const same = await viewerPeer.subscribe([two.feedId]);
    expect(same!.streams).toEqual(onlyTwo!.streams);
    await viewerPeer.answerSubscription(await viewer.answer(same!.offerSdp));
    const twoVideoSoFar = viewer.receivedByMid.get(twoVideoMid) ?? 0;
    await viewer.waitFor(() => (viewer.receivedByMid.get(twoVideoMid) ?? 0) > twoVideoSoFar + 5);

    await viewerPeer.close();
    await one.peer.close();
    await two.peer.close();
  });

  it('kick() closes the publisher (onClosed "kicked"); forward() sends plain RTP to a UDP port', async () => {
    const room = await media.createRoom({ maxPublishers: 2, description: 'moderation' });
    cleanups.push(() => media.destroyRoom(room));
    const carol = await publishWerift(media, room, 'Carol');
    cleanups.push(() => carol.client.close());

    const udp = createSocket('udp4');
    let forwarded = 0;
    udp.on('message', () => (forwarded += 1));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => udp.close(() => resolve())));
    const forwards = await media.forward(room, carol.feedId, { host: '127.0.0.1', videoPort: udp.address().port });
    expect(forwards).toEqual([expect.objectContaining({ type: 'video', port: udp.address().port })]);
    await until(() => forwarded > 10, 5_000, 'forwarded RTP');
    await media.stopForward(room, carol.feedId, forwards.map((forward) => forward.streamId));
    await quiet(() => forwarded, { what: 'the forwarded RTP to stop' });

    const reasons: string[] = [];
    carol.peer.onClosed((reason) => reasons.push(reason));
    await media.kick(room, carol.feedId);
    await until(() => reasons.length > 0, 5_000, 'onClosed after kick');
    expect(reasons).toEqual(['kicked']);
    await media.kick(room, carol.feedId); // unknown feed now: fine
    expect(await media.participants(room)).toEqual([]);
  });

  it('without a reachable Janus: isAvailable() is false and createRoom throws MediaUnavailableError', async () => {
    const nobody = await createMediaServers({ urls: [`ws://127.0.0.1:${await freePort()}`], logger });
    try {
      expect(nobody.isAvailable()).toBe(false);
      await expect(nobody.createRoom({ maxPublishers: 2, description: 'x' })).rejects.toBeInstanceOf(MediaUnavailableError);
      expect(nobody.status()).toEqual([expect.objectContaining({ connected: false, local: false })]);
    } finally {
      await nobody.close();
    }
  });

  // Last: it kills the shared Janus.
  it('restarts Janus after kill -9; peers get onClosed, isAvailable() goes false and comes back', async () => {
    const room = await media.createRoom({ maxPublishers: 2, description: 'instance loss' });
    const dave = await publishWerift(media, room, 'Dave');
    cleanups.push(() => dave.client.close());
    const reasons: string[] = [];
    dave.peer.onClosed((reason) => reasons.push(reason));

    const pid = janus.pid()!;
    process.kill(pid, 'SIGKILL');
    await until(() => !media.isAvailable(), 5_000, 'isAvailable() false');
    await until(() => reasons.length > 0, 5_000, 'onClosed after instance loss');
    expect(reasons).toEqual(['media server lost']);

    await until(() => janus.pid() !== undefined && janus.pid() !== pid, 5_000, 'a new Janus process');
    await until(() => janusAnswers(janus.url), 5_000, 'the restarted Janus to answer');
    await until(() => media.isAvailable(), 8_000, 'isAvailable() true again');
    expect(logs.some((entry) => entry.level === 'warn' && entry.message.includes('janus exited') && (entry.object as { signal?: string }).signal === 'SIGKILL')).toBe(true);

    // The old room is gone with the old process; a new one works.
    await media.destroyRoom(room);
    const again = await media.createRoom({ maxPublishers: 2, description: 'after restart' });
    const erin = await publishWerift(media, again, 'Erin');
    cleanups.push(() => erin.client.close());
    expect(erin.feedId).toBeGreaterThan(0);
    await erin.peer.close();
    await media.destroyRoom(again);
  });
});
