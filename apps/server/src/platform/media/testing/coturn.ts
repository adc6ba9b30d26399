// A coturn TURN server for tests (Debian package `coturn`), started the way an operator runs it
// for Parta (docs/subsystems/media.md, TURN): the TURN REST API scheme (`use-auth-secret`) with a
// shared secret, no TLS. It listens on loopback and relays from the machine's own interface
// address, where the local Janus gathers its candidates. Test code only.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

export const turnserverBinary = ['/usr/bin/turnserver', '/usr/sbin/turnserver'].find((path) => existsSync(path));

export type Coturn = { url: string; secret: string; stop(): Promise<void> };

/** The machine's first non-loopback IPv4 address (the one Janus offers by default). */
function interfaceAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (found) return found.address;
  }
  throw new Error('no non-loopback IPv4 address to relay from');
}

/** Resolves once the server answers a STUN Binding request on its UDP port. */
async function answersStun(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const socket = createSocket('udp4');
  try {
    for (;;) {
      const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
      const answered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 200);
        socket.once('message', () => {
          clearTimeout(timer);
          resolve(true);
        });
        socket.send(request, port, '127.0.0.1');
      });
      if (answered) return;
      if (Date.now() > deadline) throw new Error(`turnserver did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
    }
  } finally {
    socket.close();
  }
}

/** Starts turnserver on 127.0.0.1:`port`, relaying on UDP ports `relayPorts`; stop() ends it. */
export async function startCoturn(options: { port: number; relayPorts: [number, number] }): Promise<Coturn> {
  if (!turnserverBinary) throw new Error('turnserver is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'parta-coturn-'));
  const secret = randomBytes(24).toString('hex');
  const child = spawn(
    turnserverBinary,
    [
      '-n', // no configuration file: everything is below
      '--listening-ip=127.0.0.1',
      `--listening-port=${options.port}`,
      `--relay-ip=${interfaceAddress()}`,
      `--min-port=${options.relayPorts[0]}`,
      `--max-port=${options.relayPorts[1]}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=parta.test',
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      '--no-tcp-relay',
      '--no-cli',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
      `--log-file=${join(dir, 'turnserver.log')}`,
      '--simple-log',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await answersStun(options.port, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `turn:127.0.0.1:${options.port}?transport=udp`, secret, stop };
}
