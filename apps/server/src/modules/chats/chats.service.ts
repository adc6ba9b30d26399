import type {
  TAddChatMembersRequest,
  TChat,
  TChatMember,
  TCreateChatRequest,
  TCreateClassChatRequest,
  TPersonRef,
  TRole,
  TUpdateChatRequest,
} from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, invalidField, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { activeRoles, isVerifiedTeacher, requireAdministrator, requireClassManager, requireMember, requireSignedIn, staffRoles } from '../access/index.ts';
import * as repository from './chats.repository.ts';
import { directReach } from './direct-policy.ts';
import { syncBoundChats } from './roster-sync.ts';
import { postSystemMessage, storedPeople } from './system-messages.ts';
import { chatFor, toChats } from './views.ts';

export type ChatsService = ReturnType<typeof createChatsService>;

const unverifiedTeacherReason = {
  ru: 'Пока администратор не подтвердил ваш статус учителя, создавать чаты с учениками и родителями нельзя.',
  en: 'Until an administrator confirms your teacher status, you cannot create chats with students or parents.',
};

/** A member of a chat who is still a member of its organization; for anyone else the chat does not exist. */
export async function requireChatMember(db: Kysely<DB>, identity: Identity | null, chatId: string) {
  const person = requireSignedIn(identity);
  const chat = await repository.findChat(db, chatId);
  const membership = chat ? await repository.findMembership(db, chatId, person.userId) : undefined;
  if (!chat || !membership) throw notFound();
  const roles = await activeRoles(db, person.userId, chat.organization_id);
  if (roles.length === 0) throw notFound();
  return { person, chat, membership, roles };
}

export function requireChatAdmin(membership: { role: repository.ChatRole }) {
  if (membership.role !== 'admin') throw forbidden({ ru: 'Это могут только администраторы чата.', en: 'Only the chat’s administrators can do this.' });
}

export function createChatsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog }) {
  const { db, clock, eventLog } = deps;

  /**
   * Staff may add people of their organization to a chat; a teacher whose status is not confirmed
   * only colleagues. Returns the people (with their names) or throws the reason.
   */
  async function checkAddable(adder: { userId: string; roles: readonly TRole[] }, organizationId: string, userIds: readonly string[], field: string) {
    const theirRoles = await repository.rolesIn(db, organizationId, userIds);
    const outsiders = userIds.filter((id) => !theirRoles.some((row) => row.user_id === id));
    if (outsiders.length > 0) throw invalidField(field, { ru: 'в чат можно добавить только участников этой организации', en: 'only members of this organization can be added' });
    const isPrivileged = adder.roles.includes('administrator') || adder.roles.includes('director');
    const reachesFamilies = theirRoles.some((row) => row.role === 'student' || row.role === 'parent');
    if (reachesFamilies && !isPrivileged && !(await isVerifiedTeacher(db, adder.userId, organizationId))) throw new AppError(403, 'forbidden', { detail: unverifiedTeacherReason });
  }

  /** Tells each new member about the chat, as they see it. */
  async function announceChat(tx: Tx, chatId: string, userIds: readonly string[]) {
    for (const userId of userIds) {
      const chat = await chatFor(tx.db, userId, chatId);
      if (chat) await eventLog.append(tx, [userId], 'chat.created', { chat });
    }
  }

  async function announceChange(tx: Tx, chatId: string) {
    const chat = (await repository.findChat(tx.db, chatId))!;
    const members = await repository.activeMemberIds(tx.db, chatId);
    await eventLog.append(tx, members, 'chat.updated', { chatId, title: chat.title, onlyAdminsWrite: chat.only_admins_write, memberCount: members.length });
  }

  /** A group chat of the organization, made by its staff for its people. */
  async function createChat(identity: Identity | null, organizationId: string, input: TCreateChatRequest): Promise<TChat> {
    const creator = await requireMember(db, identity, organizationId, staffRoles);
    const others = [...new Set(input.memberIds)].filter((id) => id !== creator.identity.userId);
    await checkAddable({ userId: creator.identity.userId, roles: creator.roles }, organizationId, others, 'memberIds');
    const now = clock.now();
    return transaction(db, async (tx) => {
      const id = await repository.insertChat(tx.db, { organizationId, kind: 'group', title: input.title, createdBy: creator.identity.userId, now });
      await repository.addMembers(tx.db, { chatId: id, members: [{ userId: creator.identity.userId, role: 'admin' }, ...others.map((userId) => ({ userId, role: 'member' as const }))], now });
      await announceChat(tx, id, [creator.identity.userId, ...others]);
      return (await chatFor(tx.db, creator.identity.userId, id))!;
    });
  }

  /** The direct chat of two people of the organization: the existing one, or a new one if the policy allows. */
  async function openDirectChat(identity: Identity | null, organizationId: string, userId: string): Promise<{ chat: TChat; created: boolean }> {
    const me = await requireMember(db, identity, organizationId);
    const myId = me.identity.userId;
    if (userId === myId) throw invalidField('userId', { ru: 'нельзя начать чат с самим собой', en: 'you cannot start a chat with yourself' });
    const key = [myId, userId].sort().join(':');
    const existing = await repository.findDirectChat(db, organizationId, key);
    if (existing) {
      const chat = await chatFor(db, myId, existing.id);
      if (chat) return { chat, created: false };
    }
    if ((await repository.rolesIn(db, organizationId, [userId])).length === 0) throw notFound();
    const reach = await directReach(db, organizationId, myId, me.roles);
    if (!reach.userIds.has(userId)) throw forbidden(reach.whyNot);
    const now = clock.now();
    try {
      return await transaction(db, async (tx) => {
        const id = existing?.id ?? (await repository.insertChat(tx.db, { organizationId, kind: 'direct', title: '', createdBy: myId, now, directKey: key }));
        // Either of the two may have left it earlier: starting it again brings both back, with the history they shared.
        const active = await repository.activeMemberIds(tx.db, id);
        const missing = [myId, userId].filter((person) => !active.includes(person));
        await repository.addMembers(tx.db, { chatId: id, members: missing.map((person) => ({ userId: person, role: 'member' as const })), now });
        await announceChat(tx, id, missing);
        return { chat: (await chatFor(tx.db, myId, id))!, created: !existing };
      });
    } catch (error) {
      // Both opened it at the same moment: the other transaction made it.
      const made = (error as { code?: unknown }).code === '23505' ? await repository.findDirectChat(db, organizationId, key) : undefined;
      const chat = made ? await chatFor(db, myId, made.id) : undefined;
      if (chat) return { chat, created: false };
      throw error;
    }
  }

  /** The class chat or the parents' chat of a class; membership follows the roster from then on. */
  async function openClassChat(identity: Identity | null, classId: string, input: TCreateClassChatRequest): Promise<{ chat: TChat; created: boolean }> {
    const person = requireSignedIn(identity);
    const klass = await db.selectFrom('classes').select(['id', 'organization_id', 'name', 'kind']).where('id', '=', classId).executeTakeFirst();
    if (!klass) throw notFound();
    await requireClassManager(db, identity, klass.organization_id, classId);
    if (klass.kind !== 'class') throw conflict({ ru: 'Для учительской чат класса не создаётся.', en: 'The staff room has no class chat.' });
    const existing = await repository.findClassChat(db, classId, input.kind);
    if (existing) {
      const chat = await chatFor(db, person.userId, existing.id);
      if (chat) return { chat, created: false };
      throw conflict({ ru: 'Такой чат у класса уже есть.', en: 'This class already has such a chat.' });
    }
    const title = input.title ?? (input.kind === 'class' ? klass.name : `${klass.name} — родители`);
    const now = clock.now();
    try {
      return await transaction(db, async (tx) => {
        const id = await repository.insertChat(tx.db, { organizationId: klass.organization_id, kind: input.kind, title, createdBy: person.userId, now, classId });
        await repository.addMembers(tx.db, { chatId: id, members: [{ userId: person.userId, role: 'admin' }], now });
        await syncBoundChats(tx, { eventLog, now }, klass.organization_id);
        return { chat: (await chatFor(tx.db, person.userId, id))!, created: true };
      });
    } catch (error) {
      const made = (error as { code?: unknown }).code === '23505' ? await repository.findClassChat(db, classId, input.kind) : undefined;
      const chat = made ? await chatFor(db, person.userId, made.id) : undefined;
      if (chat) return { chat, created: false };
      throw error;
    }
  }

  /**
   * Called by the school inside any transaction that changed classes, families or roles of the
   * organization: once per transaction, just before it commits.
   */
  function rosterChanged(tx: Tx, organizationId: string) {
    tx.beforeCommit(`chats:roster:${organizationId}`, () => syncBoundChats(tx, { eventLog, now: clock.now() }, organizationId));
  }

  async function listChats(identity: Identity | null): Promise<TChat[]> {
    const person = requireSignedIn(identity);
    const rows = await repository.listChatsOf(db, person.userId);
    // A chat of an organization the person has left is not theirs any more.
    const organizations = await db.selectFrom('memberships').select('organization_id').distinct().where('user_id', '=', person.userId).where('ended_at', 'is', null).execute();
    const current = new Set(organizations.map((row) => row.organization_id));
    return toChats(
      db,
      rows.filter((row) => current.has(row.organization_id)),
    );
  }

  async function getChat(identity: Identity | null, chatId: string): Promise<TChat> {
    const { person } = await requireChatMember(db, identity, chatId);
    return (await chatFor(db, person.userId, chatId))!;
  }

  async function updateChat(identity: Identity | null, chatId: string, input: TUpdateChatRequest): Promise<TChat> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    requireChatAdmin(membership);
    if (chat.kind === 'direct') throw conflict({ ru: 'Личный чат нельзя переименовать.', en: 'A direct chat cannot be renamed.' });
    const now = clock.now();
    return transaction(db, async (tx) => {
      const [actor] = storedPeople(await repository.people(tx.db, chat.organization_id, [person.userId]));
      await repository.updateChat(tx.db, chatId, input);
      if (input.title !== undefined && input.title !== chat.title) await postSystemMessage(tx, { eventLog, now }, chatId, { action: 'renamed', actor: actor!, subjects: [], title: input.title });
      if (input.onlyAdminsWrite !== undefined && input.onlyAdminsWrite !== chat.only_admins_write) {
        await postSystemMessage(tx, { eventLog, now }, chatId, { action: input.onlyAdminsWrite ? 'onlyAdminsWrite' : 'everyoneWrites', actor: actor!, subjects: [], title: null });
      }
      await announceChange(tx, chatId);
      return (await chatFor(tx.db, person.userId, chatId))!;
    });
  }

  async function listMembers(identity: Identity | null, chatId: string): Promise<TChatMember[]> {
    const { chat } = await requireChatMember(db, identity, chatId);
    const rows = await repository.listMembers(db, chatId, chat.organization_id);
    const roles = await repository.rolesIn(
      db,
      chat.organization_id,
      rows.map((row) => row.user_id),
    );
    return rows.map((row) => ({
      person: { id: row.user_id, displayName: row.display_name, verifiedTeacher: Boolean(row.verified) } satisfies TPersonRef,
      chatRole: row.role,
      roles: roles.filter((r) => r.user_id === row.user_id).map((r) => r.role),
      lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at).toISOString() : null,
    }));
  }

  async function addMembers(identity: Identity | null, chatId: string, input: TAddChatMembersRequest): Promise<void> {
    const { person, chat, membership, roles } = await requireChatMember(db, identity, chatId);
    requireChatAdmin(membership);
    if (chat.kind === 'direct') throw conflict({ ru: 'В личный чат нельзя добавить участников.', en: 'People cannot be added to a direct chat.' });
    if (!roles.some((role) => staffRoles.includes(role))) throw forbidden();
    const active = new Set(await repository.activeMemberIds(db, chatId));
    const newcomers = [...new Set(input.userIds)].filter((id) => !active.has(id));
    await checkAddable({ userId: person.userId, roles }, chat.organization_id, newcomers, 'userIds');
    if (newcomers.length === 0) return;
    const now = clock.now();
    await transaction(db, async (tx) => {
      const lastSeq = (await repository.findChat(tx.db, chatId))!.last_seq;
      await repository.addMembers(tx.db, { chatId, members: newcomers.map((userId) => ({ userId, role: 'member' as const })), now, fromSeq: lastSeq });
      const [actor] = storedPeople(await repository.people(tx.db, chat.organization_id, [person.userId]));
      const added = storedPeople(await repository.people(tx.db, chat.organization_id, newcomers));
      await postSystemMessage(tx, { eventLog, now }, chatId, { action: 'added', actor: actor!, subjects: added, title: null });
      await announceChat(tx, chatId, newcomers);
      await announceChange(tx, chatId);
    });
  }

  async function removeMember(identity: Identity | null, chatId: string, userId: string): Promise<void> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    requireChatAdmin(membership);
    if (chat.kind === 'direct') throw conflict({ ru: 'Из личного чата нельзя удалить участника.', en: 'Nobody can be removed from a direct chat.' });
    if (userId === person.userId) throw conflict({ ru: 'Чтобы выйти из чата, нажмите «Выйти из чата».', en: 'To leave the chat, use “Leave chat”.' });
    const target = await repository.findMembership(db, chatId, userId);
    if (!target) throw notFound();
    const now = clock.now();
    await transaction(db, async (tx) => {
      await repository.endMemberships(tx.db, { chatId, userIds: [userId], reason: 'removed', now });
      const [actor] = storedPeople(await repository.people(tx.db, chat.organization_id, [person.userId]));
      const removed = storedPeople(await repository.people(tx.db, chat.organization_id, [userId]));
      await postSystemMessage(tx, { eventLog, now }, chatId, { action: 'removed', actor: actor!, subjects: removed, title: null });
      await eventLog.append(tx, [userId], 'chat.removed', { chatId });
      await announceChange(tx, chatId);
    });
  }

  async function leave(identity: Identity | null, chatId: string): Promise<void> {
    const { person, chat } = await requireChatMember(db, identity, chatId);
    const now = clock.now();
    await transaction(db, async (tx) => {
      await repository.endMemberships(tx.db, { chatId, userIds: [person.userId], reason: 'left', now });
      const me = storedPeople(await repository.people(tx.db, chat.organization_id, [person.userId]));
      await postSystemMessage(tx, { eventLog, now }, chatId, { action: 'left', actor: null, subjects: me, title: null });
      await eventLog.append(tx, [person.userId], 'chat.removed', { chatId });
      await announceChange(tx, chatId);
    });
  }

  async function mute(identity: Identity | null, chatId: string, muted: boolean): Promise<void> {
    const { person } = await requireChatMember(db, identity, chatId);
    await transaction(db, async (tx) => {
      await repository.setMuted(tx.db, chatId, person.userId, muted);
      await eventLog.append(tx, [person.userId], 'chat.muted', { chatId, muted });
    });
  }

  /** The people of the organization the signed-in person may start a direct chat with. */
  async function contacts(identity: Identity | null, organizationId: string) {
    const me = await requireMember(db, identity, organizationId);
    const reach = await directReach(db, organizationId, me.identity.userId, me.roles);
    const ids = [...reach.userIds];
    const [people, roles] = await Promise.all([repository.people(db, organizationId, ids), repository.rolesIn(db, organizationId, ids)]);
    return people
      .map((row) => ({ person: { id: row.id, displayName: row.display_name, verifiedTeacher: Boolean(row.verified) }, roles: roles.filter((r) => r.user_id === row.id).map((r) => r.role) }))
      .sort((a, b) => a.person.displayName.localeCompare(b.person.displayName, 'ru'));
  }

  async function chatSettings(identity: Identity | null, organizationId: string) {
    await requireMember(db, identity, organizationId);
    const settings = await repository.organizationSettings(db, organizationId);
    return { studentsMayMessageEachOther: settings?.students_may_message_each_other ?? true };
  }

  async function updateChatSettings(identity: Identity | null, organizationId: string, input: { studentsMayMessageEachOther: boolean }) {
    await requireAdministrator(db, identity, organizationId);
    await repository.setStudentsMayMessageEachOther(db, organizationId, input.studentsMayMessageEachOther);
    return chatSettings(identity, organizationId);
  }

  return {
    createChat,
    openDirectChat,
    openClassChat,
    rosterChanged,
    listChats,
    getChat,
    updateChat,
    listMembers,
    addMembers,
    removeMember,
    leave,
    mute,
    contacts,
    chatSettings,
    updateChatSettings,
  };
}
