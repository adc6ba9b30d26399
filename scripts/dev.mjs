// `npm run dev`: the server from TypeScript source with restart on change (Node 24 strips types),
// and Vite with hot reload on http://localhost:5173, proxying /api to the server on :3000.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = path.join(root, 'node_modules', '.bin', 'node');
const { nodeArgs } = JSON.parse(readFileSync(path.join(root, 'apps', 'server', 'package.json'), 'utf8')).parta;
const children = [
  spawn(node, [...nodeArgs, '--watch', '--conditions=@parta/source', 'apps/server/src/main.ts'], { cwd: root, stdio: 'inherit' }),
  spawn('npm', ['run', 'dev', '-w', 'apps/web'], { cwd: root, stdio: 'inherit' }),
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => { stop(); process.exitCode = code ?? 0; });
