export { createLocalFileStore, type FileStore } from './file-store.ts';
export { createS3FileStore, type S3FileStoreOptions } from './s3-file-store.ts';
export { createConfiguredFileStore } from './configured-file-store.ts';
export { headLength, isPlainText, isTextName, officeDocumentType, sniffContentType, sniffHead } from './sniff.ts';
export { ImageRefused, prepareImage, type PreparedImage } from './images.ts';
export { stripIsoMediaMetadata } from './media-metadata.ts';
export { contentDisposition, downloadName, parseRange, type ByteRange } from './http.ts';
