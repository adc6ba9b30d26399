import type { RouteObject } from 'react-router';
import { NoChatChosen } from './ChatsPage';
import { ChatView } from './ChatView';

/** Under /chats: nothing chosen yet, or one chat. */
export const chatRoutes: RouteObject[] = [
  { index: true, element: <NoChatChosen /> },
  { path: ':chatId', element: <ChatView /> },
];
