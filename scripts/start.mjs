// `npm start`: install if needed, build what changed, then run the server (which migrates the
// database at start). Plain JavaScript that also runs on an older system Node, because on a fresh
// clone the project's own Node 24 (node_modules/.bin/node) is not installed yet.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = path.join(root, 'node_modules', '.bin', 'node');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

// 1. Install when node_modules is missing or older than the lockfile.
const installedMarker = path.join(root, 'node_modules', '.package-lock.json');
if (!existsSync(node) || newestMtime(path.join(root, 'package-lock.json')) > newestMtime(installedMarker)) {
  console.log('Installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// 2. Build: TypeScript is incremental (fast when nothing changed); the web bundle only when its sources changed.
run(node, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/contracts', 'apps/server']);
const web = path.join(root, 'apps', 'web');
const webSources = Math.max(
  newestMtime(path.join(web, 'src')),
  newestMtime(path.join(web, 'index.html')),
  newestMtime(path.join(web, 'vite.config.ts')),
  newestMtime(path.join(root, 'packages', 'contracts', 'src')),
);
if (webSources > newestMtime(path.join(web, 'dist', 'index.html'))) {
  console.log('Building the web app…');
  run('npm', ['run', 'build', '-w', 'apps/web']);
}

// 3. Serve, with the server's Node flags (apps/server/package.json "parta.nodeArgs"; why: docs/benchmarks.md).
// The server applies migrations itself; signals are passed on for a graceful stop.
const { nodeArgs } = JSON.parse(readFileSync(path.join(root, 'apps', 'server', 'package.json'), 'utf8')).parta;
const server = spawn(node, [...nodeArgs, path.join(root, 'apps', 'server', 'dist', 'main.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
