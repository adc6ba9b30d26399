import type { TListChatsResponse, TListMessagesResponse } from '@parta/contracts';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MessagePages } from './message-pages';
import { chatListQueryKey, chatMembersQueryKey, chatMessagesQueryKey, chatQueryKey, contactsQueryKey, fetchChat, fetchChatMembers, fetchChats, fetchContacts, fetchMessages, fetchReaders, messagePageSize, readersQueryKey } from './chats-api';

/** Events keep these fresh; a refetch is needed only after a resync (which refetches every query). */
const liveStaleTime = 5 * 60_000;

/** The person's chats, newest activity first; shared by the list and the unread badge in the menu. */
export function useChatList() {
  return useQuery({ queryKey: chatListQueryKey, queryFn: ({ signal }) => fetchChats(signal), staleTime: liveStaleTime });
}

/** One chat; shown at once from the list when it is there. */
export function useChat(chatId: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: chatQueryKey(chatId),
    queryFn: ({ signal }) => fetchChat(chatId, signal),
    initialData: () => queryClient.getQueryData<TListChatsResponse>(chatListQueryKey)?.chats.find((chat) => chat.id === chatId),
    initialDataUpdatedAt: () => queryClient.getQueryState(chatListQueryKey)?.dataUpdatedAt,
    staleTime: liveStaleTime,
  });
}

/** A chat's history, newest page first; `fetchNextPage` brings older messages. */
export function useChatMessages(chatId: string) {
  return useInfiniteQuery<TListMessagesResponse, Error, MessagePages, ReturnType<typeof chatMessagesQueryKey>, number | null>({
    queryKey: chatMessagesQueryKey(chatId),
    queryFn: ({ pageParam, signal }) => fetchMessages(chatId, { beforeSeq: pageParam ?? undefined }, signal),
    initialPageParam: null,
    // A short page is the start of the history (or of what this member may see).
    getNextPageParam: (lastPage) => {
      const oldest = lastPage.messages.at(-1);
      return lastPage.messages.length < messagePageSize || !oldest || oldest.seq <= 1 ? undefined : oldest.seq;
    },
    staleTime: liveStaleTime,
  });
}

export function useChatMembers(chatId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: chatMembersQueryKey(chatId), queryFn: ({ signal }) => fetchChatMembers(chatId, signal), enabled });
}

export function useReaders(chatId: string, messageId: string, { enabled }: { enabled: boolean }) {
  return useQuery({ queryKey: readersQueryKey(chatId, messageId), queryFn: ({ signal }) => fetchReaders(chatId, messageId, signal), enabled });
}

export function useContacts(organizationId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: contactsQueryKey(organizationId), queryFn: ({ signal }) => fetchContacts(organizationId, signal), enabled });
}
