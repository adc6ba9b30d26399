import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Person, PublisherSettings, Snapshot, Speaker, WorkerReply, WorkerRequest } from './protocol.ts';

/**
 * The client side of the lesson and broadcast benchmarks, each process a lesson/worker.ts child:
 * one for the publishing side — the teacher, or the broadcast's speakers — so that the receivers'
 * work cannot delay their frames, and `receiverProcesses` for the students or viewers, spread
 * round-robin.
 */
const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;
type Worker = { child: ChildProcess; pending: Map<number, (reply: WorkerReply) => void> };

export class LessonClients {
  private nextId = 1;
  private placed = 0;
  private readonly publisher: Worker;
  private readonly receivers: Worker[];
  private readonly names: { publisher: string; receivers: string };

  private constructor(publisher: Worker, receivers: Worker[], names: { publisher: string; receivers: string }) {
    this.publisher = publisher;
    this.receivers = receivers;
    this.names = names;
  }

  /** `names` label the processes in `pids` (the lesson's: teacher, students1, students2 …). */
  static async start(receiverProcesses: number, names = { publisher: 'teacher', receivers: 'students' }): Promise<LessonClients> {
    const spawnWorker = async (): Promise<Worker> => {
      const child = fork(workerFile, [], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      const worker: Worker = { child, pending: new Map() };
      child.on('message', (reply: WorkerReply) => {
        const resolve = worker.pending.get(reply.id);
        worker.pending.delete(reply.id);
        resolve?.(reply);
      });
      child.on('exit', () => {
        for (const resolve of worker.pending.values()) resolve({ type: 'error', id: -1, message: 'client process exited' });
        worker.pending.clear();
      });
      return worker;
    };
    const publisher = await spawnWorker();
    const receivers: Worker[] = [];
    for (let index = 0; index < receiverProcesses; index++) receivers.push(await spawnWorker());
    return new LessonClients(publisher, receivers, names);
  }

  /** Pids by role: `teacher`, `students1`, `students2`, … (or the names given to start). */
  get pids(): Record<string, number> {
    const { publisher, receivers } = this.names;
    return Object.fromEntries([[publisher, this.publisher.child.pid!], ...this.receivers.map((worker, index) => [`${receivers}${index + 1}`, worker.child.pid!] as const)]);
  }

  /** The name of the publishing process in `pids`. */
  get publisherName(): string {
    return this.names.publisher;
  }

  private ask(worker: Worker, request: Request): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      if (worker.child.exitCode !== null || !worker.child.connected) {
        resolve({ type: 'error', id, message: 'client process exited' });
        return;
      }
      worker.pending.set(id, resolve);
      worker.child.send({ ...request, id } as WorkerRequest);
    });
  }

  /** The teacher's device starts the call in `chatId` and publishes; resolves with the call and feed. */
  async startCall(baseUrl: string, chatId: string, person: Person, publisher: PublisherSettings, timeoutMs: number) {
    const reply = await this.ask(this.publisher, { type: 'teacher', baseUrl, chatId, person, publisher, timeoutMs });
    if (reply.type !== 'teacher') throw new Error(`the teacher could not start the call: ${reply.type === 'error' ? reply.message : reply.type}`);
    return reply;
  }

  /** Students join the call and subscribe to `feedId`, `concurrency` at a time in each process. */
  join(baseUrl: string, callId: string, feedId: number, people: Person[], options: { concurrency: number; timeoutMs: number }) {
    return this.spread(people, (share) => ({ type: 'join', baseUrl, callId, feedId, people: share, concurrency: options.concurrency, timeoutMs: options.timeoutMs }));
  }

  /** The broadcast's speakers go on air from the publishing process; resolves with ms per speaker. */
  async goOnAir(baseUrl: string, broadcastId: string, speakers: Speaker[], publisher: PublisherSettings, timeoutMs: number) {
    const reply = await this.ask(this.publisher, { type: 'speakers', baseUrl, broadcastId, speakers, publisher, timeoutMs });
    if (reply.type !== 'on-air') throw new Error(`the speakers could not go on air: ${reply.type === 'error' ? reply.message : reply.type}`);
    return reply.ms;
  }

  /**
   * Viewers (named) watch the broadcast by its link, `concurrency` at a time in each process; all
   * processes together open at most `opensPerSecond` sockets a second.
   */
  watch(baseUrl: string, token: string, viewers: string[], options: { concurrency: number; opensPerSecond: number; timeoutMs: number }) {
    const opensPerSecond = options.opensPerSecond / this.receivers.length;
    return this.spread(viewers, (share) => ({ type: 'watch', baseUrl, token, viewers: share, concurrency: options.concurrency, opensPerSecond, timeoutMs: options.timeoutMs }));
  }

  /** Spreads `items` round-robin over the receiving processes, asks each for its share, adds up the replies. */
  private async spread<T>(items: T[], requestFor: (share: T[]) => Request) {
    const shares = this.receivers.map(() => [] as T[]);
    for (const item of items) shares[this.placed++ % this.receivers.length]!.push(item);
    const replies = await Promise.all(this.receivers.map((worker, index) => (shares[index]!.length === 0 ? undefined : this.ask(worker, requestFor(shares[index]!)))));
    const failures: Record<string, number> = {};
    const joinToFirstFrameMs: number[] = [];
    let joined = 0;
    for (const [index, reply] of replies.entries()) {
      if (!reply) continue;
      if (reply.type !== 'joined') {
        const reason = reply.type === 'error' ? reply.message : reply.type;
        failures[reason] = (failures[reason] ?? 0) + shares[index]!.length;
        continue;
      }
      joined += reply.joined;
      joinToFirstFrameMs.push(...reply.joinToFirstFrameMs);
      for (const [reason, count] of Object.entries(reply.failures)) failures[reason] = (failures[reason] ?? 0) + count;
    }
    return { joined, failures, joinToFirstFrameMs };
  }

  /** Every process's counts at (nearly) the same moment: [publishing process, ...receiving ones]. */
  async snapshots(): Promise<Snapshot[]> {
    const replies = await Promise.all([this.publisher, ...this.receivers].map((worker) => this.ask(worker, { type: 'snapshot' })));
    return replies.map((reply) => {
      if (reply.type !== 'snapshot') throw new Error(`a client process did not answer: ${reply.type === 'error' ? reply.message : reply.type}`);
      return reply.snapshot;
    });
  }

  /** Closes every peer and socket and ends the processes (killed if they do not exit within 5 s). */
  async close() {
    await Promise.all(
      [this.publisher, ...this.receivers].map(async (worker) => {
        if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
        const exited = new Promise((resolve) => worker.child.once('exit', resolve));
        await Promise.race([this.ask(worker, { type: 'close' }), new Promise((resolve) => setTimeout(resolve, 5_000))]);
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      }),
    );
  }

  /** Last resort (hard deadline): SIGKILL to every client process. */
  kill() {
    for (const worker of [this.publisher, ...this.receivers]) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }
}
