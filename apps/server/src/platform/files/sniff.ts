/**
 * The type a file's content says it is, from its bytes ("magic numbers"); null when it is none of
 * the types Parta accepts. A file's name and the type the client claims are never trusted — with
 * one exception: plain text has no signature, so a file is taken as text only when its name ends
 * in `.txt` and its content is valid UTF-8 without NUL bytes.
 */

/** How many leading bytes `sniffHead` needs to decide every type it knows. */
export const headLength = 4096;

const ascii = (content: Uint8Array, offset: number, length: number) => String.fromCharCode(...content.subarray(offset, offset + length));
const startsWith = (content: Uint8Array, bytes: readonly number[], offset = 0) => content.length >= offset + bytes.length && bytes.every((byte, i) => content[offset + i] === byte);

const signatures: { contentType: string; bytes: number[]; offset?: number }[] = [
  { contentType: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { contentType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { contentType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { contentType: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38, 0x37, 0x61] }, // GIF87a
  { contentType: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61] }, // GIF89a
  { contentType: 'audio/ogg', bytes: [0x4f, 0x67, 0x67, 0x53, 0x00] }, // OggS, version 0
];

/** ISO base media files (MP4, MOV, M4A, and also HEIC/AVIF images): the `ftyp` box at offset 4 names brands. */
function isoMediaType(content: Uint8Array): string | null {
  if (content.length < 16 || ascii(content, 4, 4) !== 'ftyp') return null;
  const boxSize = Math.min(content.length, new DataView(content.buffer, content.byteOffset, content.byteLength).getUint32(0));
  const major = ascii(content, 8, 4);
  const compatible: string[] = [];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) compatible.push(ascii(content, offset, 4));
  const brands = [major, ...compatible];
  // Still images in an ISO container (HEIC, AVIF) are not accepted: browsers cannot all show them.
  if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis'].includes(major)) return null;
  if (['M4A ', 'M4B '].includes(major)) return 'audio/mp4';
  if (major === 'qt  ') return 'video/quicktime';
  const videoBrands = ['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'M4VH', 'M4VP', 'dash', 'MSNV', 'XAVC'];
  return brands.some((brand) => videoBrands.includes(brand)) ? 'video/mp4' : null;
}

/** Matroska's EBML header with the DocType `webm` (plain Matroska files are not accepted). */
function isWebm(content: Uint8Array): boolean {
  if (!startsWith(content, [0x1a, 0x45, 0xdf, 0xa3])) return false;
  const end = Math.min(content.length, 64);
  for (let i = 4; i + 2 < end; i++) {
    if (content[i] !== 0x42 || content[i + 1] !== 0x82) continue;
    // The DocType element: its size is an EBML variable-length integer.
    const first = content[i + 2]!;
    const sizeLength = Math.clz32(first) - 23;
    if (sizeLength < 1 || sizeLength > 8) return false;
    let size = first & (0xff >> sizeLength);
    for (let k = 1; k < sizeLength; k++) size = size * 256 + (content[i + 2 + k] ?? 0);
    return ascii(content, i + 2 + sizeLength, size) === 'webm';
  }
  return false;
}

// MPEG audio layer III frame headers: bit rates (kbit/s) and sample rates by version.
const bitRates = { v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160] };
const sampleRates: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** The length of the MP3 frame whose header starts at `offset`, or null when there is none. */
function mp3FrameLength(content: Uint8Array, offset: number): number | null {
  if (content.length < offset + 4) return null;
  const [b0, b1, b2] = [content[offset]!, content[offset + 1]!, content[offset + 2]!];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
  const layer = (b1 >> 1) & 3; // 1: layer III
  const bitRateIndex = b2 >> 4;
  const sampleRateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer !== 1 || bitRateIndex === 0 || bitRateIndex === 15 || sampleRateIndex === 3) return null;
  const bitRate = (version === 3 ? bitRates.v1 : bitRates.v2)[bitRateIndex]! * 1000;
  const sampleRate = sampleRates[version]![sampleRateIndex]!;
  const padding = (b2 >> 1) & 1;
  return Math.floor(((version === 3 ? 144 : 72) * bitRate) / sampleRate) + padding;
}

/** An ID3 tag, or an MPEG layer III frame followed by another one where the content reaches that far. */
function isMp3(content: Uint8Array): boolean {
  if (startsWith(content, [0x49, 0x44, 0x33]) && content.length >= 10 && content[3]! >= 2 && content[3]! <= 4) return true;
  const length = mp3FrameLength(content, 0);
  if (length === null) return false;
  return content.length < length + 4 || mp3FrameLength(content, length) !== null;
}

const isWebp = (content: Uint8Array) => content.length >= 16 && ascii(content, 0, 4) === 'RIFF' && ascii(content, 8, 4) === 'WEBP';

/**
 * What the first bytes of a file say: an accepted type, `'zip'` when it is a ZIP archive (an
 * office document only if its entries say so — see `officeDocumentType`), or null.
 */
export function sniffHead(head: Uint8Array): string | 'zip' | null {
  for (const { contentType, bytes, offset = 0 } of signatures) if (startsWith(head, bytes, offset)) return contentType;
  if (isWebp(head)) return 'image/webp';
  const iso = isoMediaType(head);
  if (iso) return iso;
  if (isWebm(head)) return 'video/webm';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (isMp3(head)) return 'audio/mpeg';
  return null;
}

const officeFolders: Record<string, string> = {
  'word/': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'xl/': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'ppt/': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
const decodeName = (bytes: Uint8Array) => {
  try {
    return utf8.decode(bytes);
  } catch {
    return String.fromCharCode(...bytes);
  }
};

/** The entry names of a ZIP archive, read from its local file headers. */
function zipEntryNames(zip: Uint8Array): string[] | null {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const localHeader = 0x04034b50;
  // The central directory lists every entry with the offset of its local header; each local
  // header is checked to be there and to carry the same name, so both views of the archive agree.
  const names: string[] = [];
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end >= 0) {
    const count = view.getUint16(end + 10, true);
    let offset = view.getUint32(end + 16, true);
    for (let n = 0; n < count; n++) {
      if (offset + 46 > zip.length || view.getUint32(offset, true) !== 0x02014b50) return null;
      const nameLength = view.getUint16(offset + 28, true);
      const local = view.getUint32(offset + 42, true);
      const name = zip.subarray(offset + 46, offset + 46 + nameLength);
      if (local + 30 + nameLength > zip.length || view.getUint32(local, true) !== localHeader || view.getUint16(local + 26, true) !== nameLength) return null;
      if (!startsWith(zip, [...name], local + 30)) return null;
      names.push(decodeName(name));
      offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
    }
    return names;
  }
  // No central directory found (a truncated archive): walk the local headers from the start, as
  // far as their sizes are known.
  let offset = 0;
  while (offset + 30 <= zip.length && view.getUint32(offset, true) === localHeader) {
    const flags = view.getUint16(offset + 6, true);
    const compressedSize = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    names.push(decodeName(zip.subarray(offset + 30, offset + 30 + nameLength)));
    if (flags & 0x08) break; // sizes follow the data: the next header cannot be found
    offset += 30 + nameLength + extraLength + compressedSize;
  }
  return names.length > 0 ? names : null;
}

/**
 * A Word, Excel or PowerPoint document (Office Open XML): a ZIP whose entries include
 * `[Content_Types].xml` and the `word/`, `xl/` or `ppt/` folder. Documents with macros are refused.
 */
export function officeDocumentType(zip: Uint8Array): string | null {
  const names = zipEntryNames(zip);
  if (!names?.includes('[Content_Types].xml')) return null;
  if (names.some((name) => name.toLowerCase().endsWith('vbaproject.bin'))) return null;
  const folder = Object.keys(officeFolders).find((prefix) => names.some((name) => name.startsWith(prefix)));
  return folder ? officeFolders[folder]! : null;
}

/** Valid UTF-8 without NUL bytes. */
export function isPlainText(content: Uint8Array): boolean {
  if (content.includes(0)) return false;
  try {
    utf8.decode(content);
    return true;
  } catch {
    return false;
  }
}

/** Whether a file so named is taken as text when its content is (plain text has no signature). */
export const isTextName = (name: string) => /\.txt$/i.test(name.trim());

/** The type of a whole file; `name` matters only for plain text. */
export function sniffContentType(content: Uint8Array, name = ''): string | null {
  const head = sniffHead(content.subarray(0, headLength));
  if (head === 'zip') return officeDocumentType(content);
  if (head) return head;
  return isTextName(name) && content.length > 0 && isPlainText(content) ? 'text/plain' : null;
}
