import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';

/**
 * Loaded into a measured server with `--expose-gc --import bench/src/memory-probe.ts` (see
 * connections.ts); changes nothing until the process gets SIGUSR2. Then it runs a full garbage
 * collection and writes the process's memory to BENCH_MEMORY_PROBE_FILE as JSON: what is live
 * (V8 heap used, external memory, array buffers) as opposed to what V8 has not collected or
 * returned yet, which RSS also counts.
 */
const file = process.env.BENCH_MEMORY_PROBE_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]));
    writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage(), spaces }));
  });
}
