import type { TSearchMessagesResponse } from '@parta/contracts';
import { useQuery } from '@tanstack/react-query';
import { useId, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../platform/i18n/format';
import { useMe } from '../../platform/session/use-me';
import { QueryStatus } from '../../ui/QueryStatus';
import { formatChatListTime } from './chat-time';
import { searchMessages, searchQueryKey } from './chats-api';
import { plainText } from './message-markup';
import { excerptAround, highlightParts, queryStems } from './search-highlight';
import { useSettled } from '../../ui/use-settled';

export type SearchResult = TSearchMessagesResponse['results'][number];

/** The server takes 2–200 characters. */
const minQueryLength = 2;

/** Text with the words that match the query in <mark> — React elements only, never HTML. */
export function Highlighted({ text, stems }: { text: string; stems: readonly string[] }) {
  return (
    <>
      {highlightParts(text, stems).map((part, index) => (part.isMatch ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
    </>
  );
}

type MessageSearchProps = {
  /** Within this chat; across all of the person's chats when null. */
  chatId: string | null;
  /** Names the search landmark: «Поиск по всем чатам», «Поиск в этом чате». */
  label: string;
  onOpen: (result: SearchResult) => void;
  /** Escape in an empty field (the chat closes its search panel). */
  onEscape?: () => void;
  inputRef?: Ref<HTMLInputElement>;
};

/**
 * «Поиск по сообщениям»: the server searches with Russian morphology (`GET /api/chats/search`);
 * the results show the chat, the author, the date and the text with the query's words marked.
 * Choosing one opens the chat at that message.
 */
export function MessageSearch({ chatId, label, onOpen, onEscape, inputRef }: MessageSearchProps) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const id = useId();
  const [query, setQuery] = useState('');
  const settled = useSettled(query.trim());
  const isReady = settled.length >= minQueryLength;
  const results = useQuery({ queryKey: searchQueryKey(settled, chatId), queryFn: ({ signal }) => searchMessages(settled, chatId, signal), enabled: isReady, staleTime: 30_000 });
  const stems = queryStems(settled);
  const found = results.data?.results;

  return (
    <div className="message-search" role="search" aria-label={label}>
      <label className="visually-hidden" htmlFor={id}>
        {t('chats.search.label')}
      </label>
      <input
        ref={inputRef}
        id={id}
        type="search"
        className="field__input message-search__input"
        placeholder={t('chats.search.label')}
        autoComplete="off"
        maxLength={200}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          event.stopPropagation();
          if (query !== '') setQuery('');
          else onEscape?.();
        }}
      />
      {query.trim().length > 0 && query.trim().length < minQueryLength && <p className="muted message-search__hint">{t('chats.search.tooShort')}</p>}
      {isReady && query.trim() !== '' && (
        <div className="message-search__results">
          <QueryStatus query={results} />
          {found && (
            <p className="muted message-search__count" role="status">
              {found.length === 0 ? t('chats.search.nothing') : t('chats.search.found', { count: found.length })}
            </p>
          )}
          {found && found.length > 0 && (
            <ul className="search-results" aria-label={t('chats.search.resultsLabel')}>
              {found.map((result) => {
                const date = new Date(result.message.createdAt);
                const author = result.message.author?.id === me.id ? t('chats.message.you') : (result.message.author?.displayName ?? '');
                return (
                  <li key={result.message.id}>
                    <button type="button" className="search-result" onClick={() => onOpen(result)}>
                      <span className="search-result__top">
                        {chatId === null && <span className="search-result__chat">{result.chatTitle}</span>}
                        <span className="search-result__author">{author}</span>
                        <time className="search-result__time" dateTime={result.message.createdAt} title={formatDateTime(date, i18n.language)}>
                          {formatChatListTime(date, i18n.language)}
                        </time>
                      </span>
                      <span className="search-result__text">
                        <Highlighted text={excerptAround(plainText(result.message.text), stems)} stems={stems} />
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
