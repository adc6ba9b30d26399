import { ZOutboxResponse } from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DevOutbox } from '../../platform/mail/index.ts';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * Development-only outbox: the messages Parta would have e-mailed or texted. Registered only when
 * NODE_ENV is not production, so in production these paths answer 404.
 */
export function registerDevOutboxRoutes(app: FastifyInstance, outbox: DevOutbox) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/dev/outbox',
    { schema: { summary: 'Development outbox (not in production)', tags: ['dev'], querystring: z.object({}).strict(), response: { 200: ZOutboxResponse } } },
    async () => ({ messages: outbox.list() }),
  );

  r.get('/dev/outbox', { schema: { summary: 'Development outbox page (not in production)', tags: ['dev'], querystring: z.object({}).strict() } }, async (_request, reply) => {
    const rows = outbox
      .list()
      .map(
        (m) =>
          `<li><p><strong>${escapeHtml(m.to)}</strong> · ${escapeHtml(m.subject)} · <time datetime="${m.sentAt}">${escapeHtml(new Date(m.sentAt).toLocaleString('ru-RU'))}</time></p><pre>${escapeHtml(m.text)}</pre></li>`,
      )
      .join('\n');
    void reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store');
    return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Исходящие (разработка) — Парта</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}li{border-bottom:1px solid #ddd;padding:.5rem 0}pre{white-space:pre-wrap;font-size:1.05rem}</style></head>
<body><main><h1>Исходящие сообщения</h1><p>Режим разработки: письма и SMS не отправляются, а показываются здесь и в журнале сервера. <a href="/dev/outbox">Обновить</a> · <a href="/">Парта</a></p>
${rows ? `<ol reversed>${rows}</ol>` : '<p>Сообщений пока нет.</p>'}</main></body></html>`;
  });
}
