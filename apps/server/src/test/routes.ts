import type { FastifyInstance } from 'fastify';

export type RouteEntry = { method: string; url: string };

const branch = /^((?:│ {3}| {4})*)(?:├── |└── )(.*)$/u;
const withMethods = /^(.*?) \(([A-Z, ]+)\)$/;

/**
 * Every route registered on a ready app, read from Fastify's route tree (`printRoutes`), because
 * buildApp registers its routes before a test could add an onRoute hook. HEAD routes Fastify adds
 * for each GET are left out. Each entry is checked with `hasRoute`, so a misread tree fails loudly.
 */
export function listRoutes(app: FastifyInstance): RouteEntry[] {
  const tree = app.printRoutes({ commonPrefix: false });
  const pathAtDepth: string[] = [];
  const routes: RouteEntry[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const match = branch.exec(line);
    if (!match) throw new Error(`unexpected line in printRoutes output: ${JSON.stringify(line)}`);
    const depth = match[1]!.length / 4;
    const node = withMethods.exec(match[2]!);
    const segment = node ? node[1]! : match[2]!;
    const url = (depth > 0 ? pathAtDepth[depth - 1]! : '') + segment;
    pathAtDepth[depth] = url;
    pathAtDepth.length = depth + 1;
    for (const method of node ? node[2]!.split(',').map((m) => m.trim()) : []) {
      if (method === 'HEAD') continue;
      routes.push({ method, url });
    }
  }
  for (const route of routes) {
    if (!app.hasRoute({ method: route.method as 'GET', url: route.url })) throw new Error(`listRoutes misread the tree: ${route.method} ${route.url}`);
  }
  return routes;
}
