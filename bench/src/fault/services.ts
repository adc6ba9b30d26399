import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * The fault test's own Redis and PostgreSQL: private instances on free loopback ports in a
 * temporary directory, which the test kills and restarts at will. The machine's shared servers
 * (5432, 6379) are never touched.
 */

/** Where a PostgreSQL program lives: the newest /usr/lib/postgresql/<version>/bin, else PATH. */
export function findProgram(name: string): string | undefined {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((entry) => /^\d+$/.test(entry)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  const candidates = [...versions.map((version) => `/usr/lib/postgresql/${version}/bin/${name}`), ...(process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => path.join(dir, name))];
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Fails with one clear message when the machine lacks what the test needs. */
export function requirePrograms() {
  const programs = { 'redis-server': findProgram('redis-server'), initdb: findProgram('initdb'), pg_ctl: findProgram('pg_ctl') };
  const missing = Object.entries(programs).filter(([, where]) => !where).map(([name]) => name);
  if (process.getuid?.() === 0 && !findProgram('runuser')) missing.push('runuser (initdb refuses to run as root)');
  if (missing.length > 0) {
    throw new Error(
      `the fault test starts its own Redis and PostgreSQL, and this machine lacks: ${missing.join(', ')}. ` +
        'Install them (Debian: apt-get install redis-server postgresql) — nothing else is needed.',
    );
  }
  return programs as Record<keyof typeof programs, string>;
}

const run = (file: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}) =>
  new Promise<string>((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${error.message}\n${stderr}`.trim()));
      else resolve(stdout);
    });
  });

/** Resolves when something accepts TCP connections on the port and answers `probe` (or after `timeoutMs`, rejecting). */
async function waitForTcp(port: number, timeoutMs: number, probe?: { send: string; expect: string }) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      const done = (result: boolean) => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(1_000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => {
        if (!probe) return done(true);
        socket.write(probe.send);
      });
      let seen = '';
      socket.on('data', (chunk) => {
        seen += chunk.toString();
        if (seen.includes(probe?.expect ?? '')) done(true);
      });
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** A private Redis without persistence: `kill` is a crash (SIGKILL), `start` brings it back on the same port. */
export class PrivateRedis {
  readonly port: number;
  private readonly dir: string;
  private readonly program: string;
  private child: ChildProcess | undefined;
  /** Set by close(): the run is ending, nothing is started any more. */
  private isClosed = false;

  constructor(options: { program: string; dir: string; port: number }) {
    this.program = options.program;
    this.dir = options.dir;
    this.port = options.port;
    mkdirSync(this.dir, { recursive: true });
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start() {
    if (this.isClosed) throw new Error('Redis is not started again: the run is ending');
    const log = openSync(path.join(this.dir, 'redis.log'), 'a');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--daemonize', 'no'];
    this.child = spawn(this.program, args, { cwd: this.dir, stdio: ['ignore', log, log] });
    closeSync(log);
    await waitForTcp(this.port, 10_000, { send: 'PING\r\n', expect: '+PONG' });
  }

  async kill() {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    if (this.child === child) this.child = undefined;
  }

  /** At the end: killed, and never started again. */
  async close() {
    this.isClosed = true;
    await this.kill();
  }
}

/**
 * A private PostgreSQL cluster in `dir` (initdb, pg_ctl). initdb and the server refuse to run as
 * root, so under uid 0 they run as the `postgres` user (runuser), which then owns `dir`.
 */
export class PrivatePostgres {
  readonly port: number;
  readonly database = 'parta';
  private readonly dir: string;
  private readonly dataDir: string;
  private readonly programs: { initdb: string; pg_ctl: string; runuser: string | undefined };
  private readonly owner: { uid: number; gid: number } | undefined;
  /** The start or restart under way, which stop() lets finish first. */
  private pending: Promise<unknown> = Promise.resolve();
  private isClosed = false;

  constructor(options: { dir: string; port: number; initdb: string; pg_ctl: string }) {
    this.dir = options.dir;
    this.dataDir = path.join(options.dir, 'data');
    this.port = options.port;
    const isRoot = process.getuid?.() === 0;
    this.programs = { initdb: options.initdb, pg_ctl: options.pg_ctl, runuser: isRoot ? findProgram('runuser') : undefined };
    if (isRoot) {
      const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith('postgres:'));
      if (!entry) throw new Error('running as root, and there is no `postgres` user to run initdb and PostgreSQL as');
      const [, , uid, gid] = entry.split(':');
      this.owner = { uid: Number(uid), gid: Number(gid) };
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (this.owner) chownSync(this.dir, this.owner.uid, this.owner.gid);
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/${this.database}`;
  }

  /** As the owner of the cluster: itself, or `postgres` through runuser when this is root. */
  private as(program: string, args: string[], timeoutMs?: number) {
    const [file, argv] = this.programs.runuser ? [this.programs.runuser, ['-u', 'postgres', '--', program, ...args]] : [program, args];
    return run(file, argv, { cwd: this.dir, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  private get serverOptions() {
    // fsync off: the WAL still reaches the kernel at every commit, so what is committed survives
    // any process crash and restart (only a power cut could lose it); this spares a shared disk.
    return `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  }

  async init() {
    await this.as(this.programs.initdb, ['-D', this.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], 120_000);
    await this.start();
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${this.port}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${this.database}`);
    } finally {
      await admin.end();
    }
  }

  // The server's output goes to its log file (-l): were it left on pg_ctl's pipes, the server
  // would hold them open and pg_ctl would seem never to finish.
  private get logFile() {
    return path.join(this.dir, 'postgres.log');
  }

  /** Runs a pg_ctl command that (re)starts the server, unless the run is ending. */
  private control(args: string[]) {
    if (this.isClosed) return Promise.reject(new Error('PostgreSQL is not started again: the run is ending'));
    this.pending = this.as(this.programs.pg_ctl, args, 40_000);
    return this.pending;
  }

  async start() {
    await this.control(['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '30', '-o', this.serverOptions]);
  }

  /** `pg_ctl restart -m fast`: every connection is cut, the server comes back on the same port. */
  async restart() {
    await this.control(['restart', '-D', this.dataDir, '-l', this.logFile, '-m', 'fast', '-w', '-t', '30', '-o', this.serverOptions]);
  }

  /** Stops at once (no checkpoint: the data is thrown away anyway), and never starts again. */
  async stop() {
    this.isClosed = true;
    await this.pending.catch(() => undefined); // a restart half-way would start it again after us
    if (!existsSync(path.join(this.dataDir, 'postmaster.pid'))) return;
    try {
      await this.as(this.programs.pg_ctl, ['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '20'], 30_000);
    } catch (error) {
      // Last resort: the postmaster's pid is the first line of postmaster.pid.
      const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGKILL');
      throw error;
    }
  }
}
