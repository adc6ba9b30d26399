/**
 * Parta's light message markup: **bold**, _italic_, `code` and http(s) links, nothing else. The
 * text is parsed into a small tree that MessageText renders as React elements — never as HTML —
 * so whatever a message contains (`<script>`, `<img onerror>`, `javascript:` links) stays text.
 */
export type MarkupNode =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'bold'; children: MarkupNode[] }
  | { type: 'italic'; children: MarkupNode[] }
  | { type: 'link'; href: string; text: string };

// In order of the groups: `code`, **bold**, _italic_ (not inside snake_case words), a bare http(s) address.
const inlinePattern = /`([^`\n]+)`|\*\*([^\n]+?)\*\*|(?<![\p{L}\p{N}_])_([^_\n]+?)_(?![\p{L}\p{N}_])|(https?:\/\/[^\s<>"'`]+)/giu;

/** Punctuation that ends a sentence rather than the address: «см. https://school.ru/plan.» */
const trailingPunctuation = /[.,;:!?»"'’”]+$/u;

/** The address if it is a well-formed http(s) URL, else null (only these become links). */
export function safeHttpUrl(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Splits a found address from what follows it: closing punctuation, an unmatched «)». */
function splitAddress(raw: string): { address: string; rest: string } {
  let address = raw.replace(trailingPunctuation, '');
  while (address.endsWith(')') && (address.match(/\(/g)?.length ?? 0) < (address.match(/\)/g)?.length ?? 0)) {
    address = address.slice(0, -1).replace(trailingPunctuation, '');
  }
  return { address, rest: raw.slice(address.length) };
}

function pushText(nodes: MarkupNode[], text: string) {
  if (text === '') return;
  const last = nodes.at(-1);
  if (last?.type === 'text') nodes[nodes.length - 1] = { type: 'text', text: last.text + text };
  else nodes.push({ type: 'text', text });
}

export function parseMarkup(text: string): MarkupNode[] {
  const nodes: MarkupNode[] = [];
  let position = 0;
  for (const match of text.matchAll(inlinePattern)) {
    const [whole, code, bold, italic, link] = match;
    const start = match.index;
    pushText(nodes, text.slice(position, start));
    position = start + whole.length;
    if (code !== undefined) nodes.push({ type: 'code', text: code });
    else if (bold !== undefined) nodes.push({ type: 'bold', children: parseMarkup(bold) });
    else if (italic !== undefined) nodes.push({ type: 'italic', children: parseMarkup(italic) });
    else if (link !== undefined) {
      const { address, rest } = splitAddress(link);
      const href = safeHttpUrl(address);
      if (href) nodes.push({ type: 'link', href, text: address });
      else pushText(nodes, address);
      pushText(nodes, rest);
    }
  }
  pushText(nodes, text.slice(position));
  return nodes;
}

/** The text without its markup: for excerpts in the chat list, quotes and announcements. */
export function plainText(text: string): string {
  const flatten = (nodes: MarkupNode[]): string => nodes.map((node) => (node.type === 'bold' || node.type === 'italic' ? flatten(node.children) : node.text)).join('');
  return flatten(parseMarkup(text));
}
