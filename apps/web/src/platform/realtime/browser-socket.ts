import { realtimePath } from '@parta/contracts';
import type { CreateSocket } from './realtime-client';

/** The gateway URL on this origin. The session cookie authenticates; no token ever goes in the URL. */
export function realtimeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${realtimePath}`;
}

export function createBrowserSocketFactory(url: string): CreateSocket {
  return (handlers) => {
    const socket = new WebSocket(url);
    socket.onopen = () => handlers.onOpen();
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') handlers.onMessage(event.data);
    };
    // An error is always followed by close; handling close alone avoids double reconnects.
    socket.onclose = (event) => handlers.onClose(event.code);
    return {
      send: (text) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(text);
      },
      close: (code, reason) => {
        socket.onopen = null;
        socket.onmessage = null;
        socket.onclose = null;
        socket.close(code, reason);
      },
    };
  };
}
