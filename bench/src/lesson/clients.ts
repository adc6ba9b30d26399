import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Person, PublisherSettings, Snapshot, WorkerReply, WorkerRequest } from './protocol.ts';

/**
 * The client side of the lesson benchmark: one process for the teacher (so that the students'
 * work cannot delay the teacher's frames) and `studentProcesses` for the students, each a
 * lesson/worker.ts child. Students are spread round-robin.
 */
const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;
type Worker = { child: ChildProcess; pending: Map<number, (reply: WorkerReply) => void> };

export class LessonClients {
  private nextId = 1;
  private placed = 0;
  private readonly teacher: Worker;
  private readonly students: Worker[];

  private constructor(teacher: Worker, students: Worker[]) {
    this.teacher = teacher;
    this.students = students;
  }

  static async start(studentProcesses: number): Promise<LessonClients> {
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
    const teacher = await spawnWorker();
    const students: Worker[] = [];
    for (let index = 0; index < studentProcesses; index++) students.push(await spawnWorker());
    return new LessonClients(teacher, students);
  }

  /** Pids by role: `teacher`, `students1`, `students2`, … */
  get pids(): Record<string, number> {
    return Object.fromEntries([['teacher', this.teacher.child.pid!], ...this.students.map((worker, index) => [`students${index + 1}`, worker.child.pid!] as const)]);
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
    const reply = await this.ask(this.teacher, { type: 'teacher', baseUrl, chatId, person, publisher, timeoutMs });
    if (reply.type !== 'teacher') throw new Error(`the teacher could not start the call: ${reply.type === 'error' ? reply.message : reply.type}`);
    return reply;
  }

  /** Students join the call and subscribe to `feedId`, `concurrency` at a time in each process. */
  async join(baseUrl: string, callId: string, feedId: number, people: Person[], options: { concurrency: number; timeoutMs: number }) {
    const shares = this.students.map(() => [] as Person[]);
    for (const person of people) shares[this.placed++ % this.students.length]!.push(person);
    const replies = await Promise.all(
      this.students.map((worker, index) =>
        shares[index]!.length === 0 ? undefined : this.ask(worker, { type: 'join', baseUrl, callId, feedId, people: shares[index]!, concurrency: options.concurrency, timeoutMs: options.timeoutMs }),
      ),
    );
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

  /** Every process's counts at (nearly) the same moment: [teacher, ...students]. */
  async snapshots(): Promise<Snapshot[]> {
    const replies = await Promise.all([this.teacher, ...this.students].map((worker) => this.ask(worker, { type: 'snapshot' })));
    return replies.map((reply) => {
      if (reply.type !== 'snapshot') throw new Error(`a client process did not answer: ${reply.type === 'error' ? reply.message : reply.type}`);
      return reply.snapshot;
    });
  }

  /** Closes every peer and socket and ends the processes (killed if they do not exit within 5 s). */
  async close() {
    await Promise.all(
      [this.teacher, ...this.students].map(async (worker) => {
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
    for (const worker of [this.teacher, ...this.students]) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }
}
