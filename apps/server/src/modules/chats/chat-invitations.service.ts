import type { TChat, TChatInvitation, TChatInvitationPreview, TCreateChatInvitationRequest, TCreatedChatInvitation } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB } from '../../platform/db/index.ts';
import { conflict, forbidden, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { activeRoles, requireSignedIn, staffRoles } from '../access/index.ts';
import { hashInvitationToken, invalidLink, invitationState, newInvitationToken } from '../invitations/index.ts';
import * as repository from './chats.repository.ts';
import { announceChatTo, checkAddable, requireChatAdmin, requireChatMember } from './chats.service.ts';
import { announceChatChange, postSystemMessage, storedPeople } from './system-messages.ts';
import { chatFor } from './views.ts';

export type ChatInvitationsService = ReturnType<typeof createChatInvitationsService>;

const dayMs = 86_400_000;

/**
 * Invitation links to a chat (group chats and channels), on the rules of organization links:
 * a 192-bit secret kept only as its hash, an expiry (7 days unless chosen, ≤ 30), a use limit,
 * immediate revocation, and one neutral answer for every invalid link. Only people of the chat's
 * organization can use one, and only where its maker could have added them by hand.
 */
export function createChatInvitationsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog; publicUrl: string }) {
  const { db, clock, eventLog } = deps;

  const toInvitation = (row: { id: string; max_uses: number; uses: number; expires_at: Date; created_at: Date; revoked_at: Date | null }): TChatInvitation => ({
    id: row.id,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    state: invitationState(row, clock.now()),
  });

  async function requireLinkManager(identity: Identity | null, chatId: string) {
    const member = await requireChatMember(db, identity, chatId);
    requireChatAdmin(member.membership);
    if (member.chat.kind === 'direct' || member.chat.class_id || member.chat.system_channel) {
      throw conflict({ ru: 'В этот чат приглашают не по ссылке: его участники определяются автоматически.', en: 'This chat takes no invitation links: its members are decided automatically.' });
    }
    if (!member.roles.some((role) => staffRoles.includes(role))) throw forbidden();
    return member;
  }

  async function create(identity: Identity | null, chatId: string, input: TCreateChatInvitationRequest): Promise<TCreatedChatInvitation> {
    const { person } = await requireLinkManager(identity, chatId);
    const now = clock.now();
    const token = newInvitationToken();
    const row = await db
      .insertInto('chat_invitations')
      .values({
        chat_id: chatId,
        token_hash: hashInvitationToken(token),
        max_uses: input.maxUses ?? 50,
        expires_at: new Date(now.getTime() + (input.expiresInDays ?? 7) * dayMs),
        created_by: person.userId,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toInvitation(row), token, url: `${deps.publicUrl}/chat-invite/${token}` };
  }

  async function list(identity: Identity | null, chatId: string): Promise<TChatInvitation[]> {
    await requireLinkManager(identity, chatId);
    const rows = await db.selectFrom('chat_invitations').selectAll().where('chat_id', '=', chatId).orderBy('created_at', 'desc').execute();
    return rows.map(toInvitation);
  }

  async function revoke(identity: Identity | null, chatId: string, invitationId: string): Promise<TChatInvitation> {
    await requireLinkManager(identity, chatId);
    const row = await db.updateTable('chat_invitations').set({ revoked_at: clock.now() }).where('id', '=', invitationId).where('chat_id', '=', chatId).returningAll().executeTakeFirst();
    if (!row) throw notFound();
    return toInvitation(row);
  }

  /** The link's chat, if it works and the person belongs to the chat's organization; otherwise the neutral 404. */
  async function usable(executor: Kysely<DB> | Transaction<DB>, identity: Identity | null, token: string, lock: boolean) {
    const person = requireSignedIn(identity);
    let query = executor.selectFrom('chat_invitations').selectAll().where('token_hash', '=', hashInvitationToken(token));
    if (lock) query = query.forUpdate();
    const invitation = await query.executeTakeFirst();
    if (!invitation || invitationState(invitation, clock.now()) !== 'active') throw invalidLink();
    const chat = (await repository.findChat(executor, invitation.chat_id))!;
    const roles = await activeRoles(executor, person.userId, chat.organization_id);
    if (roles.length === 0) throw invalidLink();
    return { person, invitation, chat };
  }

  async function preview(identity: Identity | null, token: string): Promise<TChatInvitationPreview> {
    const { person, chat } = await usable(db, identity, token, false);
    const organization = await db.selectFrom('organizations').select('short_name').where('id', '=', chat.organization_id).executeTakeFirstOrThrow();
    const members = await repository.activeMemberIds(db, chat.id);
    const alreadyMember = members.includes(person.userId);
    return { chatTitle: chat.title, kind: chat.kind, organizationShortName: organization.short_name, memberCount: members.length, alreadyMember, chatId: alreadyMember ? chat.id : null };
  }

  async function accept(identity: Identity | null, token: string): Promise<TChat> {
    const now = clock.now();
    return transaction(db, async (tx) => {
      const { person, invitation, chat } = await usable(tx.db, identity, token, true);
      if (!(await repository.findMembership(tx.db, chat.id, person.userId))) {
        // The link works only as far as its maker could have added this person by hand.
        const makerRoles = await activeRoles(tx.db, invitation.created_by, chat.organization_id);
        await checkAddable(tx.db, { userId: invitation.created_by, roles: makerRoles }, chat.organization_id, [person.userId], 'token').catch(() => {
          throw invalidLink();
        });
        await tx.db.updateTable('chat_invitations').set({ uses: invitation.uses + 1 }).where('id', '=', invitation.id).execute();
        await repository.addMembers(tx.db, { chatId: chat.id, members: [{ userId: person.userId, role: 'member' }], now, fromSeq: chat.last_seq });
        if (chat.kind !== 'channel') {
          await postSystemMessage(tx, { eventLog, now }, chat.id, { action: 'joined', actor: null, subjects: storedPeople(await repository.people(tx.db, chat.organization_id, [person.userId])), title: null });
        }
        await announceChatTo(tx, eventLog, chat.id, [person.userId]);
        await announceChatChange(tx, eventLog, chat.id);
      }
      return (await chatFor(tx.db, person.userId, chat.id))!;
    });
  }

  return { create, list, revoke, preview, accept };
}
