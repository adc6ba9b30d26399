/** Helpers for serving stored files over HTTP: byte ranges and download names. */

export type ByteRange = { start: number; end: number };

/**
 * The one byte range a `Range` header asks for (RFC 9110 §14.2), clamped to the file; null to
 * send the whole file (no header, another unit, several ranges, or a malformed one — all of
 * which a server may ignore); 'unsatisfiable' when the range lies wholly past the end (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // The last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** Characters that must not reach a file name: control and invisible formatting ones (a right-to-left override can make «cod.exe» look like «exe.doc»). */
const unsafeCharacters = /[\p{Cc}\p{Cf}]/gu;

/**
 * The name a file is saved under: without control or formatting characters or path separators,
 * and ending in an extension of its real type — a PNG sent as «счёт.html» is saved as
 * «счёт.html.png», so that opening the saved file never hands it to the wrong program.
 */
export function downloadName(name: string, extensions: readonly string[]): string {
  let safe = name.replace(unsafeCharacters, '').replace(/[/\\]/g, '_').trim();
  if (safe === '' || /^\.+$/.test(safe)) safe = 'file';
  const extension = /\.([^.]+)$/.exec(safe)?.[1]?.toLowerCase();
  if (extensions.length > 0 && (!extension || !extensions.includes(extension))) safe = `${safe}.${extensions[0]}`;
  return safe;
}

/** RFC 5987 `ext-value` characters: everything else is percent-encoded from UTF-8. */
const encodeExtValue = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A `Content-Disposition` header with the name twice: `filename*` (RFC 5987/6266, UTF-8, which
 * every current browser reads, so «Расписание.pdf» keeps its Cyrillic name) and an ASCII
 * `filename` for older clients.
 */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
