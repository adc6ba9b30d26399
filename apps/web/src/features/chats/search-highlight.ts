/**
 * Showing why a message was found. The server searches with Russian morphology («контрольная»
 * finds «контрольной»), so the query's words are matched here by their beginnings: a word of the
 * text is marked when it starts with the stem of a query word. Only plain strings go in and out —
 * the result is rendered as text and <mark> elements, never as HTML.
 */
export type TextPart = { text: string; isMatch: boolean };

const wordPattern = /[\p{L}\p{N}]+/gu;

/** The stems of the query's words: long words lose their last letters (the ending that varies). */
export function queryStems(query: string): string[] {
  const words = query.toLocaleLowerCase('ru').match(wordPattern) ?? [];
  const stems = words.filter((word) => word.length >= 2).map((word) => (word.length > 5 ? word.slice(0, -2) : word.length > 3 ? word.slice(0, -1) : word));
  return [...new Set(stems)];
}

/** The text in parts, the words that match a stem marked. */
export function highlightParts(text: string, stems: readonly string[]): TextPart[] {
  const parts: TextPart[] = [];
  const push = (piece: string, isMatch: boolean) => {
    if (piece === '') return;
    const last = parts.at(-1);
    if (last && last.isMatch === isMatch) last.text += piece;
    else parts.push({ text: piece, isMatch });
  };
  let position = 0;
  for (const match of text.matchAll(wordPattern)) {
    const word = match[0];
    const isMatch = stems.some((stem) => word.toLocaleLowerCase('ru').startsWith(stem));
    if (!isMatch) continue;
    push(text.slice(position, match.index), false);
    push(word, true);
    position = match.index + word.length;
  }
  push(text.slice(position), false);
  return parts;
}

/** A piece of a long text around its first match, «…» where it was cut. */
export function excerptAround(text: string, stems: readonly string[], maxLength = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxLength) return flat;
  const first = highlightParts(flat, stems).findIndex((part) => part.isMatch);
  const offset = first <= 0 ? 0 : highlightParts(flat, stems).slice(0, first).reduce((sum, part) => sum + part.text.length, 0);
  const start = Math.max(0, Math.min(offset - 40, flat.length - maxLength));
  const piece = flat.slice(start, start + maxLength);
  return `${start > 0 ? '…' : ''}${piece}${start + maxLength < flat.length ? '…' : ''}`;
}
