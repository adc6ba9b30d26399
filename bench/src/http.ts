import http from 'node:http';

/**
 * A browser's HTTP connections to one server: keep-alive, at most 6 at a time (what browsers
 * allow per origin over HTTP/1.1); requests beyond that wait for a free connection, in the
 * browser as here. A load generator using one pool for everybody would instead open a connection
 * per waiting request and measure a connection storm that no real client causes.
 */
export const createBrowserConnections = () => new http.Agent({ keepAlive: true, maxSockets: 6 });

export type HttpResponse = { status: number; body: string };

/** One request over `agent`; rejects on network errors and when `signal` aborts. */
export function httpRequest(
  agent: http.Agent,
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers, ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }) };
    const request = http.request(url, { agent, method: options.method ?? 'GET', headers, ...(options.signal ? { signal: options.signal } : {}) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', (error) => reject(options.signal?.aborted ? options.signal.reason : error));
    request.end(options.body);
  });
}
