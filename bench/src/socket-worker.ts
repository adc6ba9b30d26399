import WebSocket from 'ws';
import { Histogram } from './histogram.ts';
import { monotonicMs, type SocketTarget, type WorkerReply, type WorkerRequest } from './socket-protocol.ts';

/**
 * A child process holding many WebSockets to the gateway for a scenario (socket-clients.ts
 * starts it with fork() and talks to it over IPC). Several of these spread a big load over
 * processes: one process has at most `ulimit -n` sockets, and one event loop parsing tens of
 * thousands of frames a second would otherwise be the bottleneck.
 *
 * Each socket is a signed-in person's (session cookie, the server's Origin), says `hello` with no
 * position and waits for `ready`, as the web app does; it then checks that its per-user `seq`
 * never skips. Frames are read without JSON.parse where the gateway's fixed field order allows
 * (`{"type":"event","seq":N,"name":…`), to keep this process cheap.
 *
 * Deliveries are timed without asking the sender: a scenario's message text carries
 * `#b:<tag>:<due>#`, where <due> is when the message was due on the shared monotonic clock
 * (`monotonicMs`, CLOCK_MONOTONIC, the same in every process of the machine); a frame's latency
 * is its arrival minus <due>, recorded per group of sockets and tag.
 */

type Held = { ws: WebSocket; group: string; lastSeq: number | null; isReady: boolean; isClosing: boolean };

const held = new Set<Held>();
const problems = { gaps: 0, resyncs: 0, errors: 0, unexpectedCloses: 0 };
const closeCodes = new Map<number, number>();
const deliveries = new Map<string, { latency: Histogram; firstArrival: number; lastArrival: number }>();

const eventPrefix = '{"type":"event","seq":';
const createdName = '"name":"message.created"';

function onFrame(socket: Held, text: string, arrivedAt: number) {
  if (text.startsWith(eventPrefix)) {
    const seq = Number.parseInt(text.slice(eventPrefix.length), 10);
    if (socket.lastSeq !== null && seq !== socket.lastSeq + 1) problems.gaps += 1;
    socket.lastSeq = seq;
    const comma = text.indexOf(',', eventPrefix.length);
    if (!text.startsWith(createdName, comma + 1)) return;
    const marker = text.indexOf('#b:', comma);
    if (marker < 0) return;
    const end = text.indexOf('#', marker + 3);
    const [tag, due] = text.slice(marker + 3, end).split(':');
    const key = `${socket.group}|${tag}`;
    let record = deliveries.get(key);
    if (!record) deliveries.set(key, (record = { latency: new Histogram(), firstArrival: arrivedAt, lastArrival: arrivedAt }));
    record.latency.record(arrivedAt - Number(due));
    if (arrivedAt > record.lastArrival) record.lastArrival = arrivedAt;
    return;
  }
  if (text.startsWith('{"type":"heartbeat"') || text.startsWith('{"type":"signal"') || text.startsWith('{"type":"pong"')) return;
  // Rare frames: parsed in full.
  const message = JSON.parse(text) as { type: string; seq?: number };
  if (message.type === 'ready') {
    socket.lastSeq = message.seq!;
    socket.isReady = true;
  } else if (message.type === 'resync') {
    problems.resyncs += 1;
    socket.lastSeq = message.seq!;
  } else if (message.type === 'error') {
    problems.errors += 1;
  } else if (message.type === 'event') {
    // An event in an unexpected shape: counted for gaps all the same.
    if (socket.lastSeq !== null && message.seq !== socket.lastSeq + 1) problems.gaps += 1;
    socket.lastSeq = message.seq!;
  }
}

/** Opens one socket and resolves when `ready` arrives; rejects with a short reason otherwise. */
function open(url: string, origin: string, target: SocketTarget, timeoutMs: number): Promise<Held> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { cookie: target.cookie, origin },
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    const socket: Held = { ws, group: target.group, lastSeq: null, isReady: false, isClosing: false };
    let isSettled = false;
    const fail = (reason: string) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      socket.isClosing = true;
      ws.terminate();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail('no ready in time'), timeoutMs);
    ws.once('unexpected-response', (_request, response) => fail(`HTTP ${response.statusCode}`));
    ws.on('error', (error: Error & { code?: string }) => fail(error.code ?? error.message.slice(0, 80)));
    ws.once('open', () => ws.send('{"type":"hello","lastSeq":null}'));
    ws.on('message', (raw: Buffer) => {
      const arrivedAt = monotonicMs();
      onFrame(socket, raw.toString(), arrivedAt);
      if (socket.isReady && !isSettled) {
        isSettled = true;
        clearTimeout(timer);
        held.add(socket);
        resolve(socket);
      }
    });
    ws.once('close', (code: number) => {
      held.delete(socket);
      if (!isSettled) {
        fail(`closed before ready (${code})`);
        return;
      }
      if (!socket.isClosing) {
        problems.unexpectedCloses += 1;
        closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
      }
    });
  });
}

async function connect(request: Extract<WorkerRequest, { type: 'connect' }>): Promise<WorkerReply> {
  const started = performance.now();
  const waiting = [...request.targets].reverse();
  const failures = new Map<string, number>();
  const connectMs = new Histogram();
  let opened = 0;
  const next = async () => {
    for (let target = waiting.pop(); target; target = waiting.pop()) {
      const began = performance.now();
      try {
        await open(request.url, request.origin, target, request.timeoutMs);
        opened += 1;
        connectMs.record(performance.now() - began);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, request.concurrency) }, next));
  const failed = request.targets.length - opened;
  return { type: 'connected', id: request.id, opened, failed, failures: Object.fromEntries(failures), ms: performance.now() - started, connectMs: connectMs.data() };
}

function stats(id: number): WorkerReply {
  let open = 0;
  let ready = 0;
  for (const socket of held) {
    if (socket.ws.readyState === WebSocket.OPEN) open += 1;
    if (socket.isReady && socket.ws.readyState === WebSocket.OPEN) ready += 1;
  }
  return {
    type: 'stats',
    id,
    stats: {
      open,
      ready,
      problems: { ...problems },
      closeCodes: Object.fromEntries(closeCodes),
      deliveries: Object.fromEntries([...deliveries].map(([key, record]) => [key, { latency: record.latency.data(), firstArrival: record.firstArrival, lastArrival: record.lastArrival }])),
      memoryRssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
    },
  };
}

function reply(message: WorkerReply) {
  process.send!(message);
}

process.on('message', (request: WorkerRequest) => {
  if (request.type === 'connect') void connect(request).then(reply);
  else if (request.type === 'stats') reply(stats(request.id));
  else if (request.type === 'close') {
    for (const socket of held) {
      socket.isClosing = true;
      socket.ws.terminate();
    }
    held.clear();
    reply({ type: 'closed', id: request.id });
    process.disconnect();
  }
});
// The scenario's process went away (crashed, or was killed): nothing here outlives it.
process.on('disconnect', () => process.exit(0));
