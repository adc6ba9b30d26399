import { uploadRules, ZSubmitApplicationResponse, ZUploadResponse, type TSubmitApplicationRequest } from '@parta/contracts';
import { api, uploadFile, type UploadProgress } from '../../platform/api';

/** ZUploadQuery.name allows 200 characters; a longer name is shortened, keeping its extension. */
const maxFileNameLength = 200;

export function fileNameForUpload(name: string): string {
  const clean = name.replace(/\p{Cc}/gu, '').trim() || 'file';
  if (clean.length <= maxFileNameLength) return clean;
  const extension = /\.[^.]{1,10}$/.exec(clean)?.[0] ?? '';
  return clean.slice(0, maxFileNameLength - extension.length) + extension;
}

/**
 * The scan of «приказ о назначении администратора»; anonymous callers may upload it. A type the
 * server does not list (a JPEG labelled "image/pjpeg", a scan with no type) goes as
 * application/octet-stream, so the server judges the content rather than refusing the label.
 */
export function uploadOrderScan(file: File, options: { onProgress: (progress: UploadProgress) => void; signal: AbortSignal }) {
  const query = new URLSearchParams({ purpose: 'appointment_order', name: fileNameForUpload(file.name) });
  const contentType = uploadRules.appointment_order.contentTypes.includes(file.type) ? file.type : 'application/octet-stream';
  return uploadFile(`/api/uploads?${query.toString()}`, file, ZUploadResponse, { ...options, contentType });
}

export function submitApplication(body: TSubmitApplicationRequest) {
  return api.post('/api/registration-applications', body, ZSubmitApplicationResponse);
}
