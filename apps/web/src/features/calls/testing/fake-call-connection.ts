/**
 * Enough of an RTCPeerConnection for a call session to negotiate with in jsdom (which has no
 * WebRTC): it records what it was made with, what it was told and what was done to it. Every one
 * made is in `FakeCallConnection.made`, in order; `FakeCallConnection.stats` is what every
 * connection's getStats reports now (a test changes it to make people speak). `reset()` between tests.
 */
export class FakeCallConnection {
  static made: FakeCallConnection[] = [];
  static stats: Array<Record<string, unknown>> = [];
  static reset() {
    FakeCallConnection.made = [];
    FakeCallConnection.stats = [];
  }

  /** What it was made with (the ICE servers), or set to since. */
  configuration: RTCConfiguration;
  onicecandidate: unknown = null;
  ontrack: unknown = null;
  onconnectionstatechange: (() => void) | null = null;
  onnegotiationneeded: unknown = null;
  connectionState = 'new';
  signalingState = 'stable';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  isClosed = false;
  /** How many times restartIce() was called. */
  restarts = 0;
  private readonly senders: Array<{ track: { kind: string } | null; replaceTrack: (track: { kind: string }) => Promise<void> }> = [];

  constructor(configuration: RTCConfiguration = {}) {
    this.configuration = configuration;
    FakeCallConnection.made.push(this);
  }
  addTransceiver(track: { kind: string } | string) {
    if (typeof track !== 'string') this.addTrack(track);
    return {};
  }
  addTrack(track: { kind: string }) {
    const sender = {
      track: track as { kind: string } | null,
      replaceTrack: async (next: { kind: string }) => {
        sender.track = next;
      },
    };
    this.senders.push(sender);
    return sender;
  }
  getSenders() {
    return this.senders;
  }
  async createOffer() {
    return { type: 'offer', sdp: 'v=0 offer' };
  }
  async createAnswer() {
    return { type: 'answer', sdp: 'v=0 answer' };
  }
  async setLocalDescription(description?: { type: string; sdp: string }) {
    this.localDescription = description ?? { type: this.remoteDescription?.type === 'offer' ? 'answer' : 'offer', sdp: 'v=0 local' };
  }
  async setRemoteDescription(description: { type: string; sdp: string }) {
    this.remoteDescription = description;
  }
  async addIceCandidate() {}
  async getStats() {
    return new Map(FakeCallConnection.stats.map((stat, index) => [`s${index}`, stat]));
  }
  getConfiguration() {
    return this.configuration;
  }
  setConfiguration(configuration: RTCConfiguration) {
    this.configuration = configuration;
  }
  restartIce() {
    this.restarts += 1;
  }
  close() {
    this.isClosed = true;
  }
}
