import { realtimePath, ZApiError } from '@parta/contracts';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from './harness.ts';
import { listRoutes, type RouteEntry } from './routes.ts';

/**
 * Checks generated from the route table, so a new route is covered without editing this file:
 * it must appear in /api/openapi.json with a request schema, reject unknown query parameters,
 * and survive fuzzed bodies with a 4xx in the API error shape and no write.
 *
 * The body fuzzing is heavy (1 000 cases per route in CI), so it is split into `shards` test
 * files (`platform/http/routes-*.test.ts`) that vitest runs in parallel; shard 0 also runs the
 * document checks.
 */
export async function defineRouteChecks({ shard, shards }: { shard: number; shards: number }) {
  const numRuns = process.env.CI ? 1_000 : 200;

  /** Routes deliberately absent from the OpenAPI document, with the reason. Only outside /api. */
  const hiddenOnPurpose: Record<string, string> = {
    'GET /metrics': 'Prometheus scrape endpoint for operators, not part of the API (schema.hide)',
  };

  /**
   * Routes that should be documented but are not, each a known bug with its own failing test below.
   * Remove the entry when the bug is fixed (the `it.fails` test then fails and must be unmarked too).
   */
  const knownUndocumented = new Set<string>([]);

  type OpenApiOperation = {
    parameters?: { in: string; name: string }[];
    requestBody?: { content?: Record<string, { schema?: unknown }> };
  };
  type OpenApiDocument = {
    paths: Record<string, Record<string, OpenApiOperation>>;
    components?: { schemas?: Record<string, unknown> };
  };

  let t: TestApp;
  let doc: OpenApiDocument;
  let routes: RouteEntry[];
  let user: SignedIn;

  beforeAll(async () => {
    t = await startTestApp();
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = response.json();
    routes = listRoutes(t.app);
    user = await signIn(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const key = (route: RouteEntry) => `${route.method} ${route.url}`;
  /** Fastify `/a/:id` ↔ OpenAPI `/a/{id}`. */
  const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const toFastifyPath = (path: string) => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
  const operationOf = (route: RouteEntry): OpenApiOperation | undefined => doc.paths[toOpenApiPath(route.url)]?.[route.method.toLowerCase()];
  const isPublicApi = (route: RouteEntry) => route.url.startsWith('/api/') || route.url === '/healthz' || route.url === '/readyz';
  /** A concrete URL for a route pattern: every path parameter becomes a random UUID. */
  const concreteUrl = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, () => crypto.randomUUID());

  function expectApiError(response: LightMyRequestResponse, context: string) {
    const parsed = ZApiError.safeParse(JSON.parse(response.body || 'null'));
    expect(parsed.success, `${context}: ${response.statusCode} without the { error: { code, message } } shape: ${response.body.slice(0, 300)}`).toBe(true);
  }

  if (shard === 0) describe('route table and OpenAPI document', () => {
    it('reads the route table (sanity check of the parser)', () => {
      expect(routes).toContainEqual({ method: 'PATCH', url: '/api/me' });
      expect(routes).toContainEqual({ method: 'POST', url: '/api/auth/sign-out-everywhere' });
      expect(routes).toContainEqual({ method: 'GET', url: realtimePath });
      expect(new Set(routes.map(key)).size).toBe(routes.length);
    });

    it('documents every route under /api, plus /healthz and /readyz', () => {
      const missing = routes.filter((route) => isPublicApi(route) && !knownUndocumented.has(key(route)) && !operationOf(route)).map(key);
      expect(missing).toEqual([]);
      // The exception lists name real routes, and only /api may not be hidden on purpose.
      for (const entry of [...knownUndocumented, ...Object.keys(hiddenOnPurpose)]) expect(routes.map(key)).toContain(entry);
      for (const entry of Object.keys(hiddenOnPurpose)) expect(entry.split(' ')[1]!.startsWith('/api/')).toBe(false);
      // …and stay accurate: a listed route that is documented after all must leave the list.
      for (const entry of [...knownUndocumented, ...Object.keys(hiddenOnPurpose)]) {
        const [method, url] = entry.split(' ');
        expect(operationOf({ method: method!, url: url! }), `${entry} is documented now: remove it from the exception list`).toBeUndefined();
      }
    });

    it('documents the WebSocket route GET /api/ws (which @fastify/websocket hides by default)', () => {
      expect(operationOf({ method: 'GET', url: realtimePath })).toBeDefined();
    });

    it('documents only routes that exist', () => {
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const method of Object.keys(operations)) {
          expect(t.app.hasRoute({ method: method.toUpperCase() as 'GET', url: toFastifyPath(path) }), `${method} ${path}`).toBe(true);
        }
      }
    });

    it('gives every POST, PUT and PATCH route a request body schema (JSON, or binary for uploads)', () => {
      const writes = routes.filter((route) => ['POST', 'PUT', 'PATCH'].includes(route.method));
      expect(writes.length).toBeGreaterThan(0);
      for (const route of writes) {
        const content = operationOf(route)?.requestBody?.content;
        const schema = content?.['application/json']?.schema ?? content?.['application/octet-stream']?.schema;
        expect(schema, `${key(route)} has no requestBody schema`).toBeTruthy();
      }
    });

    it('declares the query string of every GET route: unknown parameters are refused with 400', async () => {
      // Documented GETs and the known-undocumented ones; static files of the web app (when built) are not API routes.
      const gets = routes.filter((route) => route.method === 'GET' && (operationOf(route) || knownUndocumented.has(key(route))));
      expect(gets.length).toBeGreaterThan(0);
      for (const route of gets) {
        const declared = (operationOf(route)?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        expect(declared).not.toContain('surely_not_a_parameter');
        const response = await t.app.inject({
          method: 'GET',
          url: `${concreteUrl(route.url)}?surely_not_a_parameter=1`,
          // Signed in and same-origin, so that neither authentication nor the WebSocket origin check answers first.
          headers: { cookie: user.cookie, host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' },
        });
        expect(response.statusCode, `${key(route)} accepted an undeclared query parameter`).toBe(400);
        expectApiError(response, key(route));
        expect(Object.keys(response.json().error.fields ?? {}).some((field) => field.startsWith('query'))).toBe(true);
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Fuzzing request bodies

  /** The documented request schema with $refs inlined and JSON-Schema bookkeeping keys removed. */
  function inlineSchema(schema: unknown, seen: ReadonlySet<string> = new Set()): unknown {
    if (Array.isArray(schema)) return schema.map((item) => inlineSchema(item, seen));
    if (!schema || typeof schema !== 'object') return schema;
    const object = schema as Record<string, unknown>;
    if (typeof object.$ref === 'string') {
      const name = object.$ref.replace('#/components/schemas/', '');
      const target = doc.components?.schemas?.[name];
      if (!target || seen.has(name)) throw new Error(`cannot inline ${object.$ref}`);
      return inlineSchema(target, new Set([...seen, name]));
    }
    return Object.fromEntries(Object.entries(object).filter(([k]) => k !== '$id' && k !== '$schema').map(([k, v]) => [k, inlineSchema(v, seen)]));
  }

  function propertyNames(schema: unknown): string[] {
    if (!schema || typeof schema !== 'object') return [];
    const object = schema as Record<string, unknown>;
    const own = object.properties && typeof object.properties === 'object' ? Object.keys(object.properties) : [];
    const branches = ['anyOf', 'oneOf', 'allOf'].flatMap((k) => (Array.isArray(object[k]) ? (object[k] as unknown[]).flatMap(propertyNames) : []));
    return [...new Set([...own, ...branches])];
  }

  type BodyRoute = { route: RouteEntry; accepts(value: unknown): boolean; fields: string[] };

  function bodyRoutes(): BodyRoute[] {
    return routes.flatMap((route) => {
      const schema = operationOf(route)?.requestBody?.content?.['application/json']?.schema;
      if (!schema) return [];
      const inlined = inlineSchema(schema);
      const validator = z.fromJSONSchema(inlined as Parameters<typeof z.fromJSONSchema>[0]);
      return [{ route, accepts: (value: unknown) => validator.safeParse(value).success, fields: propertyNames(inlined) }];
    });
  }

  const oddStrings = fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\uFEFFанна',
    'e\u0301\u0301\u0301',
    '\u202Eevil.exe',
    '\u200B\u200C\u200D',
    '👩‍👩‍👧‍👦',
    '\uD800',
    '\uDFFFx',
    'Ｆｕｌｌｗｉｄｔｈ',
    '𝕏'.repeat(60),
    ' '.repeat(300),
    '<script>alert(1)</script>',
    "'; DROP TABLE users; --",
    '${jndi:ldap://x}',
    '%00%0d%0a',
    '\r\n\r\n',
    '__proto__',
    'ru',
    'en',
    '123456',
    'fuzz@school.test',
    '+79165551234',
  );

  /** 100 000 characters, including units that JSON escapes to six bytes and a lone surrogate. */
  const hugeString = fc.constantFrom('a', 'я', '😀', ' ', '\u0000', '\uD800', 'ab ').map((unit) => unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000));

  const typeConfusion = fc.constantFrom<unknown>({ $ne: null }, { $gt: '' }, { $where: '1' }, [], [null], {}, 0, -1, 1e308, true, null);

  const leaf = fc.oneof(
    fc.anything(),
    oddStrings,
    hugeString,
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme' }),
    typeConfusion,
    fc.array(fc.anything(), { maxLength: 5 }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
  );

  const rawFixtures = (fields: string[]) =>
    fc.constantFrom(
      '{"__proto__":{"isOperator":true}}',
      '{"constructor":{"prototype":{"isOperator":true}}}',
      '[]',
      '""',
      '0',
      'true',
      '1e999',
      '"\\ud800"',
      ...fields.flatMap((field) => [`{"${field}":{"$ne":null}}`, `{"${field}":"a","${field}":{"$gt":""}}`, `{"${field}":"\\u0000"}`]),
    );

  /** Raw JSON bodies: arbitrary values, objects keyed by the route's own field names, nested and odd input. */
  function fuzzedBody(fields: string[]): fc.Arbitrary<string> {
    const keyed = fc.dictionary(fc.constantFrom(...fields, '__proto__', 'constructor', '$where', 'isOperator', 'id', 'userId'), leaf, { maxKeys: 4 });
    const value = fc.oneof(
      fc.anything(),
      fc.object(),
      keyed,
      leaf,
      fc.array(keyed, { maxLength: 3 }),
      fc.anything({ maxDepth: 8, maxKeys: 3 }),
    );
    return fc.oneof({ weight: 9, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') }, { weight: 1, arbitrary: rawFixtures(fields) });
  }

  let tableNames: string[] | undefined;
  /** A digest of every row of every table in the test schema: any write changes it. */
  async function snapshot(): Promise<Record<string, string>> {
    tableNames ??= (
      await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`.execute(
        t.database.db,
      )
    ).rows.map((row) => row.name);
    expect(tableNames).toEqual(expect.arrayContaining(['users', 'sessions', 'sign_in_codes', 'events', 'user_event_entries']));
    const query = tableNames
      .map((name) => `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS digest FROM "${name}" x`)
      .join(' UNION ALL ');
    const { rows } = await sql.raw<{ name: string; digest: string }>(query).execute(t.database.db);
    return Object.fromEntries(rows.map((row) => [row.name, row.digest]));
  }

  /**
   * The next transaction id, as a cheap "did anything write?" test: asking takes one id, and any
   * transaction that writes (or locks rows) takes another. If nothing else took one between two
   * asks, nothing wrote; otherwise (a write, a rolled-back lock, another test on the same
   * PostgreSQL cluster) the full digest decides.
   */
  const nextXid = async () => BigInt((await sql<{ x: string }>`SELECT pg_current_xact_id()::text AS x`.execute(t.database.db)).rows[0]!.x);

  const without = (digest: Record<string, string>, tables: string[]) => Object.fromEntries(Object.entries(digest).filter(([name]) => !tables.includes(name)));

  const send = (route: RouteEntry, payload: string, contentType: string) =>
    t.app.inject({ method: route.method as 'POST', url: concreteUrl(route.url), payload, headers: { ...asUser(user), 'content-type': contentType } });

  /** After an accepted write (sign-out included) the fuzzing continues as a signed-in user. */
  async function ensureSignedIn() {
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: asUser(user) });
    if (me.statusCode === 401) user = await signIn(t);
    else expect(me.statusCode).toBe(200);
  }

  /** The routes with a documented body, known at collection time so each gets its own tests (from a throwaway app). */
  const bodyRouteKeys: string[] = await (async () => {
    const probe = await startTestApp();
    try {
      const probeDoc = (await probe.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApiDocument>();
      return listRoutes(probe.app)
        // JSON bodies only; the binary upload route has its own tests (modules/uploads).
        .filter((route) => probeDoc.paths[toOpenApiPath(route.url)]?.[route.method.toLowerCase()]?.requestBody?.content?.['application/json'])
        .map(key)
        .filter((_, index) => index % shards === shard);
    } finally {
      await probe.close();
    }
  })();

  describe('request bodies', () => {
    it('finds the routes with a body (generated list is not empty)', () => {
      expect(bodyRouteKeys.length).toBeGreaterThan(0);
      if (shard === 0) expect(bodyRoutes().map((b) => key(b.route))).toEqual(expect.arrayContaining(['PATCH /api/me', 'POST /api/auth/code']));
    });

    for (const routeKey of bodyRouteKeys) {
      it(
        `${routeKey}: fuzzed bodies never cause a 5xx; a 4xx has the error shape and writes nothing; a 2xx only for a documented-valid body`,
        async () => {
          const target = bodyRoutes().find((b) => key(b.route) === routeKey);
          expect(target, `${routeKey} no longer has a body`).toBeDefined();
          const { route, accepts, fields } = target!;
          let rejected = 0;
          // The digest of the database as it is; refreshed only when something may have written.
          let known = await snapshot();
          await fc.assert(
            fc.asyncProperty(fuzzedBody(fields), async (payload) => {
              const xid = await nextXid();
              const response = await send(route, payload, 'application/json');
              const mayHaveWritten = (await nextXid()) !== xid + 1n;
              const context = `${routeKey} with ${payload.slice(0, 200)}`;
              expect(response.statusCode, `${context} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
              if (response.statusCode >= 400) {
                rejected += 1;
                expectApiError(response, context);
                if (mayHaveWritten) {
                  // By design a wrong sign-in code is counted against the code even though the request fails.
                  const mayTouch = ['code_invalid', 'code_expired'].includes(response.json().error.code) ? ['sign_in_codes'] : [];
                  const now = await snapshot();
                  expect(without(now, mayTouch), `${context} wrote despite ${response.statusCode}`).toEqual(without(known, mayTouch));
                  known = now;
                }
              } else {
                expect(accepts(JSON.parse(payload)), `${context} was accepted (${response.statusCode}) but the documented schema refuses it`).toBe(true);
                await ensureSignedIn();
                known = await snapshot();
              }
            }),
            { numRuns },
          );
          expect(rejected).toBeGreaterThan(numRuns / 2); // the fuzzing really exercised the rejection path
          expect(({} as Record<string, unknown>).isOperator).toBeUndefined(); // no prototype pollution
        },
        300_000,
      );

      it(`${routeKey}: malformed, mistyped, empty and oversized bodies get 400/413/415 and write nothing`, async () => {
        const route = routes.find((r) => key(r) === routeKey)!;
        const cases: { name: string; payload: string; contentType: string; status: number[] }[] = [
          { name: 'malformed JSON', payload: '{"displayName": "x",', contentType: 'application/json', status: [400] },
          { name: 'JSON with a trailing comma', payload: '{"a":1,}', contentType: 'application/json', status: [400] },
          { name: 'text/plain', payload: '{"displayName":"x","destination":"a@b.test"}', contentType: 'text/plain', status: [400, 415] },
          { name: 'form encoding', payload: 'displayName=x&destination=a%40b.test', contentType: 'application/x-www-form-urlencoded', status: [415] },
          { name: 'multipart', payload: '--b\r\ncontent-disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n', contentType: 'multipart/form-data; boundary=b', status: [415] },
          { name: 'empty JSON body', payload: '', contentType: 'application/json', status: [400] },
          { name: 'a body over 256 KB', payload: JSON.stringify({ displayName: 'x'.repeat(300 * 1024) }), contentType: 'application/json', status: [413] },
        ];
        for (const c of cases) {
          const before = await snapshot();
          const response = await send(route, c.payload, c.contentType);
          expect(c.status, `${routeKey} ${c.name} → ${response.statusCode} ${response.body.slice(0, 300)}`).toContain(response.statusCode);
          expectApiError(response, `${routeKey} ${c.name}`);
          expect(await snapshot(), `${routeKey} ${c.name} wrote`).toEqual(before);
        }
      });
    }
  });

  if (shard === 0) describe('text the database cannot store', () => {
    it('answers 400, never 500, to a NUL character (U+0000) in any string field', async () => {
      const failures: string[] = [];
      for (const { route, fields } of bodyRoutes()) {
        for (const field of fields) {
          const response = await send(route, JSON.stringify({ [field]: 'a\u0000b' }), 'application/json');
          if (response.statusCode >= 500) failures.push(`${key(route)} ${field} → ${response.statusCode}`);
        }
      }
      await ensureSignedIn();
      expect(failures).toEqual([]);
    });

    it('names the field and says why, in Russian, and changes nothing', async () => {
      const before = await snapshot();
      const response = await send({ method: 'PATCH', url: '/api/me' }, JSON.stringify({ displayName: 'Анна\u0000' }), 'application/json');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed', fields: { displayName: 'недопустимые управляющие символы' } } });
      expect(await snapshot()).toEqual(before);
    });
  });
}
