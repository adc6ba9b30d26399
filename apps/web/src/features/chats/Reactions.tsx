import type { TMessage, TReactionEmoji } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { myReaction } from './use-message-actions';

type ReactionsProps = { message: TMessage; meId: string; onReact: (emoji: TReactionEmoji | null) => void };

/** The reactions under a message: each with its count; pressing one's own removes it, another replaces it. */
export function Reactions({ message, meId, onReact }: ReactionsProps) {
  const { t } = useTranslation();
  const mine = myReaction(message, meId);
  const shown = message.reactions.filter((reaction) => reaction.userIds.length > 0);
  if (shown.length === 0) return null;
  return (
    <ul className="reactions" aria-label={t('chats.reactions.label')}>
      {shown.map((reaction) => {
        const isMine = reaction.emoji === mine;
        return (
          <li key={reaction.emoji}>
            <button
              type="button"
              className={isMine ? 'reaction reaction--mine' : 'reaction'}
              aria-pressed={isMine}
              aria-label={t('chats.reactions.count', { emoji: reaction.emoji, count: reaction.userIds.length })}
              onClick={() => onReact(isMine ? null : reaction.emoji)}
            >
              <span aria-hidden="true">{reaction.emoji}</span>
              <span aria-hidden="true" className="reaction__count">
                {reaction.userIds.length}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
