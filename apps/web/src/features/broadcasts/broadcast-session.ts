import { broadcastCloseCodes, ZBroadcastServerMessage, type TBroadcastClientMessage, type TBroadcastStream, type TIceCandidate, type TPublicBroadcast } from '@parta/contracts';
import type { z } from 'zod';
import { reconnectDelayMs } from '../../platform/realtime/backoff';
import { candidateOf } from '../calls/call-session';

/**
 * One device's side of a broadcast, without React: the broadcast's own WebSocket (the watch link's
 * for viewers, the studio's for speakers), what the device receives from the media server, and
 * for a speaker what it publishes (docs/subsystems/broadcasts.md).
 *
 * - Receiving: the server decides what the device gets and sends an `offer` (each m-line labelled
 *   with its speaker) whenever the speakers on air change; one RTCPeerConnection answers it.
 *   `no-streams` drops it.
 * - Publishing (speakers): a separate, send-only RTCPeerConnection; its offer goes as `publish`,
 *   the media server's `answer` comes back.
 * - The STUN/TURN servers for both connections come from the socket (`ice-servers`, its first
 *   message, with TURN credentials of its own); a speaker publishes only once they have come —
 *   after pressing «Выйти в эфир» and again after a reconnect.
 * - The socket reconnects with backoff, except when the broadcast ended, the link was revoked or
 *   nothing is found under it: those are final and said to the person.
 */

export type BroadcastTile = { speaker: string; stream: MediaStream };

/** Why the socket closed for good (`noMedia`: the video never connected; the viewer may try again by hand). */
export type BroadcastEnd = 'ended' | 'revoked' | 'notFound' | 'noMedia';

export type BroadcastSessionState = {
  connection: 'connecting' | 'open' | 'reconnecting' | 'closed';
  end: BroadcastEnd | null;
  /** The broadcast as the socket last described it. */
  broadcast: TPublicBroadcast | null;
  /** What this device receives: one tile per speaker on air, in the server's order. */
  tiles: BroadcastTile[];
  /** (Speakers) whether this device publishes: starting until the media server answers. */
  onAir: 'off' | 'starting' | 'on';
  localStream: MediaStream | null;
  micMuted: boolean;
  cameraOff: boolean;
  /** No camera or microphone could be opened (an i18n key's last part). */
  problem: 'noDevices' | null;
  /** The server's localized refusal (`error` message). */
  error: string | null;
};

/** The part of a WebSocket this uses (the browser's, or a stand-in in tests). */
export type LiveSocket = Pick<WebSocket, 'readyState' | 'onopen' | 'onmessage' | 'onclose' | 'send' | 'close'>;

export type BroadcastSessionDeps = {
  url: string;
  createSocket(url: string): LiveSocket;
  createPeerConnection(configuration: RTCConfiguration): RTCPeerConnection;
  getUserMedia?(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** The receiving connection changed (made, or dropped: null). */
  onReceivingPeer?(pc: RTCPeerConnection | null): void;
  log?(message: string, detail?: unknown): void;
  random?(): number;
};

export const pingIntervalMs = 20_000;
const socketOpen = 1;

const ZServerMessage = ZBroadcastServerMessage;

/** Error codes the server answers a `publish` with (broadcasts.live.ts). */
const publishErrors = new Set(['publish_failed', 'not_live', 'media_unavailable', 'forbidden']);

const finalCloses: Record<number, BroadcastEnd> = {
  [broadcastCloseCodes.ended]: 'ended',
  [broadcastCloseCodes.revoked]: 'revoked',
  [broadcastCloseCodes.notFound]: 'notFound',
  [broadcastCloseCodes.noMedia]: 'noMedia',
};

export const initialBroadcastState: BroadcastSessionState = { connection: 'connecting', end: null, broadcast: null, tiles: [], onAir: 'off', localStream: null, micMuted: false, cameraOff: false, problem: null, error: null };

export class BroadcastSession {
  private state: BroadcastSessionState = initialBroadcastState;
  private readonly listeners = new Set<() => void>();
  private readonly deps: BroadcastSessionDeps;
  private socket: LiveSocket | null = null;
  private attempt = 0;
  /** Which connection of the socket this is: offers of an earlier one are not answered. */
  private generation = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** Receiving. */
  private sub: RTCPeerConnection | null = null;
  private midSpeakers = new Map<string, string>();
  private readonly speakerStreams = new Map<string, MediaStream>();
  /** Offers are answered one at a time, in order. */
  private receiving: Promise<void> = Promise.resolve();
  /** Publishing. */
  private pub: RTCPeerConnection | null = null;
  private localStream: MediaStream | null = null;
  /** The speaker wants to be on air: published again after a reconnect. */
  private wantsAir = false;
  /** ICE candidates wait until their connection's offer or answer has been sent. */
  private readonly pendingCandidates = { publisher: [] as (TIceCandidate | null)[], subscriber: [] as (TIceCandidate | null)[] };
  private readonly described = { publisher: false, subscriber: false };
  /** The STUN/TURN servers this socket connection gave (its first message); none until then. */
  private iceServers: RTCIceServer[] = [];
  /** No message has come on this socket connection yet. */
  private awaitingFirstMessage = false;
  /** The socket connection (generation) the publishing connection was made for, with the socket open (-1: made while it was down). */
  private pubGeneration = -1;

  constructor(deps: BroadcastSessionDeps) {
    this.deps = deps;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
  getState = () => this.state;

  private set(patch: Partial<BroadcastSessionState>) {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  start() {
    if (this.closed || this.socket) return;
    this.connect();
  }

  // ---- the socket

  private connect() {
    this.reconnectTimer = null;
    this.generation += 1;
    this.iceServers = [];
    this.awaitingFirstMessage = true;
    const socket = this.deps.createSocket(this.deps.url);
    this.socket = socket;
    socket.onopen = () => {
      this.set({ connection: 'open' });
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), pingIntervalMs);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') this.handleMessage(event.data);
    };
    socket.onclose = (event) => this.handleClose(event.code);
  }

  private send(message: TBroadcastClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== socketOpen) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private handleMessage(text: string) {
    let parsed: z.infer<typeof ZServerMessage>;
    try {
      const result = ZServerMessage.safeParse(JSON.parse(text));
      if (!result.success) return this.deps.log?.('broadcasts: a message does not match the contract', result.error.issues);
      parsed = result.data;
    } catch {
      return;
    }
    switch (parsed.type) {
      case 'ice-servers':
        this.iceServers = parsed.iceServers;
        break;
      case 'state':
        // The server took this connection: the next drop starts the backoff afresh.
        this.attempt = 0;
        this.set({ broadcast: parsed.broadcast });
        break;
      case 'offer':
        this.receive(parsed.offerId, parsed.sdp, parsed.streams);
        break;
      case 'answer':
        void this.handleAnswer(parsed.sdp);
        break;
      case 'no-streams':
        this.receiving = this.receiving.then(() => this.dropReceiving());
        break;
      case 'error':
        // Only a refused or failed `publish` ends the attempt to go on air; other errors (an answer
        // the media server did not take, a rate limit) do not concern it.
        if (this.state.onAir === 'starting' && publishErrors.has(parsed.code)) this.stopPublishing(false);
        this.set({ error: parsed.message });
        break;
      case 'pong':
        break;
    }
    if (this.awaitingFirstMessage) {
      this.awaitingFirstMessage = false;
      // The first message (the ICE servers; from a server without them, the state): a speaker who
      // was on air, or pressed «Выйти в эфир» while the socket was down, publishes now, through them.
      if (this.wantsAir && this.localStream && this.pubGeneration !== this.generation) void this.publish();
    }
  }

  private handleClose(code: number) {
    this.socket = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.dropReceiving();
    this.pub?.close();
    this.pub = null;
    if (this.closed) return;
    const end = finalCloses[code];
    if (end) {
      this.wantsAir = false;
      this.stopLocal();
      const broadcast = this.state.broadcast && end === 'ended' ? { ...this.state.broadcast, status: 'ended' as const, viewers: 0, speakers: this.state.broadcast.speakers.map((speaker) => ({ ...speaker, onAir: false })) } : this.state.broadcast;
      this.set({ connection: 'closed', end, broadcast, onAir: 'off', localStream: null });
      return;
    }
    // The media server went away (mediaLost) or the connection dropped: come back after a while.
    this.set({ connection: 'reconnecting', onAir: this.wantsAir ? 'starting' : 'off' });
    const delay = reconnectDelayMs(this.attempt++, this.deps.random);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private trickle(target: 'publisher' | 'subscriber', candidate: TIceCandidate | null) {
    if (this.described[target]) this.send({ type: 'candidate', target, candidate });
    else this.pendingCandidates[target].push(candidate);
  }

  private flushCandidates(target: 'publisher' | 'subscriber') {
    this.described[target] = true;
    const pending = this.pendingCandidates[target].splice(0);
    for (const candidate of pending) this.send({ type: 'candidate', target, candidate });
  }

  // ---- receiving

  private receive(offerId: number, sdp: string, streams: TBroadcastStream[]) {
    const generation = this.generation;
    this.receiving = this.receiving.then(() => (generation === this.generation && this.socket ? this.answerOffer(offerId, sdp, streams) : undefined));
  }

  private newReceiver() {
    const pc = this.deps.createPeerConnection({ iceServers: this.iceServers });
    this.sub = pc;
    this.described.subscriber = false;
    this.pendingCandidates.subscriber = [];
    pc.onicecandidate = ({ candidate }) => this.trickle('subscriber', candidateOf(candidate));
    pc.ontrack = () => this.refreshTiles();
    this.deps.onReceivingPeer?.(pc);
    return pc;
  }

  private async answerOffer(offerId: number, sdp: string, streams: TBroadcastStream[]) {
    if (this.closed) return;
    this.midSpeakers = new Map(streams.filter((stream) => stream.type !== 'data').map((stream) => [stream.mid, stream.speaker]));
    // A failed renegotiation (the media server made a new subscription) is tried once more on a fresh connection.
    for (let attempt = 0; attempt < 2; attempt++) {
      const pc = this.sub ?? this.newReceiver();
      try {
        await pc.setRemoteDescription({ type: 'offer', sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        if (this.sub !== pc) return;
        this.send({ type: 'answer', offerId, sdp: pc.localDescription!.sdp });
        this.flushCandidates('subscriber');
        this.refreshTiles();
        return;
      } catch (error) {
        this.deps.log?.('broadcasts: could not answer the media server', error);
        if (this.sub === pc) this.dropReceiving();
      }
    }
  }

  /** One stream per speaker, made of the tracks of their m-lines (the same MediaStream while they stay, so videos do not restart). */
  private refreshTiles() {
    const tracks = new Map<string, MediaStreamTrack[]>();
    for (const transceiver of this.sub?.getTransceivers() ?? []) {
      const speaker = transceiver.mid === null ? undefined : this.midSpeakers.get(transceiver.mid);
      const track = transceiver.receiver.track as MediaStreamTrack | null;
      if (!speaker || !track) continue;
      tracks.set(speaker, [...(tracks.get(speaker) ?? []), track]);
    }
    const tiles: BroadcastTile[] = [];
    for (const speaker of new Set(this.midSpeakers.values())) {
      let stream = this.speakerStreams.get(speaker);
      if (!stream) this.speakerStreams.set(speaker, (stream = new MediaStream()));
      const wanted = tracks.get(speaker) ?? [];
      for (const track of stream.getTracks()) if (!wanted.includes(track)) stream.removeTrack(track);
      for (const track of wanted) if (!stream.getTracks().includes(track)) stream.addTrack(track);
      tiles.push({ speaker, stream });
    }
    for (const speaker of [...this.speakerStreams.keys()]) if (!tiles.some((tile) => tile.speaker === speaker)) this.speakerStreams.delete(speaker);
    this.set({ tiles });
  }

  private dropReceiving() {
    if (this.sub) {
      this.sub.close();
      this.sub = null;
      this.deps.onReceivingPeer?.(null);
    }
    this.midSpeakers = new Map();
    this.speakerStreams.clear();
    if (this.state.tiles.length > 0) this.set({ tiles: [] });
  }

  // ---- publishing (speakers)

  /** «Выйти в эфир»: opens the camera and microphone (the microphone alone if there is no camera) and publishes them. */
  async goOnAir() {
    if (this.closed || this.state.onAir !== 'off' || !this.deps.getUserMedia) return;
    this.set({ onAir: 'starting', problem: null, error: null });
    let stream: MediaStream | null;
    try {
      stream = await this.deps.getUserMedia({ audio: true, video: true });
    } catch (error) {
      this.deps.log?.('broadcasts: camera/microphone unavailable', error);
      stream = await this.deps.getUserMedia({ audio: true, video: false }).catch(() => null);
    }
    if (!stream) return this.set({ onAir: 'off', problem: 'noDevices' });
    // «Покинуть эфир» may have been pressed while the browser asked for the camera.
    if (this.closed || this.getState().onAir !== 'starting') {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.localStream = stream;
    this.wantsAir = true;
    for (const track of stream.getAudioTracks()) track.enabled = !this.state.micMuted;
    for (const track of stream.getVideoTracks()) track.enabled = !this.state.cameraOff;
    this.set({ localStream: stream });
    await this.publish();
  }

  private async publish() {
    const stream = this.localStream;
    if (!stream) return;
    this.pub?.close();
    this.pub = null;
    // The socket's first message (its ICE servers) has not come: it publishes when it does, through them.
    if (this.awaitingFirstMessage) {
      this.pubGeneration = -1;
      return;
    }
    const pc = this.deps.createPeerConnection({ iceServers: this.iceServers });
    this.pub = pc;
    this.pubGeneration = this.socket?.readyState === socketOpen ? this.generation : -1;
    this.described.publisher = false;
    this.pendingCandidates.publisher = [];
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    pc.onicecandidate = ({ candidate }) => this.trickle('publisher', candidateOf(candidate));
    try {
      await pc.setLocalDescription(await pc.createOffer());
      // Not sent while the socket is down: it is published again once it is back.
      if (this.pub === pc && this.send({ type: 'publish', sdp: pc.localDescription!.sdp })) this.flushCandidates('publisher');
    } catch (error) {
      this.deps.log?.('broadcasts: could not make an offer', error);
      if (this.pub === pc) this.stopPublishing(false);
    }
  }

  private async handleAnswer(sdp: string) {
    const pc = this.pub;
    if (!pc) return;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp });
      if (this.pub === pc) this.set({ onAir: 'on', error: null });
    } catch (error) {
      this.deps.log?.('broadcasts: the media server’s answer was refused', error);
    }
  }

  /** «Покинуть эфир»: stops publishing; the socket stays and goes on receiving the others. */
  leaveAir() {
    if (this.state.onAir === 'off') return;
    this.stopPublishing(true);
  }

  private stopPublishing(tellServer: boolean) {
    if (tellServer) this.send({ type: 'unpublish' });
    this.wantsAir = false;
    this.pub?.close();
    this.pub = null;
    this.stopLocal();
    this.set({ onAir: 'off', localStream: null });
  }

  setMicMuted(muted: boolean) {
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = !muted;
    this.set({ micMuted: muted });
  }

  setCameraOff(off: boolean) {
    for (const track of this.localStream?.getVideoTracks() ?? []) track.enabled = !off;
    this.set({ cameraOff: off });
  }

  private stopLocal() {
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.socket) {
      this.socket.onopen = null;
      this.socket.onmessage = null;
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
    }
    this.dropReceiving();
    this.pub?.close();
    this.pub = null;
    this.stopLocal();
    this.set({ connection: 'closed', onAir: 'off', localStream: null });
  }
}

/** The live socket's address on this origin (the session cookie, if any, authenticates; nothing secret goes in it but the watch link's own token). */
export function liveSocketUrl(path: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
