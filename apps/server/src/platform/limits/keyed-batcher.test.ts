import { describe, expect, it } from 'vitest';
import type { Settled } from '../db/index.ts';
import { createKeyedBatcher } from './keyed-batcher.ts';

const later = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** A batcher whose batches are logged and held until `gates` are opened, one per batch. */
function recording(maxPending = 100, maxBatch = 10) {
  const batches: string[][] = [];
  const gates: Array<ReturnType<typeof later>> = [];
  const batcher = createKeyedBatcher<string, string>({
    maxPending,
    maxBatch,
    overloaded: () => new Error('overloaded'),
    async execute(key, units) {
      batches.push(units.map((unit) => `${key}:${unit}`));
      const gate = later();
      gates.push(gate);
      await gate.promise;
      return units.map((unit): Settled<string> => (unit === 'bad' ? { ok: false, error: new Error(`refused ${unit}`) } : { ok: true, value: unit.toUpperCase() }));
    },
  });
  return { batcher, batches, gates };
}

describe('keyed batcher', () => {
  it('runs the first unit at once, and batches what arrives meanwhile, per key, in order', async () => {
    const { batcher, batches, gates } = recording();
    const first = batcher.submit('a', 'one');
    const second = batcher.submit('a', 'two');
    const third = batcher.submit('a', 'three');
    const other = batcher.submit('b', 'x');
    expect(batches).toEqual([['a:one'], ['b:x']]);
    gates[0]!.resolve();
    expect(await first).toBe('ONE');
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['a:one'], ['b:x'], ['a:two', 'a:three']]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all([second, third, other])).toEqual(['TWO', 'THREE', 'X']);
    expect(batcher.pending()).toBe(0);
  });

  it('fails only the unit that failed, and refuses at once past its bound', async () => {
    const { batcher, gates } = recording(3);
    const good = batcher.submit('a', 'good');
    const bad = batcher.submit('a', 'bad');
    const alsoGood = batcher.submit('a', 'fine');
    await expect(batcher.submit('c', 'too many')).rejects.toThrow('overloaded');
    gates[0]!.resolve();
    expect(await good).toBe('GOOD');
    await new Promise((resolve) => setImmediate(resolve));
    gates[1]!.resolve();
    await expect(bad).rejects.toThrow('refused bad');
    expect(await alsoGood).toBe('FINE');
    expect(batcher.pending()).toBe(0);
  });

  it('keeps batches at most maxBatch long', async () => {
    const { batcher, batches, gates } = recording(100, 2);
    const all = ['1', '2', '3', '4', '5'].map((unit) => batcher.submit('k', unit));
    for (let i = 0; i < 3; i += 1) {
      gates[i]!.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(all)).toEqual(['1', '2', '3', '4', '5']);
    expect(batches).toEqual([['k:1'], ['k:2', 'k:3'], ['k:4', 'k:5']]);
  });
});
