import pg from 'pg';
import type { MessageIndex, Receiver } from './receivers.ts';
import type { SendRecord } from './senders.ts';

/**
 * The verdict, read from the database directly: every acknowledged send stored exactly once,
 * every member of each chat holding every message of it sent after they joined exactly once, and
 * each stream gap-free and complete up to the person's counter in the durable log.
 */
export async function checkAgainstDatabase(options: { databaseUrl: string; chatIds: string[]; receivers: Receiver[]; records: SendRecord[]; index: MessageIndex }) {
  const { chatIds, receivers, index } = options;
  // What was acknowledged before the database is read (the senders are halted by now anyway).
  const records = options.records.map((record) => ({ ...record }));
  const client = new pg.Client({ connectionString: options.databaseUrl });
  client.on('error', () => undefined); // the query fails by itself if PostgreSQL goes away
  await client.connect();
  try {
    const userIds = receivers.map((receiver) => receiver.person.userId);
    const stored = (
      await client.query<{ id: string; chat_id: string; seq: string; author_id: string | null; client_id: string | null }>(
        'SELECT id, chat_id, seq, author_id, client_id FROM messages WHERE chat_id = ANY($1::uuid[])',
        [chatIds],
      )
    ).rows;
    const members = (
      await client.query<{ chat_id: string; user_id: string; joined_seq: string }>('SELECT chat_id, user_id, joined_seq FROM chat_members WHERE chat_id = ANY($1::uuid[]) AND left_at IS NULL', [chatIds])
    ).rows;
    const counters = new Map(
      (await client.query<{ user_id: string; last_seq: string }>('SELECT user_id, last_seq FROM user_event_counters WHERE user_id = ANY($1::uuid[])', [userIds])).rows.map((row) => [row.user_id, Number(row.last_seq)]),
    );
    // The durable log itself: one message.created per message and member, never two.
    const logged = new Map(
      (
        await client.query<{ user_id: string; events: string; messages: string }>(
          `SELECT user_id, count(*) AS events, count(DISTINCT payload->'message'->>'id') AS messages
             FROM user_events WHERE name = 'message.created' AND user_id = ANY($1::uuid[]) GROUP BY user_id`,
          [userIds],
        )
      ).rows.map((row) => [row.user_id, { events: Number(row.events), messages: Number(row.messages) }]),
    );

    // Senders: acknowledged clientIds against messages.client_id.
    const storedByClientId = new Map<string, typeof stored>();
    for (const row of stored) {
      if (row.client_id === null) continue;
      const rows = storedByClientId.get(row.client_id) ?? [];
      rows.push(row);
      storedByClientId.set(row.client_id, rows);
    }
    const sends = { scheduled: records.length, acknowledged: 0, acknowledgedWith200: 0, lost: 0, duplicated: 0, idMismatch: 0, rejected: 0, neverAcknowledged: 0, unacknowledgedButStored: 0, stored: stored.length };
    const acknowledged = new Set<string>();
    const lostSends: SendRecord[] = [];
    for (const record of records) {
      if (record.rejected) sends.rejected += 1;
      if (record.ackedAt === undefined) {
        if (!record.rejected) sends.neverAcknowledged += 1;
        continue;
      }
      sends.acknowledged += 1;
      if (record.status === 200) sends.acknowledgedWith200 += 1;
      acknowledged.add(record.clientId);
      const rows = (storedByClientId.get(record.clientId) ?? []).filter((row) => row.author_id === record.authorId);
      if (rows.length === 0) {
        sends.lost += 1;
        lostSends.push(record);
      }
      if (rows.length > 1) sends.duplicated += rows.length - 1;
      if (rows.length >= 1 && !rows.some((row) => row.id === record.messageId)) sends.idMismatch += 1;
    }
    for (const row of stored) if (row.client_id !== null && !acknowledged.has(row.client_id)) sends.unacknowledgedButStored += 1;

    // Receivers: each member gets each message of the chat after joining, exactly once.
    const messagesOfChat = new Map<string, { id: string; seq: number }[]>();
    for (const row of stored) {
      const list = messagesOfChat.get(row.chat_id) ?? [];
      list.push({ id: row.id, seq: Number(row.seq) });
      messagesOfChat.set(row.chat_id, list);
    }
    const chatsOf = new Map<string, { chatId: string; joinedSeq: number }[]>();
    for (const row of members) {
      const list = chatsOf.get(row.user_id) ?? [];
      list.push({ chatId: row.chat_id, joinedSeq: Number(row.joined_seq) });
      chatsOf.set(row.user_id, list);
    }
    const deliveries = { expected: 0, received: 0, lost: 0, duplicated: 0, unexpected: 0 };
    const streams = { receivers: receivers.length, connects: 0, resyncs: 0, seqGaps: 0, repeatedSeqs: 0, readyAhead: 0, revoked: 0, behindLog: 0, eventsBehindLog: 0 };
    const log = { missing: 0, duplicated: 0 };
    const lostSamples: string[] = [];
    for (const receiver of receivers) {
      const userId = receiver.person.userId;
      const counts = new Map<string, number>();
      for (const number of receiver.delivered) {
        const id = index.ids[number]!;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      let expectedHere = 0;
      for (const { chatId, joinedSeq } of chatsOf.get(userId) ?? []) {
        for (const message of messagesOfChat.get(chatId) ?? []) {
          if (message.seq <= joinedSeq) continue;
          expectedHere += 1;
          const times = counts.get(message.id) ?? 0;
          counts.delete(message.id);
          if (times === 0) {
            deliveries.lost += 1;
            if (lostSamples.length < 5) lostSamples.push(`${userId} missed message ${message.id} of chat ${chatId}`);
          } else {
            deliveries.received += 1;
            deliveries.duplicated += times - 1;
          }
        }
      }
      deliveries.expected += expectedHere;
      deliveries.unexpected += [...counts.values()].reduce((sum, times) => sum + times, 0);
      const inLog = logged.get(userId) ?? { events: 0, messages: 0 };
      log.missing += Math.max(0, expectedHere - inLog.messages);
      log.duplicated += inLog.events - inLog.messages;
      const latest = counters.get(userId) ?? 0;
      if (receiver.lastSeq < latest) {
        streams.behindLog += 1;
        streams.eventsBehindLog += latest - receiver.lastSeq;
      }
      streams.connects += receiver.connects;
      streams.resyncs += receiver.problems.resyncs;
      streams.seqGaps += receiver.problems.gaps;
      streams.repeatedSeqs += receiver.problems.repeatedSeqs;
      streams.readyAhead += receiver.problems.readyAhead;
      streams.revoked += receiver.problems.revoked;
    }
    // What the database knows of acknowledged messages it does not hold under their clientId.
    const lostSendSamples = [];
    for (const record of lostSends.slice(0, 10)) {
      const byId = record.messageId
        ? (await client.query<{ chat_id: string; client_id: string | null; author_id: string | null }>('SELECT chat_id, client_id, author_id FROM messages WHERE id = $1', [record.messageId])).rows
        : [];
      const events = record.messageId
        ? Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM user_events WHERE name = 'message.created' AND payload->'message'->>'id' = $1`, [record.messageId])).rows[0]?.n ?? 0)
        : 0;
      lostSendSamples.push({ clientId: record.clientId, messageId: record.messageId, status: record.status, ackedBy: record.ackedBy, phase: record.phase, attempts: record.attempts, storedUnderId: byId, eventsOfIt: events });
    }
    return { sends, deliveries, streams, log, lostSamples, lostSendSamples };
  } finally {
    await client.end();
  }
}
