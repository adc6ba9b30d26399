export { createChatsService, type ChatsService } from './chats.service.ts';
export { createMessagesService, defaultSendLimit, type MessagesService, type SendLimit } from './messages.service.ts';
export { installSendLoadShedding, registerChatRoutes } from './chats.routes.ts';
export { createReportsService, type ReportsService } from './reports.service.ts';
export { registerAttachmentRoutes } from './attachments.routes.ts';
export { createChatInvitationsService, type ChatInvitationsService } from './chat-invitations.service.ts';
// For calls (modules/calls): who is in a chat, and its system messages.
export { requireChatMember } from './chats.service.ts';
export { postSystemMessage } from './system-messages.ts';
export { activeMemberIds as chatMemberIds, people as chatPeople } from './chats.repository.ts';
