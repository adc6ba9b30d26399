import { useEffect, useState, useSyncExternalStore } from 'react';
import { BroadcastSession, initialBroadcastState, liveSocketUrl } from './broadcast-session';

declare global {
  interface Window {
    /**
     * The receiving RTCPeerConnection of the broadcast open on this page, for the end-to-end
     * tests only: they read its getStats() (inbound-rtp framesDecoded) to prove that a viewer
     * really decodes the speakers' video. Nothing in the app reads it.
     */
    __partaBroadcastPeer?: RTCPeerConnection | undefined;
  }
}

const noSubscription = () => () => undefined;
const getIdleState = () => initialBroadcastState;

/**
 * The broadcast's live connection on this device while `socketPath` is given (a live broadcast);
 * closed when it is taken away or the page goes. `withCamera` lets it publish (speakers).
 */
export function useBroadcastSession(socketPath: string | null, { withCamera = false }: { withCamera?: boolean } = {}) {
  const [session, setSession] = useState<BroadcastSession | null>(null);
  useEffect(() => {
    if (!socketPath) return;
    const created = new BroadcastSession({
      url: liveSocketUrl(socketPath),
      createSocket: (url) => new WebSocket(url),
      createPeerConnection: (configuration) => new RTCPeerConnection(configuration),
      ...(withCamera ? { getUserMedia: (constraints: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(constraints) } : {}),
      onReceivingPeer: (pc) => {
        window.__partaBroadcastPeer = pc ?? undefined;
      },
      log: (message, detail) => console.warn(message, detail ?? ''),
    });
    setSession(created);
    created.start();
    return () => {
      created.close();
      setSession((current) => (current === created ? null : current));
    };
  }, [socketPath, withCamera]);
  const state = useSyncExternalStore(session?.subscribe ?? noSubscription, session?.getState ?? getIdleState);
  return { session, state };
}
