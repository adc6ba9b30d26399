import { useLayoutEffect, useRef, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useParams } from 'react-router';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { ChatListPane } from './ChatListPane';

/**
 * /chats and /chats/:chatId: the chat list beside the open chat. On a phone-size window the two
 * are separate screens (CSS: `data-chat-open` shows one of them), with a back link in the chat.
 */
export function ChatsPage() {
  const { chatId } = useParams();
  const layoutRef = useRef<HTMLDivElement>(null);
  useFillWindowBelow(layoutRef);
  return (
    <div ref={layoutRef} className="chats-layout" data-chat-open={chatId ? 'true' : 'false'}>
      {!chatId && <ChatsPageTitle />}
      <section className="chats-layout__list" aria-labelledby="page-title">
        <ChatListPane />
      </section>
      <div className="chats-layout__chat">
        <Outlet />
      </div>
    </div>
  );
}

/**
 * The chats fill the window below the header (whose height varies with the width and the
 * organization's name): `--chats-top` tells the stylesheet where they start.
 */
function useFillWindowBelow(ref: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => element.style.setProperty('--chats-top', `${Math.round(element.getBoundingClientRect().top + window.scrollY)}px`);
    update();
    window.addEventListener('resize', update);
    // The header grows when the organization's name arrives (or wraps): follow it.
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(update) : null;
    observer?.observe(document.body);
    return () => {
      window.removeEventListener('resize', update);
      observer?.disconnect();
    };
  }, [ref]);
}

/** The tab's title while no chat is open (an open chat names the tab itself). */
function ChatsPageTitle() {
  const { t } = useTranslation();
  usePageTitle(t('nav.chats'));
  return null;
}

/** /chats on a wide screen: the space where a chat opens. */
export function NoChatChosen() {
  const { t } = useTranslation();
  return (
    <div className="chat-placeholder">
      <p className="muted">{t('chats.chooseChat')}</p>
    </div>
  );
}
