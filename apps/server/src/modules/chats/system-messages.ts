import type { TMessage } from '@parta/contracts';
import type { Tx } from '../../platform/db/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import * as repository from './chats.repository.ts';
import { emptyContext, pinnedQuote, toMessage } from './views.ts';

/**
 * Posts a system message («Анна добавила Ивана», «Иван вышел из чата») as the chat's next
 * message and tells everyone now in the chat. `extraRecipients` also hear of it (whoever just
 * left sees why).
 */
export async function postSystemMessage(
  tx: Tx,
  deps: { eventLog: EventLog; now: Date },
  chatId: string,
  event: repository.StoredSystemEvent,
  extraRecipients: readonly string[] = [],
): Promise<TMessage> {
  const seq = await repository.nextSeq(tx.db, chatId);
  const id = await repository.insertMessage(tx.db, { chatId, seq, authorId: null, clientId: null, body: '', system: event, now: deps.now });
  const message = toMessage(
    {
      id,
      chat_id: chatId,
      seq,
      kind: 'system',
      author_id: null,
      author_name: null,
      author_verified: false,
      client_id: null,
      body: '',
      system: event,
      reply_to_id: null,
      created_at: deps.now,
      edited_at: null,
      deleted_at: null,
      urgent: false,
      requires_ack: false,
      forwarded_from: null,
    },
    emptyContext(),
  );
  // Whoever caused it has seen it (their devices infer the same from the message's actor).
  if (event.actor) await repository.advanceRead(tx.db, chatId, event.actor.id, seq);
  await deps.eventLog.append(tx, [...(await repository.activeMemberIds(tx.db, chatId)), ...extraRecipients], 'message.created', { message });
  return message;
}

export const storedPeople = (people: readonly { id: string; display_name: string }[]): repository.StoredPerson[] => people.map((person) => ({ id: person.id, displayName: person.display_name }));

/** Tells everyone in the chat its title, write mode, member count or pinned message changed. */
export async function announceChatChange(tx: Tx, eventLog: EventLog, chatId: string) {
  const chat = (await repository.findChat(tx.db, chatId))!;
  const members = await repository.activeMemberIds(tx.db, chatId);
  await eventLog.append(tx, members, 'chat.updated', {
    chatId,
    title: chat.title,
    onlyAdminsWrite: chat.only_admins_write,
    memberCount: members.length,
    pinned: await pinnedQuote(tx.db, chat.pinned_message_id),
  });
}
