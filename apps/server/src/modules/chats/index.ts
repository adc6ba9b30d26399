export { createChatsService, type ChatsService } from './chats.service.ts';
export { createMessagesService, defaultSendLimit, type MessagesService, type SendLimit } from './messages.service.ts';
export { registerChatRoutes } from './chats.routes.ts';
