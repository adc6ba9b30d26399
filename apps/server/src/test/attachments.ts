import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { TAttachment, TMessage } from '@parta/contracts';
import sharp from 'sharp';
import { asUser, type SignedIn, type TestApp } from './harness.ts';
import { upload } from './organizations.ts';

// Small valid files of every type a chat attachment may have, made here rather than checked in.

/** A ZIP archive of stored (uncompressed) entries, with local headers, central directory and end record. */
export function makeZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const contentTypes = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
export const sampleDocx = makeZip({ '[Content_Types].xml': contentTypes, '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>' });
export const sampleXlsx = makeZip({ '[Content_Types].xml': contentTypes, 'xl/workbook.xml': '<workbook/>' });
export const samplePptx = makeZip({ '[Content_Types].xml': contentTypes, 'ppt/presentation.xml': '<p:presentation/>' });
export const sampleDocm = makeZip({ '[Content_Types].xml': contentTypes, 'word/document.xml': '<w:document/>', 'word/vbaProject.bin': 'macro' });
export const plainZip = makeZip({ 'hello.txt': 'Привет' });

/** An ISO BMFF box. */
const box = (type: string, ...children: Buffer[]) => {
  const body = Buffer.concat(children);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};

/** Where the sample video says it was recorded (what a phone writes into ©xyz). */
export const sampleLocation = '+55.7558+037.6173/';

/** An MP4 as a phone writes it: ftyp, a movie box with a track and the recording's place, media data. */
export function makeMp4(majorBrand = 'isom'): Buffer {
  const ftyp = box('ftyp', Buffer.from(`${majorBrand}\0\0\x02\0isomiso2mp41`, 'latin1'));
  const mvhd = box('mvhd', Buffer.alloc(100));
  const trak = box('trak', box('tkhd', Buffer.alloc(84)), box('udta', box('name', Buffer.from('Camera', 'latin1'))));
  const location = Buffer.concat([Buffer.from([0, sampleLocation.length, 0x15, 0xc7]), Buffer.from(sampleLocation, 'latin1')]);
  const udta = box('udta', box('\xa9xyz', location));
  const meta = box('meta', box('keys', Buffer.from('com.apple.quicktime.location.ISO6709', 'latin1')), box('ilst', Buffer.from(sampleLocation, 'latin1')));
  const moov = box('moov', mvhd, trak, udta, meta);
  const mdat = box('mdat', Buffer.alloc(4000, 7));
  return Buffer.concat([ftyp, moov, mdat]);
}

/** An EBML header with the given DocType, then a few bytes of segment. */
export function makeMatroska(docType: 'webm' | 'matroska'): Buffer {
  const docTypeBytes = Buffer.from(docType, 'latin1');
  const fields = Buffer.concat([
    Buffer.from([0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3, 0x81, 0x08]),
    Buffer.from([0x42, 0x82, 0x80 | docTypeBytes.length]),
    docTypeBytes,
    Buffer.from([0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]),
  ]);
  return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | fields.length]), fields, Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(100)]);
}

/** Two MPEG-1 layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each), with or without an ID3 tag before them. */
export function makeMp3(withId3: boolean): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  const frames = Buffer.concat([frame, frame]);
  return withId3 ? Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1'), frames]) : frames;
}

export const sampleOgg = Buffer.concat([Buffer.from('OggS\0\x02', 'latin1'), Buffer.alloc(200)]);

/** A photo as a phone takes it: held sideways (EXIF orientation 6), with the camera and the GPS position in EXIF. */
export function makePhoto(width = 1200, height = 800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'TestPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '55/1 45/1 2088/100', GPSLongitudeRef: 'E', GPSLongitude: '37/1 37/1 228/100' } })
    .toBuffer();
}

export function makeImage(format: 'png' | 'gif' | 'webp', width = 300, height = 200): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 4, background: { r: 20, g: 120, b: 200, alpha: 1 } } });
  return image[format]().toBuffer();
}

/** Uploads a chat attachment as `as`; returns the response. */
export const uploadAttachment = (t: TestApp, content: Buffer, name: string, as: SignedIn | null, extra: { contentType?: string } = {}) =>
  upload(t, content, { purpose: 'chat_attachment', name, ...(as ? { as } : {}), ...extra });

/**
 * Sends a message with attachments through the API (`attachmentTokens`). Resolves with the stored
 * message's id, seq and attachments; rejects with `{ status, fields }` when the server refuses.
 */
export async function postWithAttachments(t: TestApp, chatId: string, author: SignedIn, uploadTokens: string[], text = ''): Promise<{ messageId: string; seq: number; attachments: TAttachment[] }> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/chats/${chatId}/messages`,
    headers: asUser(author),
    payload: { clientId: randomUUID(), text, ...(uploadTokens.length > 0 ? { attachmentTokens: uploadTokens } : {}) },
  });
  if (response.statusCode >= 300) throw { status: response.statusCode, fields: response.json<{ error: { fields?: Record<string, string> } }>().error.fields ?? {} };
  const message = response.json<TMessage>();
  return { messageId: message.id, seq: message.seq, attachments: message.attachments };
}
