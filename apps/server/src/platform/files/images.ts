import sharp, { type Metadata, type SharpOptions } from 'sharp';

// libvips' operation cache keeps decoded images around for reuse; an upload is processed once.
sharp.cache(false);

/** Why an image was refused. */
export class ImageRefused extends Error {
  readonly reason: 'unreadable' | 'too_many_pixels';
  constructor(reason: 'unreadable' | 'too_many_pixels') {
    super(`image refused: ${reason}`);
    this.reason = reason;
    this.name = 'ImageRefused';
  }
}

export type PreparedImage = {
  /**
   * The image to store in place of the upload — re-encoded with its orientation applied and
   * without any metadata (EXIF with GPS position, XMP, IPTC, comments) — or null to store the
   * upload as it came (animated images; GIF has no EXIF).
   */
  content: Buffer | null;
  /** As shown, orientation applied. */
  width: number;
  height: number;
  /** A WebP at most `previewSize` px on its long side, without metadata. */
  preview: { content: Buffer; width: number; height: number };
};

const formats: Record<string, string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

/** Whether a WebP holds a lossless (VP8L) image: it is then re-encoded losslessly too. */
function isLosslessWebp(content: Buffer): boolean {
  for (let offset = 12; offset + 8 <= content.length; ) {
    const fourcc = content.toString('latin1', offset, offset + 4);
    if (fourcc === 'VP8L') return true;
    if (fourcc === 'VP8 ') return false;
    offset += 8 + content.readUInt32LE(offset + 4) + (content.readUInt32LE(offset + 4) % 2);
  }
  return false;
}

/**
 * Checks that `input` is a readable image of the sniffed type and at most `maxPixels` large,
 * and makes what Parta stores of it: the image without metadata, and a small preview.
 */
export async function prepareImage(input: Buffer, contentType: string, options: { maxPixels: number; previewSize: number }): Promise<PreparedImage> {
  const source = (extra: SharpOptions = {}) => sharp(input, { limitInputPixels: options.maxPixels, failOn: 'error', ...extra });
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRefused('unreadable');
  }
  // The content decides the type, and libvips must read it as that same type (not, say, as SVG).
  if (metadata.format !== formats[contentType]) throw new ImageRefused('unreadable');
  const pageHeight = metadata.pageHeight ?? metadata.height;
  if (metadata.width * pageHeight > options.maxPixels) throw new ImageRefused('too_many_pixels');
  const isAnimated = (metadata.pages ?? 1) > 1;
  try {
    const preview = await source({ pages: 1 })
      .autoOrient()
      .resize(options.previewSize, options.previewSize, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    const previewPart = { content: preview.data, width: preview.info.width, height: preview.info.height };
    if (contentType === 'image/gif' || isAnimated) {
      return { content: null, width: metadata.width, height: pageHeight, preview: previewPart };
    }
    // Without keepMetadata()/withExif() sharp writes no EXIF, XMP or IPTC; only the colour profile is kept.
    let pipeline = source().autoOrient().keepIccProfile();
    if (contentType === 'image/jpeg') pipeline = pipeline.jpeg({ quality: 90 });
    else if (contentType === 'image/png') pipeline = pipeline.png();
    else pipeline = pipeline.webp(isLosslessWebp(input) ? { lossless: true } : { quality: 90 });
    const cleaned = await pipeline.toBuffer({ resolveWithObject: true });
    return { content: cleaned.data, width: cleaned.info.width, height: cleaned.info.height, preview: previewPart };
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) throw new ImageRefused('too_many_pixels');
    throw new ImageRefused('unreadable');
  }
}
