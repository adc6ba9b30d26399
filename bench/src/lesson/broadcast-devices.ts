import { setTimeout as sleep } from 'node:timers/promises';
import { broadcastStudioSocketPath, broadcastWatchSocketPath, type TBroadcastServerMessage } from '@parta/contracts';
import type { MediaStreamTrack } from 'werift';
import WebSocket from 'ws';
import { createWeriftSubscriber, type WeriftSubscriber } from '../../../apps/server/dist/platform/media/testing/werift-peer.js';
import { countVideo, newCounters } from './frames.ts';
import { joinEach, within } from './pool.ts';
import { createLessonPublisher, type LessonPublisher } from './publisher.ts';
import { receivedKey, type Counters, type Speaker, type WorkerReply, type WorkerRequest } from './protocol.ts';

/**
 * The broadcast's devices in a client process (lesson/worker.ts), as the web app's studio and
 * watch page are:
 *
 * - a **speaker** opens the studio socket (`broadcastStudioSocketPath`, session cookie + Origin),
 *   sends `publish` with lesson/publisher.ts's offer (gathered completely: no trickle) and starts
 *   sending at `answer`; the other speakers on air reach it as `offer`s, answered like a viewer's
 *   (not counted);
 * - a **viewer** opens the public watch socket (`broadcastWatchSocketPath`, Origin only: no
 *   account) and answers every `offer` with one werift subscriber (a new one after `no-streams`);
 *   what arrives is counted per speaker, by the m-lines the offer labels with the speaker's name
 *   (frames.ts). Viewer sockets are opened at most `opensPerSecond` a second: the server limits
 *   watch sockets per address (600 a minute) and every viewer here comes from 127.0.0.1.
 */

type LiveDevice = {
  ws: WebSocket;
  subscriber: WeriftSubscriber | null;
  /** From the latest offer: whose stream each m-line carries, and the speakers sending video. */
  speakerOfMid: Map<string, string>;
  videoSpeakers: Set<string>;
  negotiation: Promise<void>;
  problem: string | null;
};

const speakers: { name: string; publisher: LessonPublisher; device: LiveDevice }[] = [];
const viewers: { name: string; device: LiveDevice; counters: Map<string, Counters> }[] = [];
let nextOpenAt = 0;

/** A live socket and its device; `opened` resolves at the upgrade, rejects on refusal. */
function openLiveDevice(url: string, headers: Record<string, string>, timeoutMs: number) {
  const device: LiveDevice = { ws: new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: timeoutMs }), subscriber: null, speakerOfMid: new Map(), videoSpeakers: new Set(), negotiation: Promise.resolve(), problem: null };
  const opened = new Promise<void>((resolve, reject) => {
    device.ws.once('unexpected-response', (_request, response) => {
      device.ws.terminate();
      reject(new Error(`socket: HTTP ${response.statusCode}`));
    });
    device.ws.on('error', reject);
    device.ws.once('open', () => resolve());
    device.ws.once('close', (code) => (device.problem ??= `socket closed (${code})`));
  });
  return { device, opened };
}

/** The media side of a live socket: `offer` → answer from the device's subscriber, `no-streams` → drop it. */
function receive(device: LiveDevice, message: TBroadcastServerMessage, onTrack: (speaker: string, track: MediaStreamTrack) => void) {
  if (message.type === 'offer') {
    device.negotiation = device.negotiation.then(async () => {
      for (const stream of message.streams) device.speakerOfMid.set(stream.mid, stream.speaker);
      device.videoSpeakers = new Set(message.streams.filter((stream) => stream.type === 'video').map((stream) => stream.speaker));
      if (!device.subscriber) {
        const subscriber = createWeriftSubscriber();
        subscriber.pc.onTrack.subscribe((track) => {
          const mid = subscriber.pc.getTransceivers().find((transceiver) => transceiver.receiver.track === track || transceiver.receiver.tracks.includes(track))?.mid;
          onTrack(device.speakerOfMid.get(mid ?? '') ?? '?', track);
        });
        device.subscriber = subscriber;
      }
      const sdp = await device.subscriber.answer(message.sdp);
      if (device.ws.readyState === WebSocket.OPEN) device.ws.send(JSON.stringify({ type: 'answer', offerId: message.offerId, sdp }));
    }).catch((error: unknown) => void (device.problem = `answer failed: ${error instanceof Error ? error.message : String(error)}`));
  } else if (message.type === 'no-streams') {
    const subscriber = device.subscriber;
    device.subscriber = null;
    void subscriber?.close();
  } else if (message.type === 'error') {
    device.problem = `error ${message.code}`;
  }
}

const parse = (raw: Buffer) => JSON.parse(raw.toString()) as TBroadcastServerMessage;
const liveUrl = (baseUrl: string, path: string) => `${baseUrl.replace(/^http/, 'ws')}${path}`;

async function goOnAirAs(request: Extract<WorkerRequest, { type: 'speakers' }>, speaker: Speaker): Promise<number> {
  const started = performance.now();
  const { device, opened } = openLiveDevice(liveUrl(request.baseUrl, broadcastStudioSocketPath(request.broadcastId)), { cookie: speaker.headers.cookie!, origin: request.baseUrl }, request.timeoutMs);
  let onAnswer: (sdp: string) => void = () => undefined;
  const answered = new Promise<string>((resolve) => (onAnswer = resolve));
  device.ws.on('message', (raw: Buffer) => {
    const message = parse(raw);
    if (message.type === 'answer') onAnswer(message.sdp);
    else receive(device, message, () => undefined);
  });
  await opened;
  const publisher = createLessonPublisher(request.publisher);
  speakers.push({ name: speaker.displayName, publisher, device });
  device.ws.send(JSON.stringify({ type: 'publish', sdp: await publisher.offer() }));
  const sdp = await within(answered, request.timeoutMs, `no answer to publish (${device.problem ?? 'no error'})`);
  await publisher.accept(sdp, request.timeoutMs);
  return performance.now() - started;
}

/** The speakers go on air one after the other (as two people pressing «В эфир»). */
export async function goOnAir(request: Extract<WorkerRequest, { type: 'speakers' }>): Promise<WorkerReply> {
  const ms: number[] = [];
  for (const speaker of request.speakers) ms.push(Math.round(await goOnAirAs(request, speaker)));
  return { type: 'on-air', id: request.id, ms };
}

/** Waits for this worker's next socket-opening slot (`perSecond` a second at most). */
async function openingSlot(perSecond: number) {
  const now = performance.now();
  const at = Math.max(now, nextOpenAt);
  nextOpenAt = at + 1000 / perSecond;
  if (at > now) await sleep(at - now);
}

/** One viewer: socket opened → first frame of every speaker its first offer carries, in ms. */
async function watchAs(request: Extract<WorkerRequest, { type: 'watch' }>, name: string): Promise<number> {
  await openingSlot(request.opensPerSecond);
  const started = performance.now();
  const { device, opened } = openLiveDevice(liveUrl(request.baseUrl, broadcastWatchSocketPath(request.token)), { origin: request.baseUrl }, request.timeoutMs);
  const counters = new Map<string, Counters>();
  const counterOf = (speaker: string) => counters.get(speaker) ?? counters.set(speaker, newCounters()).get(speaker)!;
  viewers.push({ name, device, counters });
  const withFrames = new Set<string>();
  let onEveryFirstFrame: () => void = () => undefined;
  const everyFirstFrame = new Promise<void>((resolve) => (onEveryFirstFrame = resolve));
  device.ws.on('message', (raw: Buffer) =>
    receive(device, parse(raw), (speaker, track) => {
      const speakerCounters = counterOf(speaker);
      if (track.kind === 'audio') {
        track.onReceiveRtp.subscribe(() => (speakerCounters.audioPackets += 1));
        return;
      }
      countVideo(track, speakerCounters, () => {
        withFrames.add(speaker);
        if ([...device.videoSpeakers].every((value) => withFrames.has(value))) onEveryFirstFrame();
      });
    }),
  );
  await opened;
  await within(everyFirstFrame, request.timeoutMs, `no frame of every speaker in time (${device.problem ?? `${withFrames.size} speakers with frames`})`);
  return performance.now() - started;
}

export async function watch(request: Extract<WorkerRequest, { type: 'watch' }>): Promise<WorkerReply> {
  const joined = await joinEach(request.viewers, request.concurrency, (name) => watchAs(request, name));
  return { type: 'joined', id: request.id, ...joined };
}

/** What the speakers sent and every viewer received of each speaker, and the viewer sockets open. */
export function broadcastCounts() {
  return {
    sent: Object.fromEntries(speakers.map(({ name, publisher }) => [name, { ...publisher.sent }])),
    received: Object.fromEntries(viewers.flatMap(({ name, counters }) => [...counters].map(([speaker, value]) => [receivedKey(name, speaker), { ...value }]))),
    watching: viewers.filter(({ device }) => device.ws.readyState === WebSocket.OPEN).length,
  };
}

export async function closeBroadcastDevices() {
  const devices = [...speakers.map(({ device }) => device), ...viewers.map(({ device }) => device)];
  await Promise.allSettled([...speakers.map(({ publisher }) => publisher.close()), ...devices.map(({ subscriber }) => subscriber?.close())]);
  for (const { ws } of devices) ws.terminate();
}
