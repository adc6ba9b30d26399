import { open } from 'node:fs/promises';

/** Boxes that hold a recording's user data (place, device, title) and nothing a player needs. */
const metadataBoxes = new Set(['udta', 'meta']);
/** At the top level, XMP packets also travel in `uuid` boxes. */
const topLevelMetadataBoxes = new Set(['udta', 'meta', 'uuid']);

type Box = { type: string; offset: number; size: number; headerSize: number };

/**
 * Removes the user metadata of an MP4/MOV file in place: phones store the place a video was
 * recorded in `moov/udta` (©xyz) and `moov/meta` (com.apple.quicktime.location.ISO6709). Each such
 * box becomes a `free` box of the same size filled with zeros: no offset in the file changes, so
 * the video plays as before, and the metadata is gone, not just hidden. Returns how many boxes
 * were blanked.
 */
export async function stripIsoMediaMetadata(filePath: string): Promise<number> {
  const file = await open(filePath, 'r+');
  try {
    const { size: fileSize } = await file.stat();
    const header = Buffer.alloc(16);

    async function readBox(offset: number, end: number): Promise<Box | null> {
      if (offset + 8 > end) return null;
      const { bytesRead } = await file.read(header, 0, 16, offset);
      if (bytesRead < 8) return null;
      const size32 = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let size = size32;
      let headerSize = 8;
      if (size32 === 1) {
        if (bytesRead < 16) return null;
        size = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (size32 === 0) {
        size = end - offset; // to the end of the enclosing box
      }
      if (size < headerSize || offset + size > end) return null;
      return { type, offset, size, headerSize };
    }

    async function children(start: number, end: number): Promise<Box[]> {
      const boxes: Box[] = [];
      for (let offset = start, box = await readBox(offset, end); box; offset += box.size, box = await readBox(offset, end)) boxes.push(box);
      return boxes;
    }

    let blanked = 0;
    const zeros = Buffer.alloc(64 * 1024);
    const blank = async (box: Box) => {
      await file.write(Buffer.from('free', 'latin1'), 0, 4, box.offset + 4);
      for (let at = box.offset + box.headerSize, end = box.offset + box.size; at < end; at += zeros.length) await file.write(zeros, 0, Math.min(zeros.length, end - at), at);
      blanked += 1;
    };
    for (const top of await children(0, fileSize)) {
      if (topLevelMetadataBoxes.has(top.type)) await blank(top);
      if (top.type !== 'moov') continue;
      for (const child of await children(top.offset + top.headerSize, top.offset + top.size)) {
        if (metadataBoxes.has(child.type)) await blank(child);
        if (child.type !== 'trak') continue;
        for (const inner of await children(child.offset + child.headerSize, child.offset + child.size)) if (metadataBoxes.has(inner.type)) await blank(inner);
      }
    }
    return blanked;
  } finally {
    await file.close();
  }
}
