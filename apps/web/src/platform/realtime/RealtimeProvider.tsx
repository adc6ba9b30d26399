import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { meQueryKey } from '../session/me-api';
import { endSession } from '../session/session';
import { createBrowserSocketFactory, realtimeUrl } from './browser-socket';
import type { ConnectionState } from './connection-state';
import type { EventRegistry } from './event-registry';
import { createRealtimeClient, type RealtimeClient } from './realtime-client';
import { createSessionSeqStore } from './seq-store';

type RealtimeContextValue = { connectionState: ConnectionState; onEvent: EventRegistry['onEvent']; onSignal: EventRegistry['onSignal'] };

const RealtimeContext = createContext<RealtimeContextValue | null>(null);

const subscribeToNothing = () => () => {};

function sessionStorageIfAvailable(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/**
 * Keeps one realtime connection open for the signed-in person while the app shell is shown.
 * Events and signals go to the feature handlers in `registry`; a resync refetches every query.
 */
export function RealtimeProvider({ userId, registry, children }: { userId: string; registry: EventRegistry; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [client, setClient] = useState<RealtimeClient | null>(null);

  useEffect(() => {
    const storage = sessionStorageIfAvailable();
    const realtime = createRealtimeClient({
      createSocket: createBrowserSocketFactory(realtimeUrl(window.location)),
      seqStore: createSessionSeqStore(storage, userId),
      onEvent: (event) => registry.dispatch(event),
      onSignal: (signal) => registry.dispatchSignal(signal),
      onReady: () => registry.dispatchReady(),
      onRefetchAll: () => void queryClient.invalidateQueries(),
      onSessionEnded: () => endSession(queryClient, storage),
      // The upgrade is refused with a plain 401 when the session expired; asking /api/me tells.
      onConnectFailed: () => void queryClient.invalidateQueries({ queryKey: meQueryKey }),
      isBrowserOffline: () => navigator.onLine === false,
      log: (message, detail) => console.warn(message, detail ?? ''),
    });
    const onNetworkChange = () => realtime.handleNetworkChange();
    window.addEventListener('online', onNetworkChange);
    window.addEventListener('offline', onNetworkChange);
    setClient(realtime);
    realtime.start();
    return () => {
      window.removeEventListener('online', onNetworkChange);
      window.removeEventListener('offline', onNetworkChange);
      realtime.stop();
    };
  }, [userId, registry, queryClient]);

  const connectionState = useSyncExternalStore(
    client ? client.subscribe : subscribeToNothing,
    () => client?.getConnectionState() ?? 'connecting',
  );

  return <RealtimeContext value={{ connectionState, onEvent: registry.onEvent, onSignal: registry.onSignal }}>{children}</RealtimeContext>;
}

export function useRealtime(): RealtimeContextValue {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime() needs a RealtimeProvider above it');
  return value;
}
