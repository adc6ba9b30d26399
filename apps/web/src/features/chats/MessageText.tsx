import { Fragment, type ReactNode } from 'react';
import { parseMarkup, type MarkupNode } from './message-markup';

function renderNodes(nodes: MarkupNode[]): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return <Fragment key={index}>{node.text}</Fragment>;
      case 'code':
        return <code key={index}>{node.text}</code>;
      case 'bold':
        return <strong key={index}>{renderNodes(node.children)}</strong>;
      case 'italic':
        return <em key={index}>{renderNodes(node.children)}</em>;
      case 'link':
        return (
          <a key={index} href={node.href} target="_blank" rel="noopener noreferrer">
            {node.text}
          </a>
        );
    }
  });
}

/** A message's text with its light markup, as React elements (never HTML); line breaks kept by CSS. */
export function MessageText({ text }: { text: string }) {
  return <span className="message-text">{renderNodes(parseMarkup(text))}</span>;
}
