import { attachmentKindOf, attachmentMaxBytes, isAttachmentContentType, uploadRules, type TAttachmentKind, type TUploadResponse } from '@parta/contracts';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { isAbortError, isApiError } from '../../platform/api';
import { uploadAttachment } from './chats-api';

/**
 * Files being attached to messages. Each uploads on its own as soon as it is chosen (with
 * progress), so a message can be sent before they finish: its pending copy shows them «загружается»
 * and the send waits for their tokens. The state lives in the query cache (every screen sees it,
 * a sign-out forgets it); the requests themselves — and the files, for a retry — in a map per app.
 */
export type UploadProblem = { kind: 'tooLarge'; maxBytes: number } | { kind: 'refused'; error: unknown };

export type AttachmentUpload = {
  id: string;
  name: string;
  size: number;
  /** The browser's idea of the type (the server decides from the content). */
  type: string;
  status: 'uploading' | 'uploaded' | 'failed';
  loaded: number;
  total: number;
  uploaded?: TUploadResponse;
  problem?: UploadProblem;
};

export const uploadsQueryKey = ['chats', 'uploads'] as const;
const noUploads: readonly AttachmentUpload[] = [];

type Running = { file: File; controller: AbortController; promise: Promise<TUploadResponse> };
const runningByApp = new WeakMap<QueryClient, Map<string, Running>>();

function runningOf(queryClient: QueryClient): Map<string, Running> {
  let running = runningByApp.get(queryClient);
  if (!running) runningByApp.set(queryClient, (running = new Map()));
  return running;
}

export function configureUploads(queryClient: QueryClient): void {
  queryClient.setQueryDefaults(uploadsQueryKey, { gcTime: Infinity, staleTime: Infinity });
}

function readUploads(queryClient: QueryClient): readonly AttachmentUpload[] {
  return queryClient.getQueryData<readonly AttachmentUpload[]>(uploadsQueryKey) ?? noUploads;
}

export function findUpload(queryClient: QueryClient, id: string): AttachmentUpload | undefined {
  return readUploads(queryClient).find((upload) => upload.id === id);
}

function changeUpload(queryClient: QueryClient, id: string, change: Partial<AttachmentUpload>): void {
  const list = readUploads(queryClient);
  if (!list.some((upload) => upload.id === id)) return;
  queryClient.setQueryData(
    uploadsQueryKey,
    list.map((upload) => (upload.id === id ? { ...upload, ...change } : upload)),
  );
}

/** The largest file of the kind the browser thinks it is; any kind's limit when it cannot tell. */
export function maxBytesFor(type: string): number {
  return isAttachmentContentType(type) ? attachmentMaxBytes[attachmentKindOf(type)] : uploadRules.chat_attachment.maxBytes;
}

/** The kind to show while a file uploads (the server's answer says what it really is). */
export function guessedKind(upload: Pick<AttachmentUpload, 'type' | 'uploaded'>): TAttachmentKind {
  return attachmentKindOf(upload.uploaded?.contentType ?? upload.type);
}

/** Whether a failed upload may succeed when tried again (no connection, the server busy). */
export function isRetryableUpload(upload: AttachmentUpload): boolean {
  if (upload.status !== 'failed' || upload.problem?.kind !== 'refused') return false;
  const { error } = upload.problem;
  return !isApiError(error) || error.status === 0 || error.status === 429 || error.status >= 500;
}

function run(queryClient: QueryClient, id: string, file: File): void {
  const controller = new AbortController();
  const promise = uploadAttachment(file, {
    signal: controller.signal,
    onProgress: ({ loaded, total }) => changeUpload(queryClient, id, { loaded, total }),
  });
  runningOf(queryClient).set(id, { file, controller, promise });
  promise.then(
    (uploaded) => changeUpload(queryClient, id, { status: 'uploaded', uploaded, loaded: file.size, total: file.size }),
    (error: unknown) => {
      // Removed by the person: the entry is gone already.
      if (isAbortError(error)) return;
      changeUpload(queryClient, id, { status: 'failed', problem: { kind: 'refused', error } });
    },
  );
}

/** Starts uploading a chosen file; returns its id. A file over its kind's limit is refused at once. */
export function startUpload(queryClient: QueryClient, file: File): string {
  const id = crypto.randomUUID();
  const maxBytes = maxBytesFor(file.type);
  const tooLarge = file.size > maxBytes;
  const upload: AttachmentUpload = {
    id,
    name: file.name,
    size: file.size,
    type: file.type,
    status: tooLarge ? 'failed' : 'uploading',
    loaded: 0,
    total: file.size,
    ...(tooLarge ? { problem: { kind: 'tooLarge', maxBytes } } : {}),
  };
  queryClient.setQueryData(uploadsQueryKey, [...readUploads(queryClient), upload]);
  if (!tooLarge) run(queryClient, id, file);
  return id;
}

/** Tries again the uploads that failed for a reason that may pass. */
export function restartFailedUploads(queryClient: QueryClient, ids: readonly string[]): void {
  for (const id of ids) {
    const upload = findUpload(queryClient, id);
    const running = runningOf(queryClient).get(id);
    if (!upload || !running || !isRetryableUpload(upload)) continue;
    changeUpload(queryClient, id, { status: 'uploading', loaded: 0, problem: undefined });
    run(queryClient, id, running.file);
  }
}

/** Stops an upload (if it still runs) and forgets it. */
export function removeUpload(queryClient: QueryClient, id: string): void {
  const running = runningOf(queryClient).get(id);
  runningOf(queryClient).delete(id);
  const list = readUploads(queryClient);
  if (list.some((upload) => upload.id === id)) queryClient.setQueryData(uploadsQueryKey, list.filter((upload) => upload.id !== id));
  running?.controller.abort();
}

/** Forgets uploads whose message is stored (or discarded). */
export function forgetUploads(queryClient: QueryClient, ids: readonly string[]): void {
  for (const id of ids) removeUpload(queryClient, id);
}

/** The upload failed: why, as the send reports it. */
export class UploadFailed extends Error {
  readonly upload: AttachmentUpload;
  constructor(upload: AttachmentUpload) {
    super(`upload of ${upload.name} failed`);
    this.upload = upload;
  }
}

/** The tokens of the uploads, in their order, once all of them are done; rejects when one failed. */
export async function waitForUploads(queryClient: QueryClient, ids: readonly string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const id of ids) {
    let upload = findUpload(queryClient, id);
    if (upload?.status === 'uploading') {
      await runningOf(queryClient)
        .get(id)
        ?.promise.catch(() => undefined);
      upload = findUpload(queryClient, id);
    }
    if (!upload) throw new Error('the upload was removed');
    if (upload.status !== 'uploaded' || !upload.uploaded) throw new UploadFailed(upload);
    tokens.push(upload.uploaded.uploadToken);
  }
  return tokens;
}

/** The uploads with these ids, in this order (missing ones left out). */
export function useUploads(ids: readonly string[]): readonly AttachmentUpload[] {
  const key = ids.join(',');
  const select = useCallback(
    (list: readonly AttachmentUpload[]) => key.split(',').flatMap((id) => list.filter((upload) => upload.id === id)),
    // `key` stands for `ids`: a new array with the same ids must not make a new selector.
    [key],
  );
  const { data } = useQuery({ queryKey: uploadsQueryKey, queryFn: ({ client }) => readUploads(client), initialData: noUploads, select });
  return data;
}
