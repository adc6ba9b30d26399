import { uploadRules, type TUploadResponse } from '@parta/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbortError, isApiError } from '../../platform/api';
import { uploadOrderScan } from './registration-api';

const orderRules = uploadRules.appointment_order;
export const maxOrderBytes = orderRules.maxBytes;
/** For the file picker; the server decides by the content, never by the name. */
export const orderFileAccept = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';
const orderExtensions = ['.pdf', '.jpg', '.jpeg', '.png'];

export type OrderFileProblem = { kind: 'wrongType' } | { kind: 'tooLarge' } | { kind: 'failed'; error: unknown };

type ChosenFile = { name: string; size: number };
export type OrderUpload =
  | { state: 'empty'; wasCanceled: boolean }
  | ({ state: 'uploading'; loaded: number; total: number } & ChosenFile)
  | ({ state: 'uploaded'; uploaded: TUploadResponse } & ChosenFile)
  | ({ state: 'failed'; problem: OrderFileProblem } & ChosenFile);

/**
 * A quick look before sending, to spare a 10 MB upload that would be refused: a known type or
 * extension, within the size limit. Lenient on purpose (some systems report no type at all).
 */
export function precheckOrderFile(file: { name: string; type: string; size: number }): OrderFileProblem | null {
  const extension = /\.[^.]+$/.exec(file.name.toLowerCase())?.[0] ?? '';
  if (!orderRules.contentTypes.includes(file.type) && !orderExtensions.includes(extension)) return { kind: 'wrongType' };
  if (file.size > orderRules.maxBytes) return { kind: 'tooLarge' };
  return null;
}

function problemFromError(error: unknown): OrderFileProblem {
  if (isApiError(error) && error.code === 'unsupported_media_type') return { kind: 'wrongType' };
  if (isApiError(error) && error.code === 'payload_too_large') return { kind: 'tooLarge' };
  return { kind: 'failed', error };
}

/** The order scan's upload: starts when a file is chosen, reports progress, can be cancelled. */
export function useOrderUpload() {
  const [upload, setUpload] = useState<OrderUpload>({ state: 'empty', wasCanceled: false });
  const activeRef = useRef<AbortController | null>(null);

  useEffect(() => () => activeRef.current?.abort(), []);

  const start = useCallback((file: File) => {
    activeRef.current?.abort();
    activeRef.current = null;
    const chosen = { name: file.name, size: file.size };
    const problem = precheckOrderFile(file);
    if (problem) {
      setUpload({ state: 'failed', problem, ...chosen });
      return;
    }
    const controller = new AbortController();
    activeRef.current = controller;
    const isCurrent = () => activeRef.current === controller;
    setUpload({ state: 'uploading', loaded: 0, total: file.size, ...chosen });
    uploadOrderScan(file, {
      signal: controller.signal,
      onProgress: ({ loaded, total }) => {
        if (isCurrent()) setUpload({ state: 'uploading', loaded, total, ...chosen });
      },
    }).then(
      (uploaded) => {
        if (!isCurrent()) return;
        activeRef.current = null;
        setUpload({ state: 'uploaded', uploaded, name: uploaded.name, size: uploaded.size });
      },
      (error: unknown) => {
        if (!isCurrent()) return;
        activeRef.current = null;
        setUpload(isAbortError(error) ? { state: 'empty', wasCanceled: true } : { state: 'failed', problem: problemFromError(error), ...chosen });
      },
    );
  }, []);

  const cancel = useCallback(() => activeRef.current?.abort(), []);

  return { upload, start, cancel };
}
