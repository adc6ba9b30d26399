import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TServerMessage } from '@parta/contracts';
import { createMediaServers, startLocalJanus, type MediaServers } from '../platform/media/index.ts';
import { startTestApp, type SignedIn } from './harness.ts';
import { openSocket, type TestSocket } from './ws-client.ts';

/** Call tests' helpers: an app listening on a port (optionally with its own Janus), and devices on its gateway. */

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The whole app on a loopback port, without the call sweeper (tests sweep with the manual clock)
 * or heartbeats; with `janusPorts`, a Janus of its own (as main.ts starts one) on that UDP range.
 */
export async function startCallsApp(options: { janusPorts?: [number, number]; secondJanusPorts?: [number, number]; env?: Record<string, string>; broadcastTimings?: { tickMs?: number; mediaConnectTimeoutMs?: number } } = {}) {
  let media: MediaServers | null = null;
  const dirs: string[] = [];
  if (options.janusPorts) {
    const ranges = [options.janusPorts, ...(options.secondJanusPorts ? [options.secondJanusPorts] : [])];
    const supervised = await Promise.all(
      ranges.map((rtpPortRange) => {
        const dir = mkdtempSync(join(tmpdir(), 'parta-calls-janus-'));
        dirs.push(dir);
        return startLocalJanus({ dir, logger: quiet, rtpPortRange });
      }),
    );
    media = await createMediaServers({ urls: [], logger: quiet, supervised });
  }
  const t = await startTestApp({
    heartbeatMs: 3_600_000,
    callSweepMs: 0,
    media,
    ...(options.env ? { env: options.env } : {}),
    ...(options.broadcastTimings ? { broadcastTimings: options.broadcastTimings } : {}),
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const sockets = new Set<TestSocket>();

  return {
    t,
    media,
    baseUrl,
    /** A device of this person: a socket that said hello, with the connection id the gateway gave it. */
    async device(user: SignedIn) {
      const socket = await openSocket(baseUrl, { cookie: user.cookie });
      sockets.add(socket);
      const ready = (await socket.hello(null)).at(-1) as Extract<TServerMessage, { type: 'ready' }>;
      return { socket, connectionId: ready.connectionId, user };
    },
    /** Closes every device opened so far. */
    closeDevices() {
      for (const socket of sockets) socket.terminate();
      sockets.clear();
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await t.close();
      await media?.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type CallsApp = Awaited<ReturnType<typeof startCallsApp>>;
export type Device = Awaited<ReturnType<CallsApp['device']>>;

/** The next signal of this name on the socket (anything else is skipped). */
export async function nextSignal(socket: TestSocket, name: string, timeoutMs = 10_000) {
  for (;;) {
    const message = await socket.next(timeoutMs);
    if (message.type === 'signal' && message.name === name) return message.data as Record<string, unknown>;
  }
}

