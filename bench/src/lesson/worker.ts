import http from 'node:http';
import WebSocket from 'ws';
import { createWeriftSubscriber, type WeriftSubscriber } from '../../../apps/server/dist/platform/media/testing/werift-peer.js';
import { httpRequest } from '../http.ts';
import { createLessonPublisher, type LessonPublisher } from './publisher.ts';
import type { Counters, Person, Snapshot, WorkerReply, WorkerRequest } from './protocol.ts';

/**
 * A client process of the lesson benchmark (lesson/clients.ts forks it): devices of the lesson,
 * each as the web app is one — a WebSocket to the gateway (cookie, Origin; `hello` → `ready` gives
 * the connection id), the REST calls that start or join the call from that connection, and the
 * media negotiated over that socket. The teacher publishes (lesson/publisher.ts); every student
 * subscribes to the teacher's feed with werift-peer.ts's subscriber, and this process counts what
 * arrives: packets, frames (marker bit), frames complete in order, packets missing by sequence.
 */

type Device = { person: Person; ws: WebSocket; connectionId: string; waiters: ((name: string, data: Record<string, unknown>) => boolean)[] };

const devices: Device[] = [];
let publisher: LessonPublisher | undefined;
const subscribers: { userId: string; subscriber: WeriftSubscriber; counters: Counters }[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });

/** Opens a device's socket and resolves with it at `ready`. */
function openDevice(baseUrl: string, person: Person, timeoutMs: number): Promise<Device> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/ws`, { headers: { cookie: person.headers.cookie!, origin: baseUrl }, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const device: Device = { person, ws, connectionId: '', waiters: [] };
    const timer = setTimeout(() => fail(new Error('no ready in time')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    ws.once('unexpected-response', (_request, response) => fail(new Error(`socket: HTTP ${response.statusCode}`)));
    ws.on('error', (error) => fail(error));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', lastSeq: null })));
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString();
      // Events (call.updated for every join, with the whole call) are many and not needed here.
      if (text.startsWith('{"type":"event"') || text.startsWith('{"type":"heartbeat"')) return;
      const message = JSON.parse(text) as { type: string; connectionId?: string; name?: string; data?: Record<string, unknown> };
      if (message.type === 'ready') {
        clearTimeout(timer);
        device.connectionId = message.connectionId!;
        devices.push(device);
        resolve(device);
      } else if (message.type === 'signal' && message.name && message.data) {
        const index = device.waiters.findIndex((waiter) => waiter(message.name!, message.data!));
        if (index >= 0) device.waiters.splice(index, 1);
      }
    });
  });
}

/** The next `name` signal for this call on the device (a `media.error` for it rejects). */
function nextSignal<T>(device: Device, callId: string, name: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
    device.waiters.push((signalName, data) => {
      if (data.callId !== callId) return false;
      if (signalName === 'media.error') {
        clearTimeout(timer);
        reject(new Error(`media.error ${String(data.code)}`));
        return true;
      }
      if (signalName !== name) return false;
      clearTimeout(timer);
      resolve(data as T);
      return true;
    });
  });
}

async function post<T>(baseUrl: string, person: Person, url: string, body: unknown): Promise<T> {
  const response = await httpRequest(agent, `${baseUrl}${url}`, { method: 'POST', headers: { ...person.headers, origin: baseUrl, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status < 200 || response.status > 299) throw new Error(`POST ${url.replace(/[0-9a-f-]{36}/g, ':id')} → HTTP ${response.status}: ${response.body.slice(0, 200)}`);
  return JSON.parse(response.body) as T;
}

async function startAsTeacher(request: Extract<WorkerRequest, { type: 'teacher' }>): Promise<WorkerReply> {
  const started = performance.now();
  const device = await openDevice(request.baseUrl, request.person, request.timeoutMs);
  const call = await post<{ id: string }>(request.baseUrl, request.person, `/api/chats/${request.chatId}/calls`, { video: true, connectionId: device.connectionId });
  publisher = createLessonPublisher(request.publisher);
  const offer = await publisher.offer();
  const answered = nextSignal<{ sdp: string; feedId: number }>(device, call.id, 'media.answer', request.timeoutMs);
  device.ws.send(JSON.stringify({ type: 'media.publish', callId: call.id, sdp: offer }));
  const { sdp, feedId } = await answered;
  await publisher.accept(sdp, request.timeoutMs);
  return { type: 'teacher', id: request.id, callId: call.id, feedId, ms: Math.round(performance.now() - started) };
}

/** Counts what arrives on a subscriber, next to werift-peer's own per-kind packet counts. */
function countArrivals(subscriber: WeriftSubscriber, counters: Counters, onFirstFrame: () => void) {
  let base: number | undefined;
  let highest = 0;
  let received = 0;
  let frameTimestamp = -1;
  let isFrameIntact = false;
  subscriber.pc.onTrack.subscribe((track) => {
    if (track.kind === 'audio') {
      track.onReceiveRtp.subscribe(() => (counters.audioPackets += 1));
      return;
    }
    track.onReceiveRtp.subscribe((rtp) => {
      const { sequenceNumber, timestamp, marker } = rtp.header;
      counters.videoPackets += 1;
      counters.videoBytes += rtp.payload.length;
      // Extended sequence number: the closest to the highest seen so far (handles the 16-bit wrap).
      let extended = sequenceNumber;
      if (base === undefined) {
        base = extended;
      } else {
        extended = highest + ((((sequenceNumber - highest) & 0xffff) + 0x8000) % 0x10000) - 0x8000;
      }
      const isNext = received === 0 || extended === highest + 1;
      if (extended > highest || received === 0) highest = extended;
      received += 1;
      counters.lostPackets = highest - base + 1 - received;
      if (timestamp !== frameTimestamp) {
        frameTimestamp = timestamp;
        // A frame starts intact only on a packet with the VP8 descriptor's S bit, right after the previous one.
        isFrameIntact = isNext && (rtp.payload[0]! & 0x10) !== 0;
      } else {
        isFrameIntact &&= isNext;
      }
      if (marker) {
        counters.frames += 1;
        if (isFrameIntact) counters.completeFrames += 1;
        if (counters.frames === 1) onFirstFrame();
      }
    });
  });
}

async function joinAsStudent(baseUrl: string, callId: string, feedId: number, person: Person, timeoutMs: number): Promise<number> {
  const device = await openDevice(baseUrl, person, timeoutMs);
  const started = performance.now();
  await post(baseUrl, person, `/api/calls/${callId}/join`, { connectionId: device.connectionId });
  const subscriber = createWeriftSubscriber();
  const counters: Counters = { videoPackets: 0, videoBytes: 0, frames: 0, completeFrames: 0, lostPackets: 0, audioPackets: 0 };
  let firstFrameAt = 0;
  const firstFrame = new Promise<void>((resolve) =>
    countArrivals(subscriber, counters, () => {
      firstFrameAt = performance.now();
      resolve();
    }),
  );
  subscribers.push({ userId: person.userId, subscriber, counters });
  const offered = nextSignal<{ sdp: string }>(device, callId, 'media.offer', timeoutMs);
  device.ws.send(JSON.stringify({ type: 'media.subscribe', callId, feedIds: [feedId] }));
  const offer = await offered;
  const answer = await subscriber.answer(offer.sdp);
  device.ws.send(JSON.stringify({ type: 'media.answer', callId, sdp: answer }));
  await subscriber.connected(timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([firstFrame, new Promise((_resolve, reject) => (timer = setTimeout(() => reject(new Error('connected, but no video frame in time')), timeoutMs)))]).finally(() => clearTimeout(timer));
  return firstFrameAt - started;
}

async function join(request: Extract<WorkerRequest, { type: 'join' }>): Promise<WorkerReply> {
  const waiting = [...request.people].reverse();
  const failures: Record<string, number> = {};
  const joinToFirstFrameMs: number[] = [];
  const next = async () => {
    for (let person = waiting.pop(); person; person = waiting.pop()) {
      try {
        joinToFirstFrameMs.push(Math.round(await joinAsStudent(request.baseUrl, request.callId, request.feedId, person, request.timeoutMs)));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, request.concurrency) }, next));
  return { type: 'joined', id: request.id, joined: joinToFirstFrameMs.length, failures, joinToFirstFrameMs };
}

function snapshot(id: number): WorkerReply {
  const usage = process.cpuUsage();
  const result: Snapshot = {
    at: performance.timeOrigin + performance.now(),
    received: Object.fromEntries(subscribers.map(({ userId, counters }) => [userId, { ...counters }])),
    cpuMicros: usage.user + usage.system,
    rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
    ...(publisher ? { sent: { ...publisher.sent } } : {}),
  };
  return { type: 'snapshot', id, snapshot: result };
}

async function closeAll() {
  await Promise.allSettled([publisher?.close(), ...subscribers.map(({ subscriber }) => subscriber.close())]);
  for (const device of devices) device.ws.terminate();
  agent.destroy();
}

const reply = (message: WorkerReply) => process.send?.(message);
const failed = (id: number) => (error: unknown) => reply({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });

process.on('message', (request: WorkerRequest) => {
  if (request.type === 'teacher') void startAsTeacher(request).then(reply, failed(request.id));
  else if (request.type === 'join') void join(request).then(reply, failed(request.id));
  else if (request.type === 'snapshot') reply(snapshot(request.id));
  else if (request.type === 'close') {
    void closeAll().finally(() => {
      reply({ type: 'closed', id: request.id });
      process.disconnect();
      // werift keeps timers and UDP sockets: do not wait for them.
      setTimeout(() => process.exit(0), 200).unref();
    });
  }
});
// The scenario's process went away (crashed, or was killed): nothing here outlives it.
process.on('disconnect', () => process.exit(0));
