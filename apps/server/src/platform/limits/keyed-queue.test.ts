import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from './keyed-queue.ts';

const overloaded = () => new Error('overloaded');
const later = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('keyed queue', () => {
  it('runs the work of one key one at a time, in arrival order, and other keys alongside', async () => {
    const queue = createKeyedQueue({ maxPending: 10, overloaded });
    const log: string[] = [];
    const gate = later();
    const first = queue.run('chat-a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
    });
    const second = queue.run('chat-a', async () => log.push('a2'));
    const other = queue.run('chat-b', async () => log.push('b1'));
    await other;
    expect(log).toEqual(['a1 start', 'b1']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    expect(queue.pending()).toBe(0);
  });

  it('goes on after a failure, and refuses at once past its bound', async () => {
    const queue = createKeyedQueue({ maxPending: 2, overloaded });
    const gate = later();
    const failing = queue.run('k', async () => {
      await gate.promise;
      throw new Error('boom');
    });
    const next = queue.run('k', async () => 'ran');
    await expect(queue.run('other', async () => 'never')).rejects.toThrow('overloaded');
    gate.resolve();
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ran');
    expect(await queue.run('other', async () => 'room again')).toBe('room again');
  });
});
