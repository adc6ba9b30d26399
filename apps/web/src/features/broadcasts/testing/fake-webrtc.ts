import { vi } from 'vitest';
import { FakeMediaStream as SharedFakeMediaStream } from '../../../testing/fake-media-stream';

/**
 * Stand-ins for the browser's media objects in jsdom (which has none): enough of MediaStream,
 * its tracks and RTCPeerConnection for the broadcast session to negotiate with, so a test sees
 * what it sends and which tracks end up in which speaker's tile.
 */

let serial = 0;

export class FakeTrack {
  readonly id = `track-${++serial}`;
  enabled = true;
  readonly stop = vi.fn();
  readonly kind: 'audio' | 'video';
  constructor(kind: 'audio' | 'video') {
    this.kind = kind;
  }
}

export class FakeMediaStream extends SharedFakeMediaStream<FakeTrack> {}

type FakeTransceiver = { mid: string | null; direction: string; receiver: { track: FakeTrack }; sender: { track: FakeTrack | null } };

/** The m-lines of an SDP: kind and mid of each. */
export function mediaLines(sdp: string): { kind: 'audio' | 'video'; mid: string }[] {
  const lines: { kind: 'audio' | 'video'; mid: string }[] = [];
  let kind: 'audio' | 'video' | null = null;
  for (const line of sdp.split(/\r?\n/)) {
    const media = /^m=(audio|video|application) /.exec(line);
    if (media) kind = media[1] === 'application' ? null : (media[1] as 'audio' | 'video');
    const mid = /^a=mid:(.+)$/.exec(line);
    if (mid && kind) lines.push({ kind, mid: mid[1]! });
  }
  return lines;
}

/** An offer of the media server as a subscription: `recvonly` m-lines for the device. */
export function subscriptionSdp(lines: { kind: 'audio' | 'video'; mid: string }[]): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=Janus', 't=0 0', ...lines.flatMap(({ kind, mid }) => [`m=${kind} 9 UDP/TLS/RTP/SAVPF 96`, `a=mid:${mid}`, 'a=sendonly'])].join('\r\n') + '\r\n';
}

export class FakePeerConnection {
  static instances: FakePeerConnection[] = [];
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  isClosed = false;
  onicecandidate: ((event: { candidate: unknown }) => void) | null = null;
  ontrack: ((event: unknown) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  /** What it was made with (the ICE servers). */
  readonly configuration: RTCConfiguration;
  private readonly transceivers: FakeTransceiver[] = [];

  constructor(configuration: RTCConfiguration = {}) {
    this.configuration = configuration;
    FakePeerConnection.instances.push(this);
  }

  async setRemoteDescription(description: { type: string; sdp: string }) {
    this.remoteDescription = description;
    if (description.type !== 'offer') return;
    for (const { kind, mid } of mediaLines(description.sdp)) {
      if (this.transceivers.some((transceiver) => transceiver.mid === mid)) continue;
      const transceiver = { mid, direction: 'recvonly', receiver: { track: new FakeTrack(kind) }, sender: { track: null } };
      this.transceivers.push(transceiver);
      this.ontrack?.({ track: transceiver.receiver.track, transceiver, streams: [] });
    }
  }
  async createAnswer() {
    return { type: 'answer', sdp: `answer to ${mediaLines(this.remoteDescription?.sdp ?? '').map((line) => line.mid).join(',')}` };
  }
  async createOffer() {
    return { type: 'offer', sdp: `offer of ${this.transceivers.map((transceiver) => transceiver.sender.track?.kind).join(',')}` };
  }
  async setLocalDescription(description: { type: string; sdp: string }) {
    this.localDescription = description;
  }
  addTransceiver(track: FakeTrack, init: { direction: string }) {
    this.transceivers.push({ mid: String(this.transceivers.length), direction: init.direction, receiver: { track: new FakeTrack(track.kind) }, sender: { track } });
  }
  getTransceivers() {
    return [...this.transceivers];
  }
  /** Plays the browser finding a local ICE candidate (null: gathering finished). */
  gather(candidate: string | null) {
    this.onicecandidate?.({ candidate: candidate === null ? null : { candidate, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u' } });
  }
  close() {
    this.isClosed = true;
  }
}

/** Replaces RTCPeerConnection and MediaStream (undone by vi.unstubAllGlobals after each test). */
export function stubWebRtc() {
  FakePeerConnection.instances = [];
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  vi.stubGlobal('MediaStream', FakeMediaStream);
  // jsdom has no media playback.
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
}
