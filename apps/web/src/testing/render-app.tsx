import { QueryClientProvider } from '@tanstack/react-query';
import { configure, render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import { registerFeatureEventHandlers } from '../app/event-handlers';
import { createAppQueryClient } from '../app/query-client';
import { createRoutes } from '../app/router';
import { createI18n } from '../platform/i18n/i18n';
import { createEventRegistry } from '../platform/realtime/event-registry';
import { endSession } from '../platform/session/session';

// The whole workspace's tests run in parallel on two cores; the default 1 s for findBy… is too
// tight for a full render there, and a timeout is not what these tests are about.
configure({ asyncUtilTimeout: 5_000 });

export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> };
/** An answer now, later (a promise the test resolves: to see what shows while a request runs), or none (404); throwing fails like a lost network. */
export type FakeRoute = (request: { method: string; url: string; body: unknown; headers: Record<string, string> }) => FakeAnswer | Promise<FakeAnswer> | undefined;

/** Replaces fetch with a tiny fake server; unknown routes answer 404 like the real one. */
export function stubFetch(route: FakeRoute) {
  const calls: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const request = {
      method: init.method ?? 'GET',
      url: String(input),
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      headers: (init.headers ?? {}) as Record<string, string>,
    };
    calls.push(request);
    const answer = (await route(request)) ?? { status: 404, body: { error: { code: 'not_found', message: 'Not found' } } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  });
  vi.stubGlobal('fetch', fetchStub);
  return calls;
}

/** Renders the real route table at `path`, with the same providers as the app. */
export function renderApp(path: string, language: 'ru' | 'en' = 'ru') {
  const queryClient = createAppQueryClient((client) => endSession(client, window.sessionStorage));
  const registry = createEventRegistry();
  registerFeatureEventHandlers({ registry, queryClient });
  const i18n = createI18n(language);
  const router = createMemoryRouter(createRoutes(registry), { initialEntries: [path] });
  const view = render(
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </I18nextProvider>,
  );
  return { ...view, router, queryClient, i18n, registry };
}

export const testMe = {
  id: '5f0c3b8e-2a57-4a8e-9d6c-3f1f2b7c9a10',
  displayName: 'Мария Петрова',
  email: 'ivanova@school.ru',
  phone: null,
  locale: 'ru' as const,
  isOperator: false,
  createdAt: '2026-01-01T00:00:00.000Z',
};
