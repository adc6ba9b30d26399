import { ZUploadResponse } from '@parta/contracts';
import { describe, expect, it, vi } from 'vitest';
import { FakeXMLHttpRequest } from '../../testing/fake-xhr';
import { ApiError } from './api-error';
import { createUploader, isAbortError } from './upload';

const uploaded = { uploadToken: 'tok_0123456789abcdefghijklmnop', name: 'prikaz.pdf', contentType: 'application/pdf', size: 4 };

function uploaderWithFake({ csrf }: { csrf: string | undefined } = { csrf: 'csrf-1' }) {
  const requests: FakeXMLHttpRequest[] = [];
  const upload = createUploader({
    createRequest: () => {
      const request = new FakeXMLHttpRequest();
      requests.push(request);
      return request as unknown as XMLHttpRequest;
    },
    readCsrfToken: () => csrf,
  });
  return { upload, requests };
}

describe('uploader', () => {
  it('POSTs the raw bytes with their type and the CSRF header, reports progress and checks the answer', async () => {
    const { upload, requests } = uploaderWithFake();
    const file = new File(['%PDF'], 'prikaz.pdf', { type: 'application/pdf' });
    const onProgress = vi.fn();
    const result = upload('/api/uploads?purpose=appointment_order&name=prikaz.pdf', file, ZUploadResponse, { onProgress });
    const request = requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/uploads?purpose=appointment_order&name=prikaz.pdf');
    expect(request.headers).toMatchObject({ 'content-type': 'application/pdf', 'x-csrf-token': 'csrf-1', accept: 'application/json' });
    expect(request.body).toBe(file);
    request.serverProgress(2, 4);
    expect(onProgress).toHaveBeenLastCalledWith({ loaded: 2, total: 4 });
    request.serverRespond(201, uploaded);
    await expect(result).resolves.toEqual(uploaded);
  });

  it('sends a file of unknown type as application/octet-stream and no CSRF header without a token', async () => {
    const { upload, requests } = uploaderWithFake({ csrf: undefined });
    const result = upload('/api/uploads', new File(['x'], 'scan'), ZUploadResponse);
    expect(requests[0]!.headers['content-type']).toBe('application/octet-stream');
    expect(requests[0]!.headers).not.toHaveProperty('x-csrf-token');
    requests[0]!.serverRespond(201, uploaded);
    await result;

    const labelled = upload('/api/uploads', new File(['x'], 'scan.jpg', { type: 'image/pjpeg' }), ZUploadResponse, { contentType: 'application/octet-stream' });
    expect(requests[1]!.headers['content-type']).toBe('application/octet-stream');
    requests[1]!.serverRespond(201, uploaded);
    await labelled;
  });

  it('turns error answers, network failures and contract drift into ApiErrors', async () => {
    const { upload, requests } = uploaderWithFake();
    const file = new File(['x'], 'a.txt', { type: 'text/plain' });

    const rejected = upload('/api/uploads', file, ZUploadResponse);
    requests[0]!.serverRespond(415, { error: { code: 'unsupported_media_type', message: 'Nope' } });
    await expect(rejected).rejects.toMatchObject({ status: 415, code: 'unsupported_media_type' });

    const tooLarge = upload('/api/uploads', file, ZUploadResponse);
    requests[1]!.serverRespond(413, undefined);
    await expect(tooLarge).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });

    const offline = upload('/api/uploads', file, ZUploadResponse);
    requests[2]!.serverFailNetwork();
    await expect(offline).rejects.toMatchObject({ status: 0, code: 'unavailable' });

    const drifted = upload('/api/uploads', file, ZUploadResponse);
    requests[3]!.serverRespond(201, { uploadToken: 42 });
    const error = await drifted.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'internal' });
  });

  it('aborts the request when the signal fires', async () => {
    const { upload, requests } = uploaderWithFake();
    const controller = new AbortController();
    const result = upload('/api/uploads', new File(['x'], 'a.pdf'), ZUploadResponse, { signal: controller.signal });
    controller.abort();
    expect(requests[0]!.isAborted).toBe(true);
    const error = await result.catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
  });
});
