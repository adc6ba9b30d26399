export { createChatsService, type ChatsService } from './chats.service.ts';
export { createMessagesService, defaultSendLimit, type MessagesService, type SendLimit } from './messages.service.ts';
export { installSendLoadShedding, registerChatRoutes } from './chats.routes.ts';
export { createReportsService, type ReportsService } from './reports.service.ts';
export { registerAttachmentRoutes } from './attachments.routes.ts';
export { createChatInvitationsService, type ChatInvitationsService } from './chat-invitations.service.ts';
