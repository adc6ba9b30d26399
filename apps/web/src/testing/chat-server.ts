import type { TChat, TMessage, TRole } from '@parta/contracts';
import { FakeWebSocket } from './fake-websocket';
import { stubFetch, type FakeRoute } from './render-app';
import { routes, schoolWithRoles, signedInTo } from './school-fixtures';

/**
 * A fake chats server for the web tests: the list, each chat and its history (pages by
 * beforeSeq/afterSeq, with the posts the person confirmed) and the calls' ICE servers (none);
 * `extra` answers first.
 */
export function chatServer(chats: TChat[], histories: Record<string, TMessage[]>, extra?: FakeRoute, roles: TRole[] = ['teacher'], acknowledged: string[] = []) {
  return stubFetch(
    routes(signedInTo(schoolWithRoles(roles)), (request) => extra?.(request), ({ method, url }) => {
      if (method === 'GET' && url === '/api/chats') return { status: 200, body: { chats } };
      const chatMatch = /^\/api\/chats\/([\w-]+)$/.exec(url);
      if (method === 'GET' && chatMatch) {
        const found = chats.find((item) => item.id === chatMatch[1]);
        return found ? { status: 200, body: found } : undefined;
      }
      const historyMatch = /^\/api\/chats\/([\w-]+)\/messages\?(.*)$/.exec(url);
      if (method === 'GET' && historyMatch) {
        const params = new URLSearchParams(historyMatch[2]);
        const all = histories[historyMatch[1]!] ?? [];
        const page = (messages: TMessage[]) => ({ status: 200, body: { messages, acknowledged: acknowledged.filter((id) => messages.some((item) => item.id === id)) } });
        if (params.has('afterSeq')) return page(all.filter((item) => item.seq > Number(params.get('afterSeq'))));
        const before = params.has('beforeSeq') ? Number(params.get('beforeSeq')) : Infinity;
        return page(all.filter((item) => item.seq < before).reverse());
      }
      if (method === 'POST' && /\/(read|typing)$/.test(url)) return { status: 204 };
      // No STUN/TURN configured: calls connect with host candidates only.
      if (method === 'GET' && url === '/api/media/ice-servers') return { status: 200, body: { iceServers: [], expiresAt: null } };
      return undefined;
    }),
  );
}

/** Opens the socket as the server would, ready at `seq`. */
export function connect(seq = 10) {
  const socket = FakeWebSocket.latest();
  socket.serverOpen();
  socket.serverSend({ type: 'ready', seq });
  return socket;
}
