// Types for the parts of janode 1.8 (plain JavaScript, no bundled types) that the media layer uses.
// Only what media-servers.ts calls is declared; see node_modules/janode/src for the full API.

declare module 'janode' {
  type Listener = (...args: never[]) => void;

  interface JanodeEmitter {
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
    removeListener(event: string, listener: Listener): this;
  }

  export interface JanodeHandle extends JanodeEmitter {
    id: number;
    /** Sends a plugin message (request body, optional JSEP) and resolves with Janus's raw answer. */
    message(body: Record<string, unknown>, jsep?: unknown): Promise<JanusMessage>;
    trickle(candidate: unknown): Promise<void>;
    trickleComplete(): Promise<void>;
    hangup(): Promise<void>;
    detach(): Promise<void>;
  }

  export interface JanusMessage {
    janus: string;
    plugindata?: { plugin: string; data: Record<string, unknown> };
    jsep?: { type: string; sdp: string };
  }

  export interface JanodeSession extends JanodeEmitter {
    id: number;
    attach<H extends JanodeHandle>(plugin: { id: string; Handle: unknown }): Promise<H>;
    destroy(): Promise<void>;
  }

  export interface JanodeConnection extends JanodeEmitter {
    create(kaIntervalSeconds?: number): Promise<JanodeSession>;
    getInfo(): Promise<Record<string, unknown>>;
    close(): Promise<void>;
  }

  const Janode: {
    connect(config: {
      address: Array<{ url: string; apisecret?: string }>;
      retry_time_secs?: number;
      max_retries?: number;
    }): Promise<JanodeConnection>;
    Logger: { setLevel(level: 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'): string };
    EVENT: {
      CONNECTION_CLOSED: string;
      CONNECTION_ERROR: string;
      SESSION_DESTROYED: string;
      HANDLE_DETACHED: string;
      HANDLE_HANGUP: string;
      HANDLE_ICE_FAILED: string;
      HANDLE_WEBRTCUP: string;
      HANDLE_MEDIA: string;
      HANDLE_TRICKLE: string;
    };
  };
  export default Janode;
}

declare module 'janode/plugins/videoroom' {
  import type { JanodeHandle } from 'janode';

  type Jsep = { type: string; sdp: string };
  type Stream = Record<string, unknown> & { mid?: string; type?: string; feed_id?: number; feed_mid?: string };

  export interface VideoRoomHandle extends JanodeHandle {
    joinConfigurePublisher(params: { room: number; display?: string; jsep: Jsep; audio?: boolean; video?: boolean; data?: boolean }): Promise<{ feed: number; jsep?: Jsep; streams?: Stream[] }>;
    configure(params: { jsep?: Jsep; update?: boolean; restart?: boolean; streams?: unknown[] }): Promise<{ jsep?: Jsep; streams?: Stream[] }>;
    joinSubscriber(params: { room: number; streams: Array<{ feed: number; mid?: string }>; autoupdate?: boolean; use_msid?: boolean }): Promise<{ jsep?: Jsep; streams?: Stream[] }>;
    update(params: { subscribe?: Array<{ feed: number; mid?: string }>; unsubscribe?: Array<{ feed: number; mid?: string }> }): Promise<{ jsep?: Jsep; streams?: Stream[] }>;
    start(params: { jsep: Jsep }): Promise<unknown>;
    leave(): Promise<unknown>;
    create(params: Record<string, unknown>): Promise<{ room: number }>;
    destroy(params: { room: number; permanent?: boolean }): Promise<unknown>;
    exists(params: { room: number }): Promise<{ exists: boolean }>;
    kick(params: { room: number; feed: number }): Promise<unknown>;
    listParticipants(params: { room: number }): Promise<{ participants: Array<{ feed: number; display?: string; publisher: boolean; talking?: boolean }> }>;
    startForward(params: {
      room: number;
      feed: number;
      host: string;
      audio_port?: number;
      video_port?: number;
      streams?: Array<{ mid: string; port: number; host?: string }>;
    }): Promise<{ forwarders?: Array<Record<string, unknown>>; forwarder?: Record<string, unknown> }>;
    stopForward(params: { room: number; feed: number; stream: number }): Promise<unknown>;
  }

  const plugin: { id: string; Handle: unknown; EVENT: Record<string, string> };
  export default plugin;
}
