import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { meQueryKey } from '../session/me-api';
import { endSession } from '../session/session';
import { createBrowserSocketFactory, realtimeUrl } from './browser-socket';
import type { ConnectionState } from './connection-state';
import type { EventRegistry } from './event-registry';
import { createRealtimeClient, type RealtimeClient } from './realtime-client';
import { createSessionSeqStore } from './seq-store';

type RealtimeContextValue = {
  connectionState: ConnectionState;
  onEvent: EventRegistry['onEvent'];
  onSignal: EventRegistry['onSignal'];
  onReady: EventRegistry['onReady'];
  /** Sends call signalling on the current connection; false while disconnected. */
  send: RealtimeClient['send'];
  /** The current connection's id (a device in a call is named by it); null while disconnected. */
  getConnectionId: RealtimeClient['getConnectionId'];
};

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

  const send = useCallback<RealtimeClient['send']>((message) => client?.send(message) ?? false, [client]);
  const getConnectionId = useCallback(() => client?.getConnectionId() ?? null, [client]);
  const value = useMemo(
    () => ({ connectionState, onEvent: registry.onEvent, onSignal: registry.onSignal, onReady: registry.onReady, send, getConnectionId }),
    [connectionState, registry, send, getConnectionId],
  );
  return <RealtimeContext value={value}>{children}</RealtimeContext>;
}

export function useRealtime(): RealtimeContextValue {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime() needs a RealtimeProvider above it');
  return value;
}
