import type {
  TAddChatMembersRequest,
  TChannelSummary,
  TChat,
  TChatMember,
  TCreateChatRequest,
  TCreateChannelRequest,
  TCreateClassChatRequest,
  TOrganizationChatSettings,
  TOrganizationKind,
  TUpdateOrganizationChatSettings,
  TPersonRef,
  TRole,
  TUpdateChatRequest,
} from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, invalidField, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { activeRoles, isVerifiedTeacher, requireAdministrator, requireClassManager, requireMember, requireSignedIn, staffRoles } from '../access/index.ts';
import * as repository from './chats.repository.ts';
import { peopleOfClasses } from './class-people.ts';
import { directReach } from './direct-policy.ts';
import { endLapsedMemberships, syncBoundChats } from './roster-sync.ts';
import { announceChatChange, postSystemMessage, storedPeople } from './system-messages.ts';
import { chatFor, toChats } from './views.ts';

export type ChatsService = ReturnType<typeof createChatsService>;

const unverifiedTeacherReason = {
  ru: 'Пока администратор не подтвердил ваш статус учителя, создавать чаты с учениками и родителями нельзя.',
  en: 'Until an administrator confirms your teacher status, you cannot create chats with students or parents.',
};

/** Organizations above schools: their chats bring together people of the organizations under them. */
const authorityKinds: readonly TOrganizationKind[] = ['region', 'municipality'];

/** A member of a chat who is still a member of its organization (or, for an authority's chat, of one under it); for anyone else the chat does not exist. */
export async function requireChatMember(db: Kysely<DB>, identity: Identity | null, chatId: string) {
  const person = requireSignedIn(identity);
  const found = await repository.findChatAsMember(db, chatId, person.userId);
  if (!found) throw notFound();
  const { chat, membership } = found;
  let roles = found.roles;
  // An authority's chat: its people are those of the organizations under it.
  if (roles.length === 0 && authorityKinds.includes((await repository.organizationKind(db, chat.organization_id))!)) roles = await repository.rolesUnder(db, person.userId, chat.organization_id);
  if (roles.length === 0) throw notFound();
  return { person, chat, membership, roles };
}

export function requireChatAdmin(membership: { role: repository.ChatRole }) {
  if (membership.role !== 'admin') throw forbidden({ ru: 'Это могут только администраторы чата.', en: 'Only the chat’s administrators can do this.' });
}

/**
 * Staff may add people of their organization to a chat; a teacher whose status is not confirmed
 * only colleagues. Throws the reason (400 for outsiders on `field`, 403 for the unverified teacher).
 */
export async function checkAddable(db: Kysely<DB> | Transaction<DB>, adder: { userId: string; roles: readonly TRole[] }, organizationId: string, userIds: readonly string[], field: string) {
  const theirRoles = await repository.rolesIn(db, organizationId, userIds);
  const outsiders = userIds.filter((id) => !theirRoles.some((row) => row.user_id === id));
  if (outsiders.length > 0) throw invalidField(field, { ru: 'в чат можно добавить только участников этой организации', en: 'only members of this organization can be added' });
  const isPrivileged = adder.roles.includes('administrator') || adder.roles.includes('director');
  const reachesFamilies = theirRoles.some((row) => row.role === 'student' || row.role === 'parent');
  if (reachesFamilies && !isPrivileged && !(await isVerifiedTeacher(db, adder.userId, organizationId))) throw new AppError(403, 'forbidden', { detail: unverifiedTeacherReason });
}

/** Tells each new member about the chat, as they see it. */
export async function announceChatTo(tx: Tx, eventLog: EventLog, chatId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return;
  const kind = (await repository.findChat(tx.db, chatId))?.kind;
  // People who joined alike see the chat alike (a direct chat differs: each sees the other's name):
  // one view and one append per group, not per person — a chat of 400 is made in a few queries.
  const members = await tx.db
    .selectFrom('chat_members')
    .select(['user_id', 'role', 'joined_seq', 'last_read_seq', 'muted'])
    .where('chat_id', '=', chatId)
    .where('user_id', 'in', userIds)
    .where('left_at', 'is', null)
    .execute();
  const groups = new Map<string, string[]>();
  for (const member of members) {
    const key = kind === 'direct' ? member.user_id : `${member.role}:${member.joined_seq}:${member.last_read_seq}:${member.muted}`;
    groups.set(key, [...(groups.get(key) ?? []), member.user_id]);
  }
  for (const group of groups.values()) {
    const chat = await chatFor(tx.db, group[0]!, chatId);
    if (chat) await eventLog.append(tx, group, 'chat.created', { chat });
  }
}

export function createChatsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog }) {
  const { db, clock, eventLog } = deps;
  /** The people whose roles, classes or families changed in each open transaction. */
  const pendingRosterChanges = new WeakMap<Tx, Set<string>>();

  const announceChat = (tx: Tx, chatId: string, userIds: readonly string[]) => announceChatTo(tx, eventLog, chatId, userIds);

  const announceChange = (tx: Tx, chatId: string) => announceChatChange(tx, eventLog, chatId);

  /** A group chat of the organization, made by its staff for its people. */
  async function createChat(identity: Identity | null, organizationId: string, input: TCreateChatRequest): Promise<TChat> {
    const creator = await requireMember(db, identity, organizationId, staffRoles);
    const others = [...new Set(input.memberIds)].filter((id) => id !== creator.identity.userId);
    if (authorityKinds.includes((await repository.organizationKind(db, organizationId))!)) await checkAuthorityChat(creator.roles, organizationId, others);
    else await checkAddable(db, { userId: creator.identity.userId, roles: creator.roles }, organizationId, others, 'memberIds');
    const now = clock.now();
    return transaction(db, async (tx) => {
      const id = await repository.insertChat(tx.db, { organizationId, kind: 'group', title: input.title, createdBy: creator.identity.userId, now });
      await repository.addMembers(tx.db, { chatId: id, members: [{ userId: creator.identity.userId, role: 'admin' }, ...others.map((userId) => ({ userId, role: 'member' as const }))], now });
      await announceChat(tx, id, [creator.identity.userId, ...others]);
      return (await chatFor(tx.db, creator.identity.userId, id))!;
    });
  }

  /**
   * An authority's chat («Директора школ»): made by its administrators or directors, for staff of
   * the authority and of the organizations under it — never students or parents.
   */
  async function checkAuthorityChat(creatorRoles: readonly TRole[], organizationId: string, userIds: readonly string[]) {
    if (!creatorRoles.includes('administrator') && !creatorRoles.includes('director')) throw forbidden();
    const staff = new Set((await repository.peopleUnder(db, organizationId, staffRoles)).map((row) => row.user_id));
    if (userIds.some((id) => !staff.has(id))) {
      throw invalidField('memberIds', { ru: 'в чат можно добавить только сотрудников этой организации и подведомственных ей', en: 'only staff of this organization and of those under it can be added' });
    }
  }

  /** Staff of the organization and of those under it, for an authority's chats. */
  async function networkPeople(identity: Identity | null, organizationId: string, roles: readonly TRole[]) {
    const me = await requireMember(db, identity, organizationId, staffRoles);
    if (!me.roles.includes('administrator') && !me.roles.includes('director')) throw forbidden();
    const wanted = roles.length > 0 ? roles.filter((role) => staffRoles.includes(role)) : staffRoles;
    const rows = await repository.peopleUnder(db, organizationId, wanted);
    const byPerson = new Map<string, { person: TPersonRef; roles: TRole[]; organizations: string[] }>();
    for (const row of rows) {
      const entry = byPerson.get(row.user_id) ?? { person: { id: row.user_id, displayName: row.display_name, verifiedTeacher: false }, roles: [], organizations: [] };
      if (!entry.roles.includes(row.role)) entry.roles.push(row.role);
      if (!entry.organizations.includes(row.short_name)) entry.organizations.push(row.short_name);
      byPerson.set(row.user_id, entry);
    }
    return [...byPerson.values()];
  }

  /** The direct chat of two people of the organization: the existing one, or a new one if the policy allows. */
  async function openDirectChat(identity: Identity | null, organizationId: string, userId: string): Promise<{ chat: TChat; created: boolean }> {
    const me = await requireMember(db, identity, organizationId);
    const myId = me.identity.userId;
    if (userId === myId) throw invalidField('userId', { ru: 'нельзя начать чат с самим собой', en: 'you cannot start a chat with yourself' });
    const key = [myId, userId].sort().join(':');
    const existing = await repository.findDirectChat(db, organizationId, key);
    if (existing) {
      // Both still in it: it is simply opened. If either left, coming back is starting it anew, under today's rules.
      const active = await repository.activeMemberIds(db, existing.id);
      const chat = active.includes(userId) ? await chatFor(db, myId, existing.id) : undefined;
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
    const now = clock.now();
    if (existing) {
      const chat = await chatFor(db, person.userId, existing.id);
      if (chat) return { chat, created: false };
      // An administrator outside the class opens its chat: they join it, openly, as its administrator.
      return transaction(db, async (tx) => {
        const lastSeq = (await repository.findChat(tx.db, existing.id))!.last_seq;
        await repository.addMembers(tx.db, { chatId: existing.id, members: [{ userId: person.userId, role: 'admin' }], now, fromSeq: lastSeq });
        const me = storedPeople(await repository.people(tx.db, klass.organization_id, [person.userId]));
        await postSystemMessage(tx, { eventLog, now }, existing.id, { action: 'joined', actor: null, subjects: me, title: null });
        await announceChat(tx, existing.id, [person.userId]);
        await announceChange(tx, existing.id);
        return { chat: (await chatFor(tx.db, person.userId, existing.id))!, created: false };
      });
    }
    const title = input.title ?? (input.kind === 'class' ? klass.name : `${klass.name} — родители`);
    try {
      return await transaction(db, async (tx) => {
        const id = await repository.insertChat(tx.db, { organizationId: klass.organization_id, kind: input.kind, title, createdBy: person.userId, now, classId });
        // The class teacher who opens it is there by the roster (and leaves with it); an administrator by hand.
        const byRoster = (await peopleOfClasses(tx.db, [classId])).some((p) => p.userId === person.userId && (input.kind === 'class' ? p.place !== 'parent' : p.place === 'class_teacher'));
        if (!byRoster) await repository.addMembers(tx.db, { chatId: id, members: [{ userId: person.userId, role: 'admin' }], now });
        await syncBoundChats(tx, { eventLog, now }, klass.organization_id, { newChatId: id });
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
  function rosterChanged(tx: Tx, organizationId: string, userIds: readonly string[]) {
    let concerned = pendingRosterChanges.get(tx);
    if (!concerned) pendingRosterChanges.set(tx, (concerned = new Set()));
    for (const id of userIds) concerned.add(id);
    tx.beforeCommit(`chats:roster:${organizationId}`, async () => {
      const now = clock.now();
      await syncBoundChats(tx, { eventLog, now }, organizationId);
      await endLapsedMemberships(tx, { eventLog, now }, [...(pendingRosterChanges.get(tx) ?? [])]);
    });
  }

  async function listChats(identity: Identity | null): Promise<TChat[]> {
    const person = requireSignedIn(identity);
    const rows = await repository.listChatsOf(db, person.userId);
    // A chat of an organization the person has left is not theirs any more (an authority's chat
    // stays while they belong to an organization under it).
    const current = await repository.organizationsInReach(db, person.userId);
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
    if (chat.kind === 'channel' && input.onlyAdminsWrite === false) throw conflict({ ru: 'В канале пишут только администраторы.', en: 'Only administrators post in a channel.' });
    if (chat.system_channel && input.title !== undefined) throw conflict({ ru: 'Системный канал нельзя переименовать.', en: 'A system channel cannot be renamed.' });
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
    await checkAddable(db, { userId: person.userId, roles }, chat.organization_id, newcomers, 'userIds');
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
    if (chat.system_channel) throw conflict({ ru: 'Из системного канала выйти нельзя, но его можно отключить (без звука).', en: 'You cannot leave a system channel, but you can mute it.' });
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

  async function chatSettings(identity: Identity | null, organizationId: string): Promise<TOrganizationChatSettings> {
    await requireMember(db, identity, organizationId);
    const settings = (await repository.organizationSettings(db, organizationId))!;
    return {
      studentsMayMessageEachOther: settings.students_may_message_each_other,
      schoolDayStarts: settings.school_day_starts,
      schoolDayEnds: settings.school_day_ends,
      timeZone: settings.time_zone,
    };
  }

  async function updateChatSettings(identity: Identity | null, organizationId: string, input: TUpdateOrganizationChatSettings): Promise<TOrganizationChatSettings> {
    await requireAdministrator(db, identity, organizationId);
    const merged = { ...(await chatSettings(identity, organizationId)), ...input };
    if (merged.schoolDayStarts >= merged.schoolDayEnds) {
      throw invalidField('schoolDayEnds', { ru: 'учебный день должен начинаться раньше, чем заканчивается', en: 'the school day must start before it ends' });
    }
    await repository.updateSchoolDay(db, organizationId, merged);
    return merged;
  }

  /** A channel of the organization, made by its administrators, directors or verified teachers; people subscribe. */
  async function createChannel(identity: Identity | null, organizationId: string, input: TCreateChannelRequest): Promise<TChat> {
    const creator = await requireMember(db, identity, organizationId, staffRoles);
    const userId = creator.identity.userId;
    const isPrivileged = creator.roles.includes('administrator') || creator.roles.includes('director');
    if (!isPrivileged && !(await isVerifiedTeacher(db, userId, organizationId))) throw forbidden(unverifiedTeacherReason);
    const now = clock.now();
    return transaction(db, async (tx) => {
      const id = await repository.insertChat(tx.db, { organizationId, kind: 'channel', title: input.title, description: input.description, createdBy: userId, now });
      await repository.addMembers(tx.db, { chatId: id, members: [{ userId, role: 'admin' }], now });
      await announceChat(tx, id, [userId]);
      return (await chatFor(tx.db, userId, id))!;
    });
  }

  async function listChannels(identity: Identity | null, organizationId: string): Promise<TChannelSummary[]> {
    const me = await requireMember(db, identity, organizationId);
    const rows = await repository.channelsOf(db, organizationId, me.identity.userId);
    const isStaff = me.roles.some((role) => staffRoles.includes(role));
    // «Сотрудники» is for staff only.
    return rows
      .filter((row) => row.system_channel !== 'staff' || isStaff)
      .map((row) => ({ id: row.id, title: row.title, description: row.description, memberCount: row.member_count, systemChannel: row.system_channel, subscribed: row.subscribed }));
  }

  /** Subscribes to a channel of one's organization (a system channel follows membership by itself). */
  async function subscribe(identity: Identity | null, chatId: string): Promise<TChat> {
    const person = requireSignedIn(identity);
    const chat = await repository.findChat(db, chatId);
    if (!chat || chat.kind !== 'channel' || (await activeRoles(db, person.userId, chat.organization_id)).length === 0) throw notFound();
    if (chat.system_channel) throw conflict({ ru: 'На системный канал подписаны все, кому он адресован.', en: 'Everyone it is meant for is subscribed to a system channel.' });
    const now = clock.now();
    return transaction(db, async (tx) => {
      if (!(await repository.findMembership(tx.db, chatId, person.userId))) {
        await repository.addMembers(tx.db, { chatId, members: [{ userId: person.userId, role: 'member' }], now, fromSeq: 0 });
        await announceChat(tx, chatId, [person.userId]);
      }
      return (await chatFor(tx.db, person.userId, chatId))!;
    });
  }

  /** Pins a message for everyone (chat administrators; either person in a direct chat). */
  async function pin(identity: Identity | null, chatId: string, messageId: string | null): Promise<TChat> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    if (chat.kind !== 'direct') requireChatAdmin(membership);
    const now = clock.now();
    return transaction(db, async (tx) => {
      if (messageId) {
        const row = await repository.findMessage(tx.db, messageId);
        if (!row || row.chat_id !== chatId || row.seq <= membership.joinedSeq || row.deleted_at || row.kind === 'system') {
          throw invalidField('messageId', { ru: 'в этом чате нет такого сообщения', en: 'there is no such message in this chat' });
        }
        await repository.setPinned(tx.db, chatId, messageId);
        const [actor] = storedPeople(await repository.people(tx.db, chat.organization_id, [person.userId]));
        await postSystemMessage(tx, { eventLog, now }, chatId, { action: 'pinned', actor: actor!, subjects: [], title: row.body.slice(0, 100) });
      } else {
        await repository.setPinned(tx.db, chatId, null);
      }
      await announceChange(tx, chatId);
      return (await chatFor(tx.db, person.userId, chatId))!;
    });
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
    networkPeople,
    createChannel,
    listChannels,
    subscribe,
    pin,
  };
}
