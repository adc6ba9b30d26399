import type { QueryClient } from '@tanstack/react-query';
import type { i18n } from 'i18next';
import { createI18n } from '../platform/i18n/i18n';
import { readStoredLanguage } from '../platform/i18n/languages';
import { createEventRegistry, type EventRegistry } from '../platform/realtime/event-registry';
import { endSession } from '../platform/session/session';
import { registerFeatureEventHandlers } from './event-handlers';
import { createAppQueryClient } from './query-client';

export type AppContext = { queryClient: QueryClient; registry: EventRegistry; i18n: i18n };

function localStorageIfAvailable(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function sessionStorageIfAvailable(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The composition root of the web app: built once in main.tsx and passed down explicitly. */
export function createAppContext(): AppContext {
  const queryClient = createAppQueryClient((client) => endSession(client, sessionStorageIfAvailable()));
  const registry = createEventRegistry({
    onInvalidPayload: (event, issues) => console.warn(`realtime: ${event.name} #${event.seq} does not match the contract`, issues),
    onHandlerError: (event, error) => console.error(`realtime: a handler for ${event.name} failed`, error),
  });
  const i18n = createI18n(readStoredLanguage(localStorageIfAvailable()));

  registerFeatureEventHandlers({ registry, queryClient });

  return { queryClient, registry, i18n };
}
