import type { TPersonRef } from '@parta/contracts';
import { Fragment, type ReactNode } from 'react';
import { parseMarkup, type MarkupNode } from './message-markup';

type Mentioned = { people: readonly TPersonRef[]; meId: string | undefined };

/** Splits plain text at each «@Имя» of a person the message mentions (longest names first). */
export function splitMentions(text: string, people: readonly TPersonRef[]): ({ text: string } | { text: string; person: TPersonRef })[] {
  const named = people.filter((person) => person.displayName !== '').toSorted((a, b) => b.displayName.length - a.displayName.length);
  if (named.length === 0) return [{ text }];
  const parts: ({ text: string } | { text: string; person: TPersonRef })[] = [];
  let rest = text;
  while (rest !== '') {
    let best: { index: number; person: TPersonRef } | null = null;
    for (const person of named) {
      const index = rest.indexOf(`@${person.displayName}`);
      if (index !== -1 && (best === null || index < best.index)) best = { index, person };
    }
    if (!best) {
      parts.push({ text: rest });
      break;
    }
    if (best.index > 0) parts.push({ text: rest.slice(0, best.index) });
    const mention = `@${best.person.displayName}`;
    parts.push({ text: mention, person: best.person });
    rest = rest.slice(best.index + mention.length);
  }
  return parts;
}

function renderText(text: string, mentioned: Mentioned | undefined, key: number): ReactNode {
  if (!mentioned || mentioned.people.length === 0) return <Fragment key={key}>{text}</Fragment>;
  return (
    <Fragment key={key}>
      {splitMentions(text, mentioned.people).map((part, index) =>
        'person' in part ? (
          <span key={index} className={part.person.id === mentioned.meId ? 'mention mention--me' : 'mention'}>
            {part.text}
          </span>
        ) : (
          <Fragment key={index}>{part.text}</Fragment>
        ),
      )}
    </Fragment>
  );
}

function renderNodes(nodes: MarkupNode[], mentioned: Mentioned | undefined): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return renderText(node.text, mentioned, index);
      case 'code':
        return <code key={index}>{node.text}</code>;
      case 'bold':
        return <strong key={index}>{renderNodes(node.children, mentioned)}</strong>;
      case 'italic':
        return <em key={index}>{renderNodes(node.children, mentioned)}</em>;
      case 'link':
        return (
          <a key={index} href={node.href} target="_blank" rel="noopener noreferrer">
            {node.text}
          </a>
        );
    }
  });
}

/**
 * A message's text with its light markup, as React elements (never HTML); line breaks kept by
 * CSS. The people it mentions («@Анна Смирнова») are highlighted, the person themself more.
 */
export function MessageText({ text, mentions, meId }: { text: string; mentions?: readonly TPersonRef[]; meId?: string }) {
  const mentioned = mentions && mentions.length > 0 ? { people: mentions, meId } : undefined;
  return <span className="message-text">{renderNodes(parseMarkup(text), mentioned)}</span>;
}
