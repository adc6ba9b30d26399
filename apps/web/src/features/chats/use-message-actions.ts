import type { TMessage, TReactionEmoji } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { receiveMessage } from './chat-cache';
import { deleteMessage, editMessage, removeReaction, setReaction } from './chats-api';

/** Edit, delete and react: each answer is the message as it is now, put in the caches at once. */
export function useMessageActions(chatId: string) {
  const queryClient = useQueryClient();
  const onSuccess = (message: TMessage) => receiveMessage(queryClient, message, 'updated');
  const edit = useMutation({ mutationFn: ({ messageId, text }: { messageId: string; text: string }) => editMessage(chatId, messageId, text), onSuccess });
  const remove = useMutation({ mutationFn: (messageId: string) => deleteMessage(chatId, messageId), onSuccess });
  const react = useMutation({
    mutationFn: ({ messageId, emoji }: { messageId: string; emoji: TReactionEmoji | null }) => (emoji === null ? removeReaction(chatId, messageId) : setReaction(chatId, messageId, emoji)),
    onSuccess,
  });
  return { edit, remove, react };
}

/** The person's own reaction on a message (one per person), if any. */
export function myReaction(message: TMessage, meId: string): TReactionEmoji | null {
  return message.reactions.find((reaction) => reaction.userIds.includes(meId))?.emoji ?? null;
}
