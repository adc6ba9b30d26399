import type { TCall, TCallSignal, TClientMessage, TIceCandidate, TUpdateCallMediaRequest } from '@parta/contracts';
import { audioLevelIntervalMs, SpeakerDetector, type AudioLevels } from './active-speaker';

/**
 * The media side of one call on this device, without React: the camera and microphone, the
 * peer connections and their negotiation (docs/subsystems/calls.md).
 *
 * - One-to-one (`p2p`): one RTCPeerConnection with the other person's device; offers, answers
 *   and ICE candidates go through Parta's WebSocket (`call.signal`). «Perfect negotiation»: the
 *   person who was called is the polite side, so renegotiation (screen sharing) never deadlocks.
 * - Group (`sfu`): a publishing connection (this device's media → the media server) and a
 *   subscribing one (everyone else's feeds ← the media server); the media server's offers and
 *   answers come through Parta (`media.offer`, `media.answer`).
 */

export type RemoteTile = {
  userId: string;
  displayName: string;
  stream: MediaStream;
  audioMuted: boolean;
  videoOff: boolean;
  /** Their picture is their screen: shown large, uncropped, never mirrored. */
  screenSharing: boolean;
};

export type NetworkQuality = 'good' | 'fair' | 'poor' | 'unknown';

export type CallSessionState = {
  /** waiting: in a lesson's waiting room, not connected until the teacher lets this person in. */
  status: 'starting' | 'waiting' | 'connecting' | 'connected' | 'reconnecting' | 'ended';
  localStream: MediaStream | null;
  remote: RemoteTile[];
  micMuted: boolean;
  /** The host muted this person: the microphone stays off until the host lets them speak. */
  mutedByHost: boolean;
  cameraOff: boolean;
  screenSharing: boolean;
  /** This device's shared screen while sharing (the own tile shows it in place of the camera). */
  screenStream: MediaStream | null;
  /** Group calls: who is speaking now (user ids, this person's own included), from the audio levels. */
  speaking: readonly string[];
  /** Group calls: the other person most worth showing (the loudest speaker, or the last one). */
  dominantSpeaker: string | null;
  quality: NetworkQuality;
  /** A problem to show (no camera permission, media server gone); an i18n key. */
  problem: 'noDevices' | 'mediaFailed' | null;
};

export type CallSessionDeps = {
  meId: string;
  send(message: TClientMessage): boolean;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  getDisplayMedia?(): Promise<MediaStream>;
  createPeerConnection(configuration: RTCConfiguration): RTCPeerConnection;
  /**
   * The STUN/TURN servers for this device's connections (GET /api/media/ice-servers): asked for
   * when the session starts and again for a new connection once their TURN credentials have
   * expired. Without it (tests) there are none: host candidates only.
   */
  getIceServers?(signal: AbortSignal): Promise<IceServers>;
  /** The person's media state changed on this device: the server tells everyone (PATCH /api/calls/:id/me). */
  onMediaChange(media: TUpdateCallMediaRequest): void;
  /**
   * Audio levels (0..1) by user id, this person's own microphone included; by default from the
   * connections' statistics. Tests give levels of their own.
   */
  readAudioLevels?(): Promise<AudioLevels>;
  log?(message: string, detail?: unknown): void;
};

/** The ICE servers as the server hands them out; `expiresAt` (ISO) is when the TURN credentials stop working, null if never. */
export type IceServers = { iceServers: RTCIceServer[]; expiresAt: string | null };

/** How long the ICE servers are waited for; then (or when asking fails) the connection is made without new ones. */
export const iceServersTimeoutMs = 5_000;
/** ICE servers are asked for again this long before their credentials expire (a connection takes a moment to set up). */
const iceServersExpiryMarginMs = 30_000;
/**
 * …but not sooner than this after the last time: credentials that look expired right away (this
 * device's clock is ahead of the server's) or a failed request are not asked about again and again.
 */
const iceServersRefetchMs = 30_000;

const emptyState: CallSessionState = { status: 'starting', localStream: null, remote: [], micMuted: false, mutedByHost: false, cameraOff: false, screenSharing: false, screenStream: null, speaking: [], dominantSpeaker: null, quality: 'unknown', problem: null };

/** An ICE candidate of this device as the signalling carries it (broadcasts use it too). */
export const candidateOf = (candidate: RTCIceCandidate | null): TIceCandidate | null =>
  candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex, usernameFragment: candidate.usernameFragment } : null;

export class CallSession {
  private state: CallSessionState = emptyState;
  private readonly listeners = new Set<() => void>();
  private call: TCall;
  private readonly deps: CallSessionDeps;
  private localStream: MediaStream | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  /** p2p: the connection to the other device; sfu: the publishing connection. */
  private pc: RTCPeerConnection | null = null;
  /** sfu: the subscribing connection. */
  private sub: RTCPeerConnection | null = null;
  private peerDevice: string | null = null;
  private makingOffer = false;
  /** Signals that came before the connection they belong to existed (the caller is quick). */
  private pendingSignals: TCallSignal[] = [];
  private ignoreOffer = false;
  private published = false;
  private subscribedFeeds = '';
  /** A subscription offer is being negotiated: the next change waits for it (the media server takes one at a time). */
  private subscribing = false;
  /** sfu: which feed each m-line of the subscription carries. */
  private midFeeds = new Map<string, number>();
  private readonly remoteStreams = new Map<string, MediaStream>();
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private lastInbound = { packets: 0, lost: 0 };
  private levelTimer: ReturnType<typeof setInterval> | null = null;
  private readonly speakers: SpeakerDetector;
  private sampling = false;
  private closed = false;
  /** The ICE servers new connections use (null: not asked for yet); `expiresAt` and `fetchedAt` in ms. */
  private ice: { servers: RTCIceServer[]; expiresAt: number | null; fetchedAt: number } | null = null;
  /** The request for ICE servers in flight, if any. */
  private iceFetch: Promise<void> | null = null;
  /** update() runs again once the ICE servers are here (a connection waits for them). */
  private updateAfterIce = false;

  constructor(call: TCall, deps: CallSessionDeps) {
    this.call = call;
    this.deps = deps;
    this.speakers = new SpeakerDetector({ selfId: deps.meId });
  }

  get callId() {
    return this.call.id;
  }
  get mode() {
    return this.call.mode;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getState = () => this.state;

  private set(patch: Partial<CallSessionState>) {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  /** Opens the camera and microphone (falls back to audio only, then to nothing) and starts negotiating. */
  async start(video: boolean) {
    // Asked for while the browser opens the camera; the first connection waits for the answer.
    void this.fetchIceServers();
    try {
      this.localStream = await this.deps.getUserMedia({ audio: true, video });
    } catch (error) {
      this.deps.log?.('calls: camera/microphone unavailable', error);
      try {
        this.localStream = video ? await this.deps.getUserMedia({ audio: true, video: false }) : null;
      } catch {
        this.localStream = null;
      }
      if (!this.localStream) this.set({ problem: 'noDevices' });
    }
    if (this.closed) return this.stopLocal();
    this.set({ status: 'connecting', localStream: this.localStream, cameraOff: !this.localStream?.getVideoTracks().length });
    this.statsTimer = setInterval(() => void this.measure(), 2_000);
    // Who speaks is shown in group calls only (one to one, the other tile is plainly the speaker).
    if (this.call.mode === 'sfu') this.levelTimer = setInterval(() => void this.sampleSpeakers(), audioLevelIntervalMs);
    this.update(this.call);
  }

  /** The call changed (someone joined, left, published, muted). */
  update(call: TCall) {
    this.call = call;
    if (this.closed || this.state.status === 'starting') return;
    if (call.status === 'ended') return this.close();
    const mine = call.participants.find((participant) => participant.person.id === this.deps.meId);
    if (mine?.state === 'waiting') {
      this.set({ status: 'waiting' });
      return;
    }
    if (this.state.status === 'waiting') this.set({ status: 'connecting' });
    if (mine && mine.mutedByHost !== this.state.mutedByHost) {
      // The host's mute is enforced by the media server; the microphone is switched off here too, so the button tells the truth.
      for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = !mine.mutedByHost && !this.state.micMuted;
      this.set(mine.mutedByHost ? { mutedByHost: true, micMuted: true } : { mutedByHost: false });
    }
    if (call.mode === 'p2p') this.updateP2p();
    else this.updateSfu();
    this.refreshTiles();
  }

  // ---- one-to-one

  private other() {
    return this.call.participants.find((participant) => participant.person.id !== this.deps.meId && participant.state === 'joined' && participant.connectionId);
  }

  private updateP2p() {
    const other = this.other();
    if (!other) {
      if (this.pc && this.peerDevice) this.set({ status: 'reconnecting' });
      return;
    }
    if (this.pc && this.peerDevice === other.connectionId) return;
    // A new device of the other person (they answered, or came back on a new connection): negotiate afresh.
    this.pc?.close();
    this.pc = null;
    this.peerDevice = other.connectionId;
    // Their signals wait in pendingSignals meanwhile.
    if (this.iceServersStale()) return this.updateWhenIceServersCome();
    const pc = this.newConnection('p2p');
    this.pc = pc;
    for (const track of this.localStream?.getTracks() ?? []) pc.addTrack(track, this.localStream!);
    // Receive both even when sending nothing (no camera): the other side's media still arrives.
    if (!this.localStream?.getAudioTracks().length) pc.addTransceiver('audio', { direction: 'recvonly' });
    if (!this.localStream?.getVideoTracks().length) pc.addTransceiver('video', { direction: 'recvonly' });
    pc.onnegotiationneeded = async () => {
      // Only the caller starts; the callee's renegotiations (screen sharing) go through the same path.
      if (!this.isCaller() && pc.signalingState === 'stable' && !pc.remoteDescription) return;
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.signalP2p({ description: { type: 'offer', sdp: pc.localDescription!.sdp } });
      } catch (error) {
        this.deps.log?.('calls: could not make an offer', error);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => this.signalP2p({ candidate: candidateOf(candidate) });
    pc.ontrack = ({ streams, track }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      this.remoteStreams.set(other.person.id, stream);
      this.refreshTiles();
    };
    const pending = this.pendingSignals;
    this.pendingSignals = [];
    void pending.reduce((previous, signal) => previous.then(() => this.handleCallSignal(signal)), Promise.resolve());
  }

  private isCaller() {
    return this.call.startedBy.id === this.deps.meId;
  }

  private signalP2p(payload: Pick<Extract<TClientMessage, { type: 'call.signal' }>, 'description' | 'candidate'>) {
    const other = this.other();
    if (!other) return;
    this.deps.send({ type: 'call.signal', callId: this.call.id, to: other.person.id, ...payload });
  }

  /** An SDP description or ICE candidate from the other device. */
  async handleCallSignal(signal: TCallSignal) {
    if (signal.callId !== this.call.id) return;
    const pc = this.pc;
    if (!pc || signal.from !== this.other()?.person.id) {
      this.pendingSignals.push(signal);
      return;
    }
    try {
      if (signal.description) {
        const polite = !this.isCaller();
        const collision = signal.description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
        this.ignoreOffer = !polite && collision;
        if (this.ignoreOffer) return;
        await pc.setRemoteDescription(signal.description);
        if (signal.description.type === 'offer') {
          await pc.setLocalDescription();
          this.signalP2p({ description: { type: 'answer', sdp: pc.localDescription!.sdp } });
        }
      } else if (signal.candidate !== undefined) {
        try {
          await pc.addIceCandidate(signal.candidate ?? undefined);
        } catch (error) {
          if (!this.ignoreOffer) throw error;
        }
      }
    } catch (error) {
      this.deps.log?.('calls: signalling failed', error);
    }
  }

  // ---- group, through the media server

  private updateSfu() {
    if (!this.pc) {
      if (this.iceServersStale()) this.updateWhenIceServersCome();
      else void this.publish();
    }
    const feeds = this.call.participants
      .filter((participant) => participant.person.id !== this.deps.meId && participant.state === 'joined' && participant.feedId !== null)
      .map((participant) => participant.feedId!)
      .sort((a, b) => a - b);
    const key = feeds.join(',');
    if (key === this.subscribedFeeds || this.subscribing) return;
    this.subscribedFeeds = key;
    // Nothing subscribed and nothing to subscribe to: no request (the media server would have no offer to make).
    if (feeds.length === 0 && !this.sub) return;
    this.subscribing = true;
    this.deps.send({ type: 'media.subscribe', callId: this.call.id, feedIds: feeds });
  }

  private async publish() {
    const pc = this.newConnection('publisher');
    this.pc = pc;
    for (const track of this.localStream?.getTracks() ?? []) pc.addTransceiver(track, { direction: 'sendonly', streams: [this.localStream!] });
    if (!this.localStream) return; // nothing to send: only watch
    pc.onicecandidate = ({ candidate }) => this.deps.send({ type: 'media.candidate', callId: this.call.id, target: 'publisher', candidate: candidateOf(candidate) });
    await pc.setLocalDescription(await pc.createOffer());
    this.deps.send({ type: 'media.publish', callId: this.call.id, sdp: pc.localDescription!.sdp });
  }

  /** The media server answered this device's publish. */
  async handleMediaAnswer(data: { callId: string; sdp: string }) {
    if (data.callId !== this.call.id || !this.pc) return;
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
      this.published = true;
      if (this.state.problem === 'mediaFailed') this.set({ problem: null });
    } catch (error) {
      this.deps.log?.('calls: the media server’s answer was refused', error);
    }
  }

  /** The media server offers the subscribed feeds (again, when they change). */
  async handleMediaOffer(data: { callId: string; sdp: string; streams: Array<{ mid: string; feedId: number }> }) {
    if (data.callId !== this.call.id) return;
    if (!this.sub && this.iceServersStale()) {
      await this.fetchIceServers();
      if (this.closed) return;
    }
    if (!this.sub) {
      const sub = this.newConnection('subscriber');
      this.sub = sub;
      sub.onicecandidate = ({ candidate }) => this.deps.send({ type: 'media.candidate', callId: this.call.id, target: 'subscriber', candidate: candidateOf(candidate) });
      sub.ontrack = ({ track, transceiver }) => {
        const feedId = this.midFeeds.get(transceiver.mid ?? '');
        const userId = this.call.participants.find((participant) => participant.feedId === feedId)?.person.id;
        if (!userId) return;
        let stream = this.remoteStreams.get(userId);
        if (!stream) this.remoteStreams.set(userId, (stream = new MediaStream()));
        for (const old of stream.getTracks().filter((candidate) => candidate.kind === track.kind)) stream.removeTrack(old);
        stream.addTrack(track);
        this.refreshTiles();
      };
    }
    this.midFeeds = new Map(data.streams.map((stream) => [stream.mid, stream.feedId]));
    try {
      await this.sub.setRemoteDescription({ type: 'offer', sdp: data.sdp });
      await this.sub.setLocalDescription(await this.sub.createAnswer());
      this.deps.send({ type: 'media.answer', callId: this.call.id, sdp: this.sub.localDescription!.sdp });
      if (this.state.problem === 'mediaFailed') this.set({ problem: null });
    } catch (error) {
      this.deps.log?.('calls: could not answer the media server', error);
    } finally {
      this.subscribing = false;
    }
    // The people publishing may have changed meanwhile.
    if (this.call.mode === 'sfu') this.updateSfu();
  }

  /** The media server lost this device (it restarted, or the device's connection changed): publish and subscribe anew. */
  restartMedia() {
    if (this.closed) return;
    // The server forgets the sharing of a device that went away; this one shares still.
    if (this.state.screenSharing) this.deps.onMediaChange({ screenSharing: true });
    if (this.call.mode !== 'sfu') return;
    this.pc?.close();
    this.sub?.close();
    this.pc = null;
    this.sub = null;
    this.published = false;
    this.subscribedFeeds = '';
    this.subscribing = false;
    this.remoteStreams.clear();
    this.set({ status: 'reconnecting' });
    this.update(this.call);
  }

  handleMediaError(data: { code: string }) {
    if (data.code !== 'media_lost' && data.code !== 'media_failed') return;
    this.set({ problem: 'mediaFailed' });
    // Try again in a moment: publish anew if publishing failed or was lost, otherwise subscribe again.
    setTimeout(() => {
      if (this.closed || this.call.mode !== 'sfu') return;
      if (data.code === 'media_lost' || !this.published) return this.restartMedia();
      this.subscribing = false;
      this.subscribedFeeds = '';
      this.updateSfu();
    }, 1_000);
  }

  // ---- shared

  /** The ICE servers are to be asked for (again) before a new connection: not yet asked for, or their credentials (nearly) expired. */
  private iceServersStale(): boolean {
    if (!this.deps.getIceServers) return false;
    if (!this.ice) return true;
    const now = Date.now();
    return this.ice.expiresAt !== null && now >= this.ice.expiresAt - iceServersExpiryMarginMs && now - this.ice.fetchedAt >= iceServersRefetchMs;
  }

  /**
   * Asks for the ICE servers (one request at a time). Never fails: when the request fails or
   * takes too long, the servers from before (none the first time) stay, and are asked for again
   * for a connection made a while later.
   */
  private fetchIceServers(): Promise<void> {
    const getIceServers = this.deps.getIceServers;
    if (!getIceServers) return Promise.resolve();
    if (this.iceFetch) return this.iceFetch;
    const fetching = (async () => {
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const answer = await new Promise<IceServers>((resolve, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new Error(`no answer in ${iceServersTimeoutMs} ms`));
          }, iceServersTimeoutMs);
          getIceServers(controller.signal).then(resolve, reject);
        });
        const expiresAt = answer.expiresAt === null ? null : Date.parse(answer.expiresAt);
        this.ice = { servers: answer.iceServers, expiresAt: expiresAt === null || Number.isNaN(expiresAt) ? null : expiresAt, fetchedAt: Date.now() };
      } catch (error) {
        this.deps.log?.('calls: could not get the ICE servers; connecting without new ones', error);
        this.ice = { servers: this.ice?.servers ?? [], expiresAt: Date.now(), fetchedAt: Date.now() };
      } finally {
        clearTimeout(timer);
      }
    })();
    this.iceFetch = fetching;
    void fetching.then(() => {
      if (this.iceFetch === fetching) this.iceFetch = null;
    });
    return fetching;
  }

  /** A connection waits for the ICE servers: the call is gone through again once they are here. */
  private updateWhenIceServersCome() {
    if (this.updateAfterIce) return;
    this.updateAfterIce = true;
    void this.fetchIceServers().then(() => {
      this.updateAfterIce = false;
      this.update(this.call);
    });
  }

  private newConnection(role: 'p2p' | 'publisher' | 'subscriber') {
    const pc = this.deps.createPeerConnection({ iceServers: this.ice?.servers ?? [] });
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') this.set({ status: 'connected', problem: null });
      if (pc.connectionState === 'failed' || pc.connectionState === 'disconnected') {
        this.set({ status: 'reconnecting' });
        if (role === 'p2p' && pc.connectionState === 'failed' && this.isCaller()) void this.restartIce(pc);
      }
    };
    return pc;
  }

  /** An ICE restart of a one-to-one connection, with fresh TURN credentials if the ones it was made with have expired. */
  private async restartIce(pc: RTCPeerConnection) {
    if (this.iceServersStale()) {
      await this.fetchIceServers();
      if (this.closed || this.pc !== pc) return;
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: this.ice?.servers ?? [] });
    }
    pc.restartIce();
  }

  private refreshTiles() {
    const remote: RemoteTile[] = [];
    for (const participant of this.call.participants) {
      if (participant.person.id === this.deps.meId || participant.state !== 'joined') continue;
      remote.push({
        userId: participant.person.id,
        displayName: participant.person.displayName,
        stream: this.remoteStreams.get(participant.person.id) ?? new MediaStream(),
        audioMuted: participant.audioMuted,
        videoOff: participant.videoOff,
        screenSharing: participant.screenSharing,
      });
    }
    this.set({ remote });
  }

  private async measure() {
    const pcs = [this.pc, this.sub].filter((pc): pc is RTCPeerConnection => pc !== null);
    let packets = 0;
    let lost = 0;
    let rtt: number | null = null;
    for (const pc of pcs) {
      const report = await pc.getStats().catch(() => null);
      report?.forEach((stat: { type: string; packetsReceived?: number; packetsLost?: number; currentRoundTripTime?: number; state?: string; nominated?: boolean }) => {
        if (stat.type === 'inbound-rtp') {
          packets += stat.packetsReceived ?? 0;
          lost += stat.packetsLost ?? 0;
        }
        if (stat.type === 'candidate-pair' && stat.nominated && stat.currentRoundTripTime !== undefined) rtt = Math.max(rtt ?? 0, stat.currentRoundTripTime);
      });
    }
    const dPackets = packets - this.lastInbound.packets;
    const dLost = lost - this.lastInbound.lost;
    this.lastInbound = { packets, lost };
    const lossRatio = dPackets + dLost > 0 ? dLost / (dPackets + dLost) : 0;
    const quality: NetworkQuality = dPackets === 0 && rtt === null ? 'unknown' : lossRatio > 0.1 || (rtt ?? 0) > 0.5 ? 'poor' : lossRatio > 0.02 || (rtt ?? 0) > 0.25 ? 'fair' : 'good';
    if (quality !== this.state.quality) this.set({ quality });
  }

  /** Samples the audio levels and marks who speaks; the state changes only when that does. */
  private async sampleSpeakers() {
    if (this.sampling || this.closed) return;
    this.sampling = true;
    try {
      const levels = await (this.deps.readAudioLevels ? this.deps.readAudioLevels() : this.readAudioLevelsFromStats());
      if (this.closed) return;
      const { speaking, dominant } = this.speakers.sample(levels);
      const isSame = speaking.length === this.state.speaking.length && speaking.every((id, index) => id === this.state.speaking[index]);
      if (!isSame || dominant !== this.state.dominantSpeaker) this.set({ speaking, dominantSpeaker: dominant });
    } catch (error) {
      this.deps.log?.('calls: could not read audio levels', error);
    } finally {
      this.sampling = false;
    }
  }

  /**
   * Audio levels from the statistics: the own microphone from the sending connection's
   * `media-source`, everyone else's from the `inbound-rtp` audio of the receiving one. One
   * subscribing connection carries every feed: its m-line (`mid`) tells whose each stream is,
   * else the track's id does.
   */
  private async readAudioLevelsFromStats(): Promise<AudioLevels> {
    const levels = new Map<string, number>();
    const byTrack = new Map<string, string>();
    for (const [userId, stream] of this.remoteStreams) for (const track of stream.getTracks()) byTrack.set(track.id, userId);
    const userOfMid = (mid: string | undefined) => {
      const feedId = mid === undefined ? undefined : this.midFeeds.get(mid);
      return feedId === undefined ? undefined : this.call.participants.find((participant) => participant.feedId === feedId)?.person.id;
    };
    type AudioStat = { type: string; kind?: string; audioLevel?: number; mid?: string; trackIdentifier?: string };
    for (const pc of [this.pc, this.sub]) {
      if (!pc) continue;
      const report = await pc.getStats().catch(() => null);
      report?.forEach((stat: AudioStat) => {
        if (stat.kind !== 'audio' || typeof stat.audioLevel !== 'number') return;
        if (stat.type === 'media-source') {
          levels.set(this.deps.meId, this.state.micMuted ? 0 : stat.audioLevel);
        } else if (stat.type === 'inbound-rtp') {
          const userId = userOfMid(stat.mid) ?? (stat.trackIdentifier ? byTrack.get(stat.trackIdentifier) : undefined);
          if (userId) levels.set(userId, Math.max(levels.get(userId) ?? 0, stat.audioLevel));
        }
      });
    }
    return levels;
  }

  // ---- controls

  setMicMuted(muted: boolean) {
    if (!muted && this.state.mutedByHost) return;
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = !muted;
    this.set({ micMuted: muted });
    this.deps.onMediaChange({ audioMuted: muted });
  }

  setCameraOff(off: boolean) {
    for (const track of this.localStream?.getVideoTracks() ?? []) track.enabled = !off;
    this.set({ cameraOff: off });
    this.deps.onMediaChange({ videoOff: off });
  }

  /** Switches the microphone or camera to another device without renegotiating. */
  async useDevice(kind: 'audioinput' | 'videoinput', deviceId: string) {
    const fresh = await this.deps.getUserMedia(kind === 'audioinput' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId } } });
    const track = kind === 'audioinput' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    if (!track || !this.localStream) return;
    const old = this.localStream.getTracks().find((candidate) => candidate.kind === track.kind);
    if (old) {
      this.localStream.removeTrack(old);
      old.stop();
    }
    track.enabled = kind === 'audioinput' ? !this.state.micMuted : !this.state.cameraOff;
    this.localStream.addTrack(track);
    if (!this.screenTrack || track.kind !== 'video') await this.replaceSending(track);
    this.set({ localStream: this.localStream });
  }

  private async replaceSending(track: MediaStreamTrack) {
    const sender = this.pc?.getSenders().find((candidate) => candidate.track?.kind === track.kind || (candidate.track === null && track.kind === 'video'));
    await sender?.replaceTrack(track);
  }

  /** Shares the screen in place of the camera (and back). */
  async toggleScreenShare() {
    if (this.screenTrack) {
      this.screenTrack.stop();
      this.screenTrack = null;
      this.set({ screenSharing: false, screenStream: null });
      this.deps.onMediaChange({ screenSharing: false });
      const camera = this.localStream?.getVideoTracks()[0];
      if (camera) await this.replaceSending(camera);
      return;
    }
    if (!this.deps.getDisplayMedia) return;
    const screen = await this.deps.getDisplayMedia();
    const track = screen.getVideoTracks()[0];
    if (!track) return;
    this.screenTrack = track;
    // The browser's own «Stop sharing» ends the track: the same as the button.
    track.onended = () => void (this.screenTrack === track && this.toggleScreenShare());
    await this.replaceSending(track);
    this.set({ screenSharing: true, screenStream: new MediaStream([track]) });
    this.deps.onMediaChange({ screenSharing: true });
  }

  /** The screen-share track while sharing (shown in place of the own camera). */
  getScreenTrack() {
    return this.screenTrack;
  }

  get isPublished() {
    return this.published;
  }

  private stopLocal() {
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.screenTrack?.stop();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.levelTimer) clearInterval(this.levelTimer);
    this.pc?.close();
    this.sub?.close();
    this.stopLocal();
    this.set({ status: 'ended' });
  }
}
