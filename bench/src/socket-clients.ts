import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Histogram } from './histogram.ts';
import { raiseNofile } from './limits.ts';
import type { DeliveryStats, SocketTarget, WorkerReply, WorkerRequest, WorkerStats } from './socket-protocol.ts';

/**
 * The client side of a socket-heavy scenario: `processes` child processes (socket-worker.ts),
 * each holding part of the sockets. Each worker's open-file limit is raised as far as the
 * machine lets (`raiseNofile`); sockets are spread so that none goes over its limit.
 */
const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'socket-worker.ts');
/** Descriptors a worker keeps for itself (stdio, IPC, epoll, Node's own). */
const reservedDescriptors = 64;

/** A request without its id (ask() numbers it). */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

type Worker = { child: ChildProcess; capacity: number; sockets: number; pending: Map<number, (reply: WorkerReply) => void> };

export type ConnectResult = { opened: number; failed: number; failures: Record<string, number>; ms: number; connectMs: ReturnType<Histogram['summary']> };

export type MergedStats = Omit<WorkerStats, 'deliveries' | 'memoryRssMiB'> & {
  deliveries: Map<string, { latency: Histogram; firstArrival: number; lastArrival: number }>;
  workerRssMiB: number[];
};

/** 127.0.0.2, 127.0.0.3, …: source address of the `index`th socket, `perAddress` sockets each (one address has ~28 000 ephemeral ports towards one server port). */
export function loopbackSource(index: number, perAddress: number): string {
  const n = 2 + Math.floor(index / perAddress);
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export class SocketClients {
  private readonly workers: Worker[];
  private nextId = 1;
  /** What raising each worker's open-file limit gave. */
  readonly limits: ReturnType<typeof raiseNofile>[];

  private constructor(workers: Worker[], limits: ReturnType<typeof raiseNofile>[]) {
    this.workers = workers;
    this.limits = limits;
  }

  /** Starts `processes` workers, asking for `wantedNofile` descriptors each. */
  static async start(processes: number, wantedNofile: number): Promise<SocketClients> {
    const workers: Worker[] = [];
    const limits: ReturnType<typeof raiseNofile>[] = [];
    for (let index = 0; index < processes; index++) {
      const child = fork(workerFile, [], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      const limit = raiseNofile(child.pid!, wantedNofile);
      limits.push(limit);
      const worker: Worker = { child, capacity: Math.max(0, limit.after.soft - reservedDescriptors), sockets: 0, pending: new Map() };
      child.on('message', (reply: WorkerReply) => {
        const resolve = worker.pending.get(reply.id);
        worker.pending.delete(reply.id);
        resolve?.(reply);
      });
      child.on('exit', () => {
        for (const resolve of worker.pending.values()) resolve({ type: 'closed', id: -1 });
        worker.pending.clear();
      });
      workers.push(worker);
    }
    return new SocketClients(workers, limits);
  }

  /** How many more sockets the workers can hold. */
  get room(): number {
    return this.workers.reduce((sum, worker) => sum + Math.max(0, worker.capacity - worker.sockets), 0);
  }

  private ask(worker: Worker, request: Request): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      if (worker.child.exitCode !== null || !worker.child.connected) {
        resolve({ type: 'closed', id });
        return;
      }
      worker.pending.set(id, resolve);
      worker.child.send({ ...request, id } as WorkerRequest);
    });
  }

  /**
   * Opens `targets` (each to `ready`), spread over the workers with room, `concurrency` at a time
   * in each; resolves when every one opened or failed.
   */
  async connect(url: string, origin: string, targets: SocketTarget[], options: { concurrency: number; timeoutMs: number }): Promise<ConnectResult> {
    const started = performance.now();
    const shares = this.workers.map(() => [] as SocketTarget[]);
    const refused: SocketTarget[] = [];
    for (const target of targets) {
      let best = -1;
      this.workers.forEach((worker, index) => {
        const load = worker.sockets + shares[index]!.length;
        if (load < worker.capacity && (best < 0 || load < this.workers[best]!.sockets + shares[best]!.length)) best = index;
      });
      if (best < 0) refused.push(target);
      else shares[best]!.push(target);
    }
    const wsUrl = `${url.replace(/^http/, 'ws')}/api/ws`;
    const replies = await Promise.all(
      this.workers.map(async (worker, index) => {
        const share = shares[index]!;
        if (share.length === 0) return undefined;
        const reply = await this.ask(worker, { type: 'connect', url: wsUrl, origin, targets: share, concurrency: options.concurrency, timeoutMs: options.timeoutMs });
        if (reply.type !== 'connected') return { opened: 0, failed: share.length, failures: { 'client worker exited': share.length }, connectMs: new Histogram().data() };
        worker.sockets += reply.opened;
        return reply;
      }),
    );
    const failures: Record<string, number> = refused.length > 0 ? { 'no room in the client processes': refused.length } : {};
    for (const reply of replies) for (const [reason, count] of Object.entries(reply?.failures ?? {})) failures[reason] = (failures[reason] ?? 0) + count;
    const present = replies.filter((reply) => reply !== undefined);
    return {
      opened: present.reduce((sum, reply) => sum + reply.opened, 0),
      failed: present.reduce((sum, reply) => sum + reply.failed, 0) + refused.length,
      failures,
      ms: Math.round(performance.now() - started),
      connectMs: Histogram.from(...present.map((reply) => reply.connectMs)).summary(),
    };
  }

  /** Every worker's counts, added up; deliveries merged per `${group}|${tag}`. */
  async stats(): Promise<MergedStats> {
    const replies = await Promise.all(this.workers.map((worker) => this.ask(worker, { type: 'stats' })));
    const merged: MergedStats = { open: 0, ready: 0, problems: { gaps: 0, resyncs: 0, errors: 0, unexpectedCloses: 0 }, closeCodes: {}, deliveries: new Map(), workerRssMiB: [] };
    const parts = new Map<string, DeliveryStats[]>();
    for (const reply of replies) {
      if (reply.type !== 'stats') continue;
      const { stats } = reply;
      merged.open += stats.open;
      merged.ready += stats.ready;
      for (const key of Object.keys(merged.problems) as (keyof MergedStats['problems'])[]) merged.problems[key] += stats.problems[key];
      for (const [code, count] of Object.entries(stats.closeCodes)) merged.closeCodes[code] = (merged.closeCodes[code] ?? 0) + count;
      for (const [key, part] of Object.entries(stats.deliveries)) parts.set(key, [...(parts.get(key) ?? []), part]);
      merged.workerRssMiB.push(stats.memoryRssMiB);
    }
    for (const [key, list] of parts) {
      merged.deliveries.set(key, {
        latency: Histogram.from(...list.map((part) => part.latency)),
        firstArrival: Math.min(...list.map((part) => part.firstArrival)),
        lastArrival: Math.max(...list.map((part) => part.lastArrival)),
      });
    }
    return merged;
  }

  /** Closes every socket and ends the workers (killed if they do not exit within 5 s). */
  async close() {
    await Promise.all(
      this.workers.map(async (worker) => {
        if (worker.child.exitCode !== null) return;
        const exited = new Promise((resolve) => worker.child.once('exit', resolve));
        await Promise.race([this.ask(worker, { type: 'close' }), new Promise((resolve) => setTimeout(resolve, 5_000))]);
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      }),
    );
  }
}
