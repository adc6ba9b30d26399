export { createChatsService, type ChatsService } from './chats.service.ts';
export { registerChatRoutes } from './chats.routes.ts';
