import type { Tx } from '../../platform/db/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { staffRoles } from '../access/index.ts';
import * as repository from './chats.repository.ts';
import { peopleOfClasses } from './class-people.ts';
import { announceChatChange, postSystemMessage, storedPeople } from './system-messages.ts';
import { chatFor } from './views.ts';

/**
 * Brings the chats whose membership follows the roster in step with it:
 * - a class chat holds the class's students and teachers (teachers as chat administrators);
 * - a parents' chat holds its students' parents and its class teachers (administrators);
 * - «Общешкольный канал» holds everyone of the organization, «Сотрудники» its staff
 *   (administrators of the organization run both).
 * People the roster put in are taken out when they leave; people added by hand stay; whoever
 * left a chat themselves or was removed by its administrator is not brought back. Runs inside
 * the transaction that changed the roster, so a student who moves class changes chats in the
 * same commit.
 */
export async function syncBoundChats(tx: Tx, deps: { eventLog: EventLog; now: Date }, organizationId: string, options: { newChatId?: string } = {}): Promise<void> {
  await repository.ensureSystemChannels(tx.db, organizationId, deps.now);
  const chats = await repository.boundChats(tx.db, organizationId);
  const classIds = [...new Set(chats.flatMap((chat) => (chat.classId ? [chat.classId] : [])))];
  const [classPeople, states, memberships] = await Promise.all([
    peopleOfClasses(tx.db, classIds),
    repository.membershipStates(
      tx.db,
      chats.map((chat) => chat.id),
    ),
    tx.db.selectFrom('memberships').select(['user_id', 'role']).where('organization_id', '=', organizationId).where('ended_at', 'is', null).execute(),
  ]);
  const administrators = new Set(memberships.filter((m) => m.role === 'administrator').map((m) => m.user_id));

  for (const chat of chats) {
    // Who should be here, and as what.
    const wanted = new Map<string, repository.ChatRole>();
    if (chat.systemChannel) {
      for (const membership of memberships) {
        if (chat.systemChannel === 'staff' && !staffRoles.includes(membership.role)) continue;
        wanted.set(membership.user_id, administrators.has(membership.user_id) ? 'admin' : 'member');
      }
    } else {
      const inClass = classPeople.filter((person) => person.classId === chat.classId);
      for (const person of inClass) {
        if (chat.kind === 'class' && person.place !== 'parent') wanted.set(person.userId, person.place === 'student' ? 'member' : 'admin');
        if (chat.kind === 'parents' && person.place === 'parent' && !wanted.has(person.userId)) wanted.set(person.userId, 'member');
      }
      if (chat.kind === 'parents') for (const person of inClass) if (person.place === 'class_teacher') wanted.set(person.userId, 'admin');
    }

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
    // Channels announce nobody's comings and goings; a chat just made from the roster needs no «joined» for every classmate.
    const quiet = chat.systemChannel !== null;
    if (toRemove.length > 0) {
      await repository.endMemberships(tx.db, { chatId: chat.id, userIds: toRemove, reason: 'roster', now: deps.now });
      if (!quiet) await postSystemMessage(tx, deps, chat.id, { action: 'left', actor: null, subjects: storedPeople(await repository.people(tx.db, organizationId, toRemove)), title: null });
      for (const userId of toRemove) await deps.eventLog.append(tx, [userId], 'chat.removed', { chatId: chat.id });
    }
    if (toAdd.length > 0) {
      const isNew = chat.id === options.newChatId;
      await repository.addMembers(tx.db, { chatId: chat.id, members: toAdd, now: deps.now, fromSeq: lastSeq });
      if (!quiet && !isNew) {
        const joined = await repository.people(
          tx.db,
          organizationId,
          toAdd.map((member) => member.userId),
        );
        await postSystemMessage(tx, deps, chat.id, { action: 'joined', actor: null, subjects: storedPeople(joined), title: null });
      }
      // Everyone added now sees the chat alike but for their role: one view per role, one append each.
      for (const role of ['admin', 'member'] as const) {
        const newcomers = toAdd.filter((member) => member.role === role).map((member) => member.userId);
        const view = newcomers.length > 0 ? await chatFor(tx.db, newcomers[0]!, chat.id) : undefined;
        if (view) await deps.eventLog.append(tx, newcomers, 'chat.created', { chat: view });
      }
    }
    // A channel's member count is not worth telling two thousand people on every arrival; it refreshes when fetched.
    if (!quiet) await announceChatChange(tx, deps.eventLog, chat.id);
  }
}

/**
 * Whoever no longer belongs to a chat's organization (or, for an authority's chat, to any
 * organization under it) leaves it — the chats they were added to by hand too: nothing more of
 * it reaches them. Runs with the roster sync, for the people whose roles just changed.
 */
export async function endLapsedMemberships(tx: Tx, deps: { eventLog: EventLog; now: Date }, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await tx.db
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .innerJoin('organizations', 'organizations.id', 'chats.organization_id')
    .select(['chat_members.chat_id', 'chat_members.user_id', 'chats.organization_id', 'chats.kind', 'organizations.kind as organization_kind'])
    .where('chat_members.user_id', 'in', userIds)
    .where('chat_members.left_at', 'is', null)
    .execute();
  for (const row of rows) {
    const isAuthority = row.organization_kind === 'region' || row.organization_kind === 'municipality';
    const roles = isAuthority ? await repository.rolesUnder(tx.db, row.user_id, row.organization_id) : (await repository.rolesIn(tx.db, row.organization_id, [row.user_id])).map((r) => r.role);
    if (roles.length > 0) continue;
    await repository.endMemberships(tx.db, { chatId: row.chat_id, userIds: [row.user_id], reason: 'roster', now: deps.now });
    if (row.kind !== 'channel') {
      await postSystemMessage(tx, deps, row.chat_id, { action: 'left', actor: null, subjects: storedPeople(await repository.people(tx.db, row.organization_id, [row.user_id])), title: null });
      await announceChatChange(tx, deps.eventLog, row.chat_id);
    }
    await deps.eventLog.append(tx, [row.user_id], 'chat.removed', { chatId: row.chat_id });
  }
}
