import { createHash, randomBytes } from 'node:crypto';
import { csrfHeaderName, sessionCookieName } from '@parta/contracts';
import type { Database } from '../../apps/server/dist/platform/db/index.js';

/**
 * Data for load scenarios, written straight into the server's database (while the server is
 * stopped: embedded PGlite has one process at a time). Signing hundreds of people in through the
 * API is not possible in a benchmark's time: one-time codes are limited to 10 requests and 30
 * verifications a minute per client address (modules/auth/auth.routes.ts), so 400 people would
 * take 40 minutes. Rows are written the way the services write them; sessions exactly as
 * modules/auth stores them (only the SHA-256 of the token), so the server authenticates the
 * cookies as if the people had signed in.
 */

export type SeededPerson = {
  userId: string;
  role: 'administrator' | 'teacher' | 'student' | 'parent';
  /** Headers of a cookie-authenticated browser request (cookie, CSRF header). */
  headers: Record<string, string>;
  cookie: string;
};

export type SeededSchool = { organizationId: string; people: SeededPerson[] };

/** As modules/auth/auth.service.ts (hashSessionToken): the database holds only the token's SHA-256. */
const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** modules/auth sessionPolicy.idleLifetimeMs. */
const sessionLifetimeMs = 30 * 24 * 3_600_000;

/**
 * A school with `size` people, each with a live session: person 0 is the administrator, the next
 * `teachers` are verified teachers, the rest alternately students and parents.
 */
export async function seedSchool(database: Database, options: { size: number; teachers: number }): Promise<SeededSchool> {
  const now = new Date();
  const roleOf = (index: number): SeededPerson['role'] => (index === 0 ? 'administrator' : index <= options.teachers ? 'teacher' : index % 2 === 0 ? 'student' : 'parent');
  return database.db.transaction().execute(async (trx) => {
    const organization = await trx
      .insertInto('organizations')
      .values({ kind: 'school', name: 'Муниципальное общеобразовательное учреждение «Нагрузочная школа № 1»', short_name: 'Нагрузочная школа № 1', inn: '7700000001', address: 'г. Москва, ул. Тестовая, д. 1', parent_id: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const users = await trx
      .insertInto('users')
      .values(Array.from({ length: options.size }, (_, index) => ({ display_name: `Участник нагрузки ${index + 1}`, email: `load.${index + 1}@bench.parta.test`, phone: null, deactivated_at: null, guardian_email: null })))
      .returning('id')
      .execute();
    const userIds = users.map((user) => user.id);
    const administratorId = userIds[0]!;
    await trx
      .insertInto('memberships')
      .values(
        userIds.map((userId, index) => {
          const role = roleOf(index);
          const isVerified = role === 'teacher';
          return { organization_id: organization.id, user_id: userId, role, verified_at: isVerified ? now : null, verified_by: isVerified ? administratorId : null, ended_at: null };
        }),
      )
      .execute();
    const tokens = userIds.map(() => ({ session: randomBytes(32).toString('base64url'), csrf: randomBytes(24).toString('base64url') }));
    await trx
      .insertInto('sessions')
      .values(
        userIds.map((userId, index) => ({
          user_id: userId,
          token_hash: hashSessionToken(tokens[index]!.session),
          csrf_token: tokens[index]!.csrf,
          user_agent: 'parta-bench',
          created_at: now,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + sessionLifetimeMs),
          revoked_at: null,
        })),
      )
      .execute();
    const people = userIds.map((userId, index): SeededPerson => {
      const cookie = `${sessionCookieName}=${tokens[index]!.session}`;
      return { userId, role: roleOf(index), cookie, headers: { cookie, [csrfHeaderName]: tokens[index]!.csrf } };
    });
    return { organizationId: organization.id, people };
  });
}

/**
 * A group chat of `members` (the first is its admin) holding `messages` messages, numbered 1…N
 * and written by the members in turn over the past year, inserted in batches with one SQL
 * statement each (generate_series). Rows are shaped as modules/chats writes them; ids are
 * random, as the server's are. As in any bulk load, the table's secondary indexes (those that
 * back no constraint: the full-text search index) are dropped first and built again from their
 * own definitions at the end; the unique (chat_id, seq) index that history pages are read
 * through is maintained row by row, as in production. Ends with ANALYZE, which a real server's
 * autovacuum would have done by the time a chat is this long. Stops after the batch that passes
 * `deadline` (performance.now() time), so a slow database bounds the scenario instead of
 * stalling it. Raw SQL goes through the database's script transactions (the migrator's).
 */
export async function seedHistoryChat(
  database: Database,
  options: { organizationId: string; members: string[]; messages: number; deadline: number; batch?: number },
): Promise<{ chatId: string; messages: number }> {
  const now = new Date();
  const chat = await database.db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('chats')
      .values({ organization_id: options.organizationId, kind: 'group', title: 'Архив объявлений', created_by: options.members[0]!, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('chat_members')
      .values(options.members.map((userId, index) => ({ chat_id: created.id, user_id: userId, role: index === 0 ? ('admin' as const) : ('member' as const), joined_at: now, left_at: null })))
      .execute();
    return created.id;
  });
  const secondaryIndexes: { indexname: string; indexdef: string }[] = [];
  await database.withScriptTransaction(async (tx) => {
    secondaryIndexes.push(
      ...(await tx.query<{ indexname: string; indexdef: string }>(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = 'messages'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = 'messages'::regclass AND c.conname = i.indexname)`,
      )),
    );
    for (const index of secondaryIndexes) await tx.exec(`DROP INDEX ${index.indexname}`);
  });
  const batch = options.batch ?? 100_000;
  let inserted = 0;
  for (let from = 1; from <= options.messages && performance.now() < options.deadline; from += batch) {
    const to = Math.min(options.messages, from + batch - 1);
    await database.withScriptTransaction(async (tx) => {
      await tx.query(
        `INSERT INTO messages (chat_id, seq, author_id, client_id, body, created_at)
         SELECT $1, g, ($2::uuid[])[1 + g % $3], gen_random_uuid(),
                'Сообщение № ' || g || ': домашнее задание на завтра — параграф ' || (g % 40 + 1) || ', упражнения 3–5.',
                $4::timestamptz - make_interval(secs => ($5 - g) * 30)
         FROM generate_series($6::bigint, $7::bigint) AS g`,
        [chat, options.members, options.members.length, now.toISOString(), options.messages, from, to],
      );
      await tx.query('UPDATE chats SET last_seq = $2 WHERE id = $1', [chat, to]);
    });
    inserted = to;
  }
  await database.withScriptTransaction(async (tx) => {
    for (const index of secondaryIndexes) await tx.exec(index.indexdef);
    await tx.exec('ANALYZE messages');
  });
  return { chatId: chat, messages: inserted };
}

/**
 * Group chats, each of its own `members` (the first is its admin), written as modules/chats
 * writes a new chat and its members, without the `chat.created` events the API would append
 * (the scenarios using this measure messages, not the chat list). Returns the chats' ids in order.
 */
export async function seedGroupChats(database: Database, options: { organizationId: string; chats: { title: string; members: string[] }[] }): Promise<string[]> {
  const now = new Date();
  return database.db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('chats')
      .values(options.chats.map((chat) => ({ organization_id: options.organizationId, kind: 'group' as const, title: chat.title, created_by: chat.members[0]!, created_at: now })))
      .returning('id')
      .execute();
    const ids = created.map((row) => row.id);
    const members = options.chats.flatMap((chat, index) =>
      chat.members.map((userId, position) => ({ chat_id: ids[index]!, user_id: userId, role: position === 0 ? ('admin' as const) : ('member' as const), joined_at: now, left_at: null })),
    );
    // In parts: one statement carries at most 65 535 parameters.
    for (let from = 0; from < members.length; from += 5_000) await trx.insertInto('chat_members').values(members.slice(from, from + 5_000)).execute();
    return ids;
  });
}
