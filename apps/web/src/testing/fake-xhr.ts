import { vi } from 'vitest';

type ProgressHandler = ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null;

/**
 * A stand-in for XMLHttpRequest as the uploader uses it: tests see what was sent, then play the
 * server with serverProgress() and serverRespond().
 */
export class FakeXMLHttpRequest {
  static instances: FakeXMLHttpRequest[] = [];

  method = '';
  url = '';
  readonly headers: Record<string, string> = {};
  body: Blob | null = null;
  status = 0;
  responseText = '';
  isAborted = false;
  private responseHeaders: Record<string, string> = {};
  readonly upload: { onprogress: ProgressHandler } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXMLHttpRequest.instances.push(this);
  }

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }

  send(body: Blob) {
    this.body = body;
  }

  abort() {
    this.isAborted = true;
    this.onabort?.();
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }

  // Test controls, playing the server.
  serverProgress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true });
  }

  serverRespond(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = body === undefined ? '' : JSON.stringify(body);
    this.responseHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    this.onload?.();
  }

  serverFailNetwork() {
    this.onerror?.();
  }

  static latest(): FakeXMLHttpRequest {
    const request = FakeXMLHttpRequest.instances.at(-1);
    if (!request) throw new Error('no XMLHttpRequest was sent');
    return request;
  }
}

export function stubXhr(): void {
  FakeXMLHttpRequest.instances = [];
  vi.stubGlobal('XMLHttpRequest', FakeXMLHttpRequest);
}
