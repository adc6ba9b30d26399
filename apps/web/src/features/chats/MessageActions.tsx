import { reactionEmoji, type TReactionEmoji } from '@parta/contracts';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDismiss } from '../../ui/use-dismiss';

export type MessageActionHandlers = {
  onReply?: (() => void) | undefined;
  onEdit?: (() => void) | undefined;
  onDelete?: (() => void) | undefined;
  onCopy?: (() => void) | undefined;
  onReact?: ((emoji: TReactionEmoji | null) => void) | undefined;
  onForward?: (() => void) | undefined;
  onPin?: (() => void) | undefined;
  onUnpin?: (() => void) | undefined;
  onReport?: (() => void) | undefined;
};

type MessageActionsProps = MessageActionHandlers & {
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
  /** The person's reaction now (pressed in the row of emoji). */
  myReaction: TReactionEmoji | null;
  /** Who wrote it, for the button's name: «Действия с сообщением: Анна Смирнова, 14:35». */
  description: string;
};

/**
 * «⋯» beside a message: reply, forward, pin, edit, copy, report, delete, and the eight reactions. A disclosure (button +
 * buttons), opened also by Enter on a focused message; it takes focus when it opens, Escape closes
 * it and returns focus to its button.
 */
export function MessageActions({ isOpen, onOpenChange, myReaction, description, onReply, onEdit, onDelete, onCopy, onReact, onForward, onPin, onUnpin, onReport }: MessageActionsProps) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  // Near the bottom of the list the menu opens upwards, so it is not cut off.
  const [opensUp, setOpensUp] = useState(false);

  const close = useCallback(
    (how: 'escape' | 'outside' | 'chosen') => {
      onOpenChange(false);
      if (how !== 'outside') toggleRef.current?.focus();
    },
    [onOpenChange],
  );
  useDismiss(containerRef, isOpen, close);

  useEffect(() => {
    if (!isOpen) return;
    const list = containerRef.current?.closest('.message-list__scroll');
    const toggle = toggleRef.current;
    if (list && toggle) {
      const listBox = list.getBoundingClientRect();
      setOpensUp(toggle.getBoundingClientRect().top > listBox.top + listBox.height / 2);
    }
    panelRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [isOpen]);

  const choose = (action: (() => void) | undefined) => () => {
    close('chosen');
    action?.();
  };

  return (
    <div className="message-actions" ref={containerRef}>
      <button ref={toggleRef} type="button" className="message-actions__toggle" aria-expanded={isOpen} aria-controls={panelId} onClick={() => onOpenChange(!isOpen)}>
        <span aria-hidden="true">⋯</span>
        <span className="visually-hidden">{t('chats.actions.open', { what: description })}</span>
      </button>
      <div ref={panelRef} id={panelId} className={opensUp ? 'message-actions__panel message-actions__panel--up' : 'message-actions__panel'} hidden={!isOpen}>
        {onReact && (
          <ul className="message-actions__reactions" aria-label={t('chats.reactions.choose')}>
            {reactionEmoji.map((emoji) => (
              <li key={emoji}>
                <button type="button" className="message-actions__emoji" aria-pressed={emoji === myReaction} aria-label={t('chats.reactions.react', { emoji })} onClick={choose(() => onReact(emoji === myReaction ? null : emoji))}>
                  {emoji}
                </button>
              </li>
            ))}
          </ul>
        )}
        <ul className="message-actions__list">
          {onReply && (
            <li>
              <button type="button" className="user-menu__item" onClick={choose(onReply)}>
                {t('chats.actions.reply')}
              </button>
            </li>
          )}
          {onForward && (
            <li>
              <button type="button" className="user-menu__item" onClick={choose(onForward)}>
                {t('chats.actions.forward')}
              </button>
            </li>
          )}
          {onPin && (
            <li>
              <button type="button" className="user-menu__item" onClick={choose(onPin)}>
                {t('chats.actions.pin')}
              </button>
            </li>
          )}
          {onUnpin && (
            <li>
              <button type="button" className="user-menu__item" onClick={choose(onUnpin)}>
                {t('chats.actions.unpin')}
              </button>
            </li>
          )}
          {onEdit && (
            <li>
              <button type="button" className="user-menu__item" onClick={choose(onEdit)}>
                {t('chats.actions.edit')}
              </button>
            </li>
          )}
          {onCopy && (
            <li>
              <button type="button" className="user-menu__item" onClick={choose(onCopy)}>
                {t('chats.actions.copy')}
              </button>
            </li>
          )}
          {onReport && (
            <li>
              <button type="button" className="user-menu__item" onClick={choose(onReport)}>
                {t('chats.actions.report')}
              </button>
            </li>
          )}
          {onDelete && (
            <li>
              <button type="button" className="user-menu__item message-actions__danger" onClick={choose(onDelete)}>
                {t('chats.actions.delete')}
              </button>
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}
