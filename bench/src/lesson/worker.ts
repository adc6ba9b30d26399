import http from 'node:http';
import WebSocket from 'ws';
import { createWeriftSubscriber, type WeriftSubscriber } from '../../../apps/server/dist/platform/media/testing/werift-peer.js';
import { httpRequest } from '../http.ts';
import { broadcastCounts, closeBroadcastDevices, goOnAir, watch } from './broadcast-devices.ts';
import { countVideo, newCounters } from './frames.ts';
import { joinEach, within } from './pool.ts';
import { createLessonPublisher, type LessonPublisher } from './publisher.ts';
import type { Counters, Person, Snapshot, WorkerReply, WorkerRequest } from './protocol.ts';

/**
 * A client process of the lesson and broadcast benchmarks (lesson/clients.ts forks it). The
 * broadcast's speakers and viewers are in broadcast-devices.ts; here, devices of the lesson,
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

/** Counts what arrives on a student's subscriber: the teacher's one video track (frames.ts) and audio. */
function countArrivals(subscriber: WeriftSubscriber, counters: Counters, onFirstFrame: () => void) {
  subscriber.pc.onTrack.subscribe((track) => {
    if (track.kind === 'audio') track.onReceiveRtp.subscribe(() => (counters.audioPackets += 1));
    else countVideo(track, counters, onFirstFrame);
  });
}

async function joinAsStudent(baseUrl: string, callId: string, feedId: number, person: Person, timeoutMs: number): Promise<number> {
  const device = await openDevice(baseUrl, person, timeoutMs);
  const started = performance.now();
  await post(baseUrl, person, `/api/calls/${callId}/join`, { connectionId: device.connectionId });
  const subscriber = createWeriftSubscriber();
  const counters = newCounters();
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
  await within(firstFrame, timeoutMs, 'connected, but no video frame in time');
  return firstFrameAt - started;
}

async function join(request: Extract<WorkerRequest, { type: 'join' }>): Promise<WorkerReply> {
  const joined = await joinEach(request.people, request.concurrency, (person) => joinAsStudent(request.baseUrl, request.callId, request.feedId, person, request.timeoutMs));
  return { type: 'joined', id: request.id, ...joined };
}

function snapshot(id: number): WorkerReply {
  const usage = process.cpuUsage();
  const broadcast = broadcastCounts();
  const result: Snapshot = {
    at: performance.timeOrigin + performance.now(),
    sent: { ...(publisher ? { teacher: { ...publisher.sent } } : {}), ...broadcast.sent },
    received: { ...Object.fromEntries(subscribers.map(({ userId, counters }) => [userId, { ...counters }])), ...broadcast.received },
    watching: broadcast.watching,
    cpuMicros: usage.user + usage.system,
    rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
  };
  return { type: 'snapshot', id, snapshot: result };
}

async function closeAll() {
  await Promise.allSettled([publisher?.close(), ...subscribers.map(({ subscriber }) => subscriber.close()), closeBroadcastDevices()]);
  for (const device of devices) device.ws.terminate();
  agent.destroy();
}

const reply = (message: WorkerReply) => process.send?.(message);
const failed = (id: number) => (error: unknown) => reply({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });

process.on('message', (request: WorkerRequest) => {
  if (request.type === 'teacher') void startAsTeacher(request).then(reply, failed(request.id));
  else if (request.type === 'join') void join(request).then(reply, failed(request.id));
  else if (request.type === 'speakers') void goOnAir(request).then(reply, failed(request.id));
  else if (request.type === 'watch') void watch(request).then(reply, failed(request.id));
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
