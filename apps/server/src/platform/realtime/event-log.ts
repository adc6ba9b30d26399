import { type TEventName, type TEventPayload } from '@parta/contracts';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB, Tx } from '../db/index.ts';
import type { EventBus } from './bus.ts';

export type StoredEvent = { seq: number; name: string; data: unknown; at: string };

export type ReadSinceResult =
  | { status: 'ok'; events: StoredEvent[]; latestSeq: number; hasMore: boolean }
  /** The client's position cannot be served from the log (pruned, or from another database). */
  | { status: 'resync'; latestSeq: number };

export type EventLog = ReturnType<typeof createEventLog>;

/**
 * The durable per-user event log. Services append events inside their transaction; the events are
 * published on the bus only after commit. Every recipient gets its own gap-free sequence number,
 * so a reconnecting client can ask for exactly what it missed.
 */
export function createEventLog(deps: { db: Kysely<DB>; bus: EventBus; clock: Clock }) {
  const { db, bus, clock } = deps;

  async function append<N extends TEventName>(tx: Tx, recipients: readonly string[], name: N, data: TEventPayload<N>): Promise<void> {
    const userIds = [...new Set(recipients)].sort(); // sorted: counters are always locked in one order, so no deadlocks
    if (userIds.length === 0) return;
    const at = clock.now();
    // One statement, one round trip: the event is stored once; each recipient's counter is
    // incremented (locked in user-id order, so two appends never deadlock) and a small entry
    // with that seq points to the event. (A copy of the payload per recipient was most of the
    // time a 400-member chat's send held its lock: docs/benchmarks.md, chat-fanout.)
    const { rows } = await sql<{ user_id: string; seq: string | number }>`
      WITH event AS (
        INSERT INTO events (name, payload, created_at) VALUES (${name}, ${JSON.stringify(data)}::jsonb, ${at}) RETURNING id
      ), counters AS (
        INSERT INTO user_event_counters (user_id, last_seq)
          SELECT u, 1 FROM unnest(${userIds}::uuid[]) AS u ORDER BY u
          ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_counters.last_seq + 1
          RETURNING user_id, last_seq)
      INSERT INTO user_event_entries (user_id, seq, event_id, created_at)
        SELECT counters.user_id, counters.last_seq, event.id, ${at} FROM counters, event
        RETURNING user_id, seq`.execute(tx.db);
    const numbered = rows.map((row): [string, number] => [row.user_id, Number(row.seq)]);
    tx.afterCommit(() => bus.publish([{ kind: 'user-events', name, data, at: at.toISOString(), recipients: numbered }]));
  }

  async function latestSeq(userId: string): Promise<number> {
    const row = await db.selectFrom('user_event_counters').select('last_seq').where('user_id', '=', userId).executeTakeFirst();
    return row ? Number(row.last_seq) : 0;
  }

  /** The latest seq of each of these people (those with no events are left out). */
  async function latestSeqs(userIds: readonly string[]): Promise<Map<string, number>> {
    const latest = new Map<string, number>();
    for (let i = 0; i < userIds.length; i += 5_000) {
      const rows = await db.selectFrom('user_event_counters').select(['user_id', 'last_seq']).where('user_id', 'in', userIds.slice(i, i + 5_000)).execute();
      for (const row of rows) latest.set(row.user_id, Number(row.last_seq));
    }
    return latest;
  }

  /** Events after `afterSeq`, oldest first, at most `limit`; or resync when the log no longer holds them. */
  async function readSince(userId: string, afterSeq: number, limit = 500): Promise<ReadSinceResult> {
    const latest = await latestSeq(userId);
    if (afterSeq > latest) return { status: 'resync', latestSeq: latest };
    if (afterSeq === latest) return { status: 'ok', events: [], latestSeq: latest, hasMore: false };
    const rows = await db
      .selectFrom('user_event_entries as entry')
      .innerJoin('events as event', 'event.id', 'entry.event_id')
      .select(['entry.seq', 'event.name', 'event.payload', 'entry.created_at'])
      .where('entry.user_id', '=', userId)
      .where('entry.seq', '>', afterSeq)
      .orderBy('entry.seq')
      .limit(limit)
      .execute();
    const first = rows[0];
    if (!first || Number(first.seq) !== afterSeq + 1) return { status: 'resync', latestSeq: latest };
    const events = rows.map((row) => ({
      seq: Number(row.seq),
      name: row.name,
      data: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
      at: new Date(row.created_at).toISOString(),
    }));
    const last = events[events.length - 1]!;
    return { status: 'ok', events, latestSeq: latest, hasMore: last.seq < latest };
  }

  /** Deletes events older than the cutoff; clients further behind than that get a resync. */
  async function prune(olderThan: Date): Promise<number> {
    // Entries first: an entry never outlives its event (both carry the event's time).
    const result = await db.deleteFrom('user_event_entries').where('created_at', '<', olderThan).executeTakeFirst();
    await db.deleteFrom('events').where('created_at', '<', olderThan).execute();
    return Number(result.numDeletedRows ?? 0);
  }

  return { append, latestSeq, latestSeqs, readSince, prune };
}
