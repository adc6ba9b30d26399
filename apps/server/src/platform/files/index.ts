export { createLocalFileStore, type FileStore } from './file-store.ts';
export { sniffContentType } from './sniff.ts';
