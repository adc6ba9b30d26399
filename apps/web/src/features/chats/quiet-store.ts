import { useQuery, type QueryClient } from '@tanstack/react-query';

/**
 * Chats that got a message quietly (`message.created` with `quiet: true`: a parent wrote to staff
 * outside school hours). It is shown, but not read out and not counted for a sound or a
 * notification; the chat list marks the chat «тихо» until the person opens it. Kept in the query
 * cache beside the chats, so a sign-out forgets it too.
 */
export const quietChatsQueryKey = ['chats', 'quiet'] as const;
const none: readonly string[] = [];

export function configureQuietChats(queryClient: QueryClient): void {
  queryClient.setQueryDefaults(quietChatsQueryKey, { gcTime: Infinity, staleTime: Infinity });
}

function readQuietChats(queryClient: QueryClient): readonly string[] {
  return queryClient.getQueryData<readonly string[]>(quietChatsQueryKey) ?? none;
}

export function markChatQuiet(queryClient: QueryClient, chatId: string): void {
  const list = readQuietChats(queryClient);
  if (!list.includes(chatId)) queryClient.setQueryData(quietChatsQueryKey, [...list, chatId]);
}

export function clearChatQuiet(queryClient: QueryClient, chatId: string): void {
  const list = readQuietChats(queryClient);
  if (list.includes(chatId)) queryClient.setQueryData(quietChatsQueryKey, list.filter((id) => id !== chatId));
}

/** The chats marked «тихо» now. */
export function useQuietChats(): readonly string[] {
  // The query function only returns what is stored: a resync refetching everything keeps the marks.
  const { data } = useQuery({ queryKey: quietChatsQueryKey, queryFn: ({ client }) => readQuietChats(client), initialData: none });
  return data;
}
