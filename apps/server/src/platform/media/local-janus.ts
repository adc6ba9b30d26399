import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadJanode } from './janode-loader.ts';
import { type MediaLogger } from './types.ts';

/** Where Debian's `janus` package puts its plugins, transports, event handlers and loggers. */
export const JANUS_LIBRARY_DIR = '/usr/lib/x86_64-linux-gnu/janus';

export type LocalJanus = {
  /** The WebSocket API address, e.g. ws://127.0.0.1:41234 (the same across restarts). */
  url: string;
  /** The running child's pid, undefined while it is down. */
  pid(): number | undefined;
  /** Stops supervising and ends the child: SIGTERM, then SIGKILL after 3 s. */
  stop(): Promise<void>;
};

export type LocalJanusOptions = {
  /** Folder for the generated configuration (created if missing). */
  dir: string;
  /** The janus executable; default findJanusBinary(). */
  binary?: string;
  /** UDP ports for ICE/RTP, inclusive; default [20000, 20999]. */
  rtpPortRange?: [number, number];
  /** The public address announced in ICE candidates (`nat.nat_1_1_mapping`), for a server behind NAT. */
  publicIp?: string;
  /**
   * `nat.ice_enforce_list`: the interfaces/addresses ICE gathers on. Default: the first
   * non-loopback IPv4 interface (e.g. "eth0"). Loopback cannot be used: libnice never gathers
   * candidates on it, so "lo" silently falls back to every interface (verified with Janus 1.1.2).
   */
  iceEnforceList?: string;
  /** STUN/TURN are configured through `nat` too; TURN is passed to browsers instead (see docs). */
  stunServer?: { host: string; port: number };
  /** A Janus API secret every request must carry (`general.api_secret`). */
  apiSecret?: string;
  /** The WebSocket port; default a free one picked at start. */
  wsPort?: number;
  logger: MediaLogger;
  /** How long start waits for the WebSocket to answer; default 15 s. */
  startTimeoutMs?: number;
};

/** /usr/bin/janus, or `janus` found on PATH; undefined when Janus is not installed. */
export function findJanusBinary(): string | undefined {
  const candidates = ['/usr/bin/janus', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'janus'))];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there; try the next
    }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (the kernel picks; the listener is closed before returning). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Every `libjanus_*.so` in a library folder except the ones to keep (for `disable = "..."`). */
function othersThan(folder: string, keep: string[]): string {
  const path = join(JANUS_LIBRARY_DIR, folder);
  if (!existsSync(path)) return '';
  return readdirSync(path)
    .filter((name) => /^libjanus_[a-z0-9_]+\.so$/.test(name) && !keep.includes(name))
    .sort()
    .join(',');
}

/** The first up, non-internal interface with an IPv4 address (the one a local browser reaches). */
export function defaultIceInterface(): string | undefined {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (addresses?.some((address) => address.family === 'IPv4' && !address.internal)) return name;
  }
  return undefined;
}

const quote = (value: string) => JSON.stringify(value);

/**
 * Writes janus.jcfg, the WebSockets transport and the VideoRoom plugin configuration into `dir`.
 * Only libjanus_videoroom.so and libjanus_websockets.so are loaded; the WebSocket API listens on
 * loopback only and the admin API is off. Exported for the docs test and for operators to inspect.
 */
export function writeJanusConfig(dir: string, options: { wsPort: number; rtpPortRange: [number, number]; publicIp?: string; iceEnforceList?: string; stunServer?: { host: string; port: number }; apiSecret?: string }): string {
  mkdirSync(dir, { recursive: true });
  const enforce = options.iceEnforceList ?? defaultIceInterface();
  const general = [
    `configs_folder = ${quote(dir)}`,
    `plugins_folder = ${quote(join(JANUS_LIBRARY_DIR, 'plugins'))}`,
    `transports_folder = ${quote(join(JANUS_LIBRARY_DIR, 'transports'))}`,
    `events_folder = ${quote(join(JANUS_LIBRARY_DIR, 'events'))}`,
    `loggers_folder = ${quote(join(JANUS_LIBRARY_DIR, 'loggers'))}`,
    'debug_level = 4',
    'debug_timestamps = false',
    'server_name = "parta"',
    'session_timeout = 60',
    'hide_dependencies = true',
    ...(options.apiSecret ? [`api_secret = ${quote(options.apiSecret)}`] : []),
  ];
  const nat = [
    'nice_debug = false',
    'ignore_mdns = true',
    ...(enforce ? [`ice_enforce_list = ${quote(enforce)}`] : []),
    ...(options.publicIp ? [`nat_1_1_mapping = ${quote(options.publicIp)}`] : []),
    ...(options.stunServer ? [`stun_server = ${quote(options.stunServer.host)}`, `stun_port = ${options.stunServer.port}`] : []),
  ];
  const section = (name: string, lines: string[]) => `${name}: {\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
  const main = [
    '# Generated by Parta (apps/server/src/platform/media/local-janus.ts); rewritten at every start.',
    section('general', general),
    section('certificates', []),
    section('media', [`rtp_port_range = "${options.rtpPortRange[0]}-${options.rtpPortRange[1]}"`]),
    section('nat', nat),
    section('plugins', [`disable = ${quote(othersThan('plugins', ['libjanus_videoroom.so']))}`]),
    section('transports', [`disable = ${quote(othersThan('transports', ['libjanus_websockets.so']))}`]),
    section('loggers', [`disable = ${quote(othersThan('loggers', []))}`]),
    section('events', ['broadcast = false', `disable = ${quote(othersThan('events', []))}`]),
  ].join('\n');
  writeFileSync(join(dir, 'janus.jcfg'), main);
  writeFileSync(
    join(dir, 'janus.transport.websockets.jcfg'),
    [
      section('general', ['json = "compact"', 'ws = true', `ws_port = ${options.wsPort}`, 'ws_interface = "lo"', 'ws_ip = "127.0.0.1"', 'wss = false']),
      section('admin', ['admin_ws = false', 'admin_wss = false']),
    ].join('\n'),
  );
  // Rooms are created over the API (never permanent); no admin_key so that create needs none.
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), section('general', ['string_ids = false']));
  // Janus looks for the logger's file even when the logger is disabled.
  writeFileSync(join(dir, 'janus.logger.jsonlog.jcfg'), section('general', ['enabled = false']));
  return join(dir, 'janus.jcfg');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when the Janus API at `url` answers an `info` request. */
export async function janusAnswers(url: string, apiSecret?: string): Promise<boolean> {
  const { Janode } = await loadJanode();
  try {
    const connection = await Janode.connect({ address: [{ url, ...(apiSecret ? { apisecret: apiSecret } : {}) }], max_retries: 0, retry_time_secs: 1 });
    try {
      const info = await connection.getInfo();
      return info.janus === 'server_info';
    } finally {
      await connection.close().catch(() => undefined);
    }
  } catch {
    return false;
  }
}

/**
 * Starts Janus as a child process with a generated configuration, waits until its WebSocket API
 * answers, and restarts it (1 s, 2 s, … 30 s apart; back to 1 s after a minute up) whenever it
 * exits until stop() is called. Its output goes to the logger at debug level, "[ERR]" lines at warn.
 */
/**
 * Kills the Janus whose pid the folder's pid file holds, if that process is still a Janus of this
 * folder (its command line names it): the server that started it was killed without stopping it.
 */
function stopStaleJanus(pidFile: string, dir: string, logger: MediaLogger) {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return; // gone already (or not Linux)
  }
  if (!commandLine.includes('janus') || !commandLine.includes(dir)) return;
  try {
    process.kill(pid, 'SIGKILL');
    logger.warn({ pid, dir }, 'stopped a Janus left running by an earlier server of this data directory');
  } catch {
    // exited meanwhile
  }
}

export async function startLocalJanus(options: LocalJanusOptions): Promise<LocalJanus> {
  const binary = options.binary ?? findJanusBinary();
  if (!binary) throw new Error('janus is not installed (apt-get install -y janus)');
  const { logger } = options;
  const wsPort = options.wsPort ?? (await freePort());
  const rtpPortRange = options.rtpPortRange ?? [20000, 20999];
  const configFile = writeJanusConfig(options.dir, { wsPort, rtpPortRange, ...pick(options) });
  // A Janus left running by a server that was killed (SIGKILL gives no chance to stop it) goes first.
  const pidFile = join(options.dir, 'janus.pid');
  stopStaleJanus(pidFile, options.dir, logger);
  const url = `ws://127.0.0.1:${wsPort}`;

  let child: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let backoffMs = 1_000;
  let startedAt = 0;

  const debug = (line: string) => (logger.debug ? logger.debug({ janus: url }, line) : undefined);
  const pipe = (stream: NodeJS.ReadableStream | null) => {
    if (!stream) return;
    createInterface({ input: stream }).on('line', (line) => {
      if (line.includes('[ERR]')) logger.warn({ janus: url }, `janus: ${line}`);
      else debug(`janus: ${line}`);
    });
  };

  const spawnChild = () => {
    startedAt = Date.now();
    const proc = spawn(binary, ['-F', options.dir, '-C', configFile, '-o'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    if (proc.pid !== undefined) writeFileSync(pidFile, String(proc.pid));
    pipe(proc.stdout);
    pipe(proc.stderr);
    proc.on('error', (error) => logger.error({ janus: url, err: error }, 'janus could not be started'));
    proc.on('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (stopping) {
        logger.info({ janus: url, code, signal }, 'janus stopped');
        return;
      }
      if (Date.now() - startedAt > 60_000) backoffMs = 1_000;
      logger.warn({ janus: url, code, signal, restartInMs: backoffMs }, 'janus exited; restarting');
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (!stopping) spawnChild();
      }, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 30_000);
    });
  };

  // A child must not outlive the server, even when the server exits without calling stop().
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    stopping = true;
    rmSync(pidFile, { force: true });
    process.removeListener('exit', killOnExit);
    if (restartTimer) clearTimeout(restartTimer);
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const killTimer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(killTimer);
  };

  spawnChild();
  logger.info({ janus: url, pid: child?.pid, dir: options.dir }, 'janus starting');
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  while (!(await janusAnswers(url, options.apiSecret))) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`janus did not answer on ${url} within ${options.startTimeoutMs ?? 15_000} ms`);
    }
    await sleep(100);
  }
  logger.info({ janus: url, pid: child?.pid }, 'janus ready');
  return { url, pid: () => child?.pid, stop };
}

function pick(options: LocalJanusOptions) {
  return {
    ...(options.publicIp ? { publicIp: options.publicIp } : {}),
    ...(options.iceEnforceList ? { iceEnforceList: options.iceEnforceList } : {}),
    ...(options.stunServer ? { stunServer: options.stunServer } : {}),
    ...(options.apiSecret ? { apiSecret: options.apiSecret } : {}),
  };
}
