import type { Tx } from '../../platform/db/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import * as repository from './chats.repository.ts';
import { peopleOfClasses } from './class-people.ts';
import { postSystemMessage, storedPeople } from './system-messages.ts';
import { chatFor } from './views.ts';

/**
 * Brings the chats bound to classes of an organization in step with the roster and family links:
 * a class chat holds the class's students and teachers (teachers as chat administrators), a
 * parents' chat its students' parents and its class teachers. People the roster put in are taken
 * out when they leave the class; people added by hand stay; whoever left a chat themselves or was
 * removed by its administrator is not brought back. Runs inside the transaction that changed the
 * roster, so a student who moves class changes chats in the same commit.
 */
export async function syncBoundChats(tx: Tx, deps: { eventLog: EventLog; now: Date }, organizationId: string): Promise<void> {
  const chats = await repository.boundChats(tx.db, organizationId);
  if (chats.length === 0) return;
  const classPeople = await peopleOfClasses(
    tx.db,
    [...new Set(chats.map((chat) => chat.classId))],
  );
  const states = await repository.membershipStates(
    tx.db,
    chats.map((chat) => chat.id),
  );
  for (const chat of chats) {
    const inClass = classPeople.filter((person) => person.classId === chat.classId);
    // Who should be here, and as what.
    const wanted = new Map<string, repository.ChatRole>();
    for (const person of inClass) {
      if (chat.kind === 'class' && person.place !== 'parent') wanted.set(person.userId, person.place === 'student' ? 'member' : 'admin');
      if (chat.kind === 'parents' && person.place === 'parent' && !wanted.has(person.userId)) wanted.set(person.userId, 'member');
    }
    if (chat.kind === 'parents') for (const person of inClass) if (person.place === 'class_teacher') wanted.set(person.userId, 'admin');

    const mine = states.filter((state) => state.chat_id === chat.id);
    const stateOf = new Map(mine.map((state) => [state.user_id, state]));
    const toAdd: { userId: string; role: repository.ChatRole; source: 'roster' }[] = [];
    const promote: string[] = [];
    const demote: string[] = [];
    for (const [userId, role] of wanted) {
      const state = stateOf.get(userId);
      if (!state || (state.left_at !== null && state.left_reason === 'roster')) toAdd.push({ userId, role, source: 'roster' });
      else if (state.left_at === null && state.source === 'roster' && state.role !== role) (role === 'admin' ? promote : demote).push(userId);
    }
    const toRemove = mine.filter((state) => state.left_at === null && state.source === 'roster' && !wanted.has(state.user_id)).map((state) => state.user_id);
    if (toAdd.length === 0 && toRemove.length === 0 && promote.length === 0 && demote.length === 0) continue;

    await repository.setMemberRole(tx.db, chat.id, promote, 'admin');
    await repository.setMemberRole(tx.db, chat.id, demote, 'member');
    const lastSeq = (await repository.findChat(tx.db, chat.id))!.last_seq;
    if (toRemove.length > 0) {
      await repository.endMemberships(tx.db, { chatId: chat.id, userIds: toRemove, reason: 'roster', now: deps.now });
      const gone = await repository.people(tx.db, organizationId, toRemove);
      await postSystemMessage(tx, deps, chat.id, { action: 'left', actor: null, subjects: storedPeople(gone), title: null });
      for (const userId of toRemove) await deps.eventLog.append(tx, [userId], 'chat.removed', { chatId: chat.id });
    }
    if (toAdd.length > 0) {
      // A chat just made from the roster needs no «joined» notice for every classmate.
      const isNew = mine.length <= 1 && lastSeq === 0;
      await repository.addMembers(tx.db, { chatId: chat.id, members: toAdd, now: deps.now, fromSeq: lastSeq });
      if (!isNew) {
        const joined = await repository.people(
          tx.db,
          organizationId,
          toAdd.map((member) => member.userId),
        );
        await postSystemMessage(tx, deps, chat.id, { action: 'joined', actor: null, subjects: storedPeople(joined), title: null });
      }
      for (const member of toAdd) {
        const view = await chatFor(tx.db, member.userId, chat.id);
        if (view) await deps.eventLog.append(tx, [member.userId], 'chat.created', { chat: view });
      }
    }
    const stayed = await repository.activeMemberIds(tx.db, chat.id);
    const current = await repository.findChat(tx.db, chat.id);
    await deps.eventLog.append(tx, stayed, 'chat.updated', { chatId: chat.id, title: current!.title, onlyAdminsWrite: current!.only_admins_write, memberCount: stayed.length });
  }
}
