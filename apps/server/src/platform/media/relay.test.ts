import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaServers, findJanusBinary, startLocalJanus, type LocalJanus, type MediaServers } from './index.ts';
import { remotePublisherStreams } from './media-servers.ts';
import { quiet } from '../../test/wait.ts';
import { createWeriftPublisher, createWeriftSubscriber } from './testing/werift-peer.ts';

const binary = findJanusBinary();

const logs: Array<{ level: string; message: string; object: object }> = [];
const logger = {
  info: (object: object, message: string) => void logs.push({ level: 'info', message, object }),
  warn: (object: object, message: string) => void logs.push({ level: 'warn', message, object }),
  error: (object: object, message: string) => void logs.push({ level: 'error', message, object }),
};

describe('remotePublisherStreams', () => {
  it('keeps mindex order, renames the profile fields and fills gaps with disabled placeholders', () => {
    expect(
      remotePublisherStreams([
        { type: 'video', mindex: 2, mid: 'v', codec: 'h264', 'h264-profile': '42e01f', simulcast: true },
        { type: 'audio', mindex: 0, mid: 'a', codec: 'opus', fec: true },
      ]),
    ).toEqual([
      { type: 'audio', mindex: 0, mid: 'a', codec: 'opus', fec: true },
      { type: 'audio', mindex: 1, mid: '1', disabled: true, codec: 'opus' },
      { type: 'video', mindex: 2, mid: 'v', codec: 'h264', h264_profile: '42e01f', simulcast: true },
    ]);
    expect(remotePublisherStreams([{ type: 'video', mindex: 0, mid: '0', disabled: true }])).toEqual([{ type: 'video', mindex: 0, mid: '0', disabled: true, codec: 'vp8' }]);
  });
});

describe.skipIf(!binary)('relaying a feed to a second local Janus (skipped: janus binary not installed)', () => {
  const dirs: string[] = [];
  let origin: LocalJanus;
  let edge: LocalJanus;
  let media: MediaServers;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'parta-janus-origin-')), mkdtempSync(join(tmpdir(), 'parta-janus-edge-')));
    [origin, edge] = await Promise.all([
      startLocalJanus({ dir: dirs[0]!, logger, rtpPortRange: [20600, 20699] }),
      startLocalJanus({ dir: dirs[1]!, logger, rtpPortRange: [20700, 20799] }),
    ]);
    media = await createMediaServers({ urls: [], logger, supervised: [origin, edge] });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await media?.close();
    expect(origin.pid()).toBeUndefined();
    expect(edge.pid()).toBeUndefined();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a watch-only viewer on the edge receives the origin publisher; stop() ends it', async () => {
    expect(media.instances()).toEqual([
      { url: origin.url, local: true, rooms: 0, peers: 0 },
      { url: edge.url, local: true, rooms: 0, peers: 0 },
    ]);
    const roomA = await media.createRoom({ maxPublishers: 3, description: 'broadcast origin', instance: origin.url });
    const roomB = await media.createRoom({ maxPublishers: 3, description: 'broadcast edge', instance: edge.url });
    cleanups.push(() => media.destroyRoom(roomA), () => media.destroyRoom(roomB));
    expect([roomA.instance, roomB.instance]).toEqual([origin.url, edge.url]);

    const speaker = await media.openPeer(roomA, { display: 'Speaker' });
    const speakerClient = createWeriftPublisher();
    cleanups.push(() => speakerClient.close());
    const { feedId, answerSdp } = await speaker.publish(await speakerClient.offer());
    await speakerClient.accept(answerSdp);

    const relay = await media.relay(roomA, feedId, roomB);
    cleanups.push(() => relay.stop());
    expect(await media.participants(roomB)).toEqual([expect.objectContaining({ feedId: relay.feedId, display: 'Speaker', publisher: true })]);
    const relayed = logs.find((entry) => entry.message === 'media feed relayed')?.object as { host: string; port: number } | undefined;
    expect(relayed?.host).toBe('127.0.0.1');

    // A viewer: a peer on the edge that never publishes, only subscribes.
    const viewerPeer = await media.openPeer(roomB, { display: 'Viewer' });
    const viewerClosed: string[] = [];
    viewerPeer.onClosed((reason) => viewerClosed.push(reason));
    const viewer = createWeriftSubscriber();
    cleanups.push(() => viewer.close());
    const offer = await viewerPeer.subscribe([relay.feedId]);
    expect(offer?.streams.map((stream) => stream.type).sort()).toEqual(['audio', 'video']);
    await viewerPeer.answerSubscription(await viewer.answer(offer!.offerSdp));
    await viewer.waitFor(() => viewer.received.video > 30 && viewer.received.audio > 30);
    expect(media.instances().map((instance) => [instance.url, instance.peers])).toEqual([
      [origin.url, 1],
      [edge.url, 1],
    ]);

    await relay.stop();
    await relay.stop(); // idempotent
    // The remote publisher is gone (a subscriber-only peer is no participant in listparticipants).
    expect(await media.participants(roomB)).toEqual([]);
    await quiet(() => viewer.received.audio + viewer.received.video, { what: 'the relayed media to stop' });
    // The viewer's peer stays open with nothing to receive (autoupdate is off): the calls module
    // subscribes it to something else or closes it.
    expect(viewerClosed).toEqual([]);
    // The speaker on the origin is untouched.
    expect(await media.participants(roomA)).toEqual([expect.objectContaining({ feedId, publisher: true })]);

    await viewerPeer.close();
    await speaker.close();
  });

  it('relays within one instance too; stop() after the speaker left is fine; an unknown feed is rejected', async () => {
    const roomA = await media.createRoom({ maxPublishers: 3, description: 'same-instance origin', instance: origin.url });
    const roomB = await media.createRoom({ maxPublishers: 3, description: 'same-instance edge', instance: origin.url });
    cleanups.push(() => media.destroyRoom(roomA), () => media.destroyRoom(roomB));
    const speaker = await media.openPeer(roomA, { display: 'Speaker 2' });
    const speakerClient = createWeriftPublisher();
    cleanups.push(() => speakerClient.close());
    const { feedId, answerSdp } = await speaker.publish(await speakerClient.offer());
    await speakerClient.accept(answerSdp);

    const relay = await media.relay(roomA, feedId, roomB);
    const viewerPeer = await media.openPeer(roomB, { display: 'Viewer 2' });
    const viewer = createWeriftSubscriber();
    cleanups.push(() => viewer.close());
    const offer = await viewerPeer.subscribe([relay.feedId]);
    await viewerPeer.answerSubscription(await viewer.answer(offer!.offerSdp));
    await viewer.waitFor(() => viewer.received.video > 10 && viewer.received.audio > 10);

    await speaker.close();
    // The origin's forwarders went with the speaker, but the remote publisher stays until stop().
    expect(await media.participants(roomB)).toEqual([expect.objectContaining({ feedId: relay.feedId, publisher: true })]);
    await relay.stop();
    expect((await media.participants(roomB)).filter((participant) => participant.publisher)).toEqual([]);
    await expect(media.relay(roomA, feedId, roomB)).rejects.toThrow(/428/);
    await viewerPeer.close();
  });
});
