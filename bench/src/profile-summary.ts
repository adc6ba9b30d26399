import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './server.ts';

/**
 * `node bench/src/profile-summary.ts <file.cpuprofile> [top] [--from=<s>] [--to=<s>]`: where a V8
 * CPU profile (from `--cpu-prof`, e.g. BENCH_CPU_PROF=<dir> with chat-fanout) spent its time: the
 * functions with the most self time, and self time summed per package or per file of Parta's own
 * code. `--from`/`--to` keep only the samples taken that many seconds after the profile started
 * (e.g. to leave out the server's start and an idle wait); `(idle)` is time the process waited.
 */
type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };

const options = new Map(process.argv.slice(2).filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).split('=') as [string, string]));
const [file, topArgument] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
if (!file) {
  console.error('usage: node bench/src/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArgument ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const selfMicros = new Map<number, number>();
const fromMicros = Number(options.get('from') ?? 0) * 1e6;
const toMicros = Number(options.get('to') ?? Infinity) * 1e6;
let elapsed = 0;
profile.samples.forEach((nodeId, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  if (elapsed >= fromMicros && elapsed <= toMicros) selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + delta);
});
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);

/** node_modules/<package> (scoped too), Parta's own files relative to the repository, or V8's labels. */
function ownerOf(url: string): string {
  if (!url) return '(native / V8)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1]!;
  if (url.startsWith('node:')) return 'node: (core)';
  const local = url.replace(/^file:\/\//, '');
  return local.startsWith(root) ? path.relative(root, local) : local;
}

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  if (micros === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const owner = ownerOf(url);
  const key = `${functionName || '(anonymous)'}  ${owner}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
}

const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(6)} %  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('self time by function', byFunction);
print('self time by package / file', byOwner);
