import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readLines } from '../scenario.ts';
import { startServer } from '../server.ts';

export type NodeExit = { node: number; at: number; code: number | null; signal: string | null; logTail: string[] };

/**
 * One server node (the built server, as `npm start` runs it) on a fixed loopback port. A kill
 * asked for by the test is expected; any other exit is reported to `onUnexpectedExit`, and the
 * test then starts the node again, as a process supervisor would.
 */
export class ServerNode {
  readonly number: number;
  readonly port: number;
  readonly baseUrl: string;
  readonly logFile: string;
  private readonly dataDir: string;
  private readonly env: Record<string, string>;
  private readonly onUnexpectedExit: (exit: NodeExit) => void;
  private child: ChildProcess | undefined;
  private isKilling = false;
  /** Set by stop(): the run is ending, nothing is started any more. */
  private isClosed = false;

  constructor(options: { number: number; port: number; dir: string; env: Record<string, string>; onUnexpectedExit: (exit: NodeExit) => void }) {
    this.number = options.number;
    this.port = options.port;
    this.baseUrl = `http://127.0.0.1:${options.port}`;
    this.dataDir = path.join(options.dir, `node-${options.number}`);
    mkdirSync(this.dataDir, { recursive: true });
    this.logFile = path.join(options.dir, `node-${options.number}.log`);
    this.env = { ...options.env, PUBLIC_URL: this.baseUrl };
    this.onUnexpectedExit = options.onUnexpectedExit;
  }

  get isRunning() {
    return this.child !== undefined;
  }

  /** Starts the node and resolves at its first 200 from /readyz; the time that took, in ms. */
  async start(): Promise<number> {
    if (this.isClosed) throw new Error(`node ${this.number} is not started again: the run is ending`);
    const { child, readyMs } = await startServer({ dataDir: this.dataDir, port: this.port, env: this.env, logFile: this.logFile });
    if (this.isClosed) {
      child.kill('SIGKILL');
      throw new Error(`node ${this.number} started while the run was ending; killed`);
    }
    this.child = child;
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.isKilling) return;
      this.onUnexpectedExit({ node: this.number, at: performance.now(), code, signal, logTail: readLines(this.logFile).slice(-15) });
    });
    return readyMs;
  }

  /** Starts again until it is ready (a node can fail to start while the database is away), or until `deadline`. */
  async startUntilReady(deadline: number): Promise<number> {
    for (;;) {
      try {
        return await this.start();
      } catch (error) {
        if (this.isClosed || performance.now() > deadline) throw error;
        await sleep(500);
      }
    }
  }

  /** SIGKILL: the process dies with its sockets and requests in flight, as in a crash. */
  async kill() {
    const child = this.child;
    if (!child) return;
    this.isKilling = true;
    try {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    } finally {
      this.isKilling = false;
    }
  }

  /** At the end: SIGTERM (graceful drain), SIGKILL after `graceMs`. */
  async stop(graceMs = 3_000) {
    this.isClosed = true;
    const child = this.child;
    if (!child) return;
    this.isKilling = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(graceMs)]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}
