/**
 * The type a file's content says it is, from its first bytes ("magic numbers"); null when it is
 * none of the types Parta accepts. A file's name and the type the client claims are never trusted.
 */
const signatures: { contentType: string; bytes: number[]; offset?: number }[] = [
  { contentType: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { contentType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { contentType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

export function sniffContentType(content: Uint8Array): string | null {
  for (const { contentType, bytes, offset = 0 } of signatures) {
    if (content.length >= offset + bytes.length && bytes.every((byte, i) => content[offset + i] === byte)) return contentType;
  }
  return null;
}
