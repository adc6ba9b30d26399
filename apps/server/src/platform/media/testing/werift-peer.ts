// Headless WebRTC peers (werift, pure TypeScript) that stand in for browsers in tests and
// benchmarks: a publisher that sends synthetic VP8 video and Opus audio RTP, and a subscriber that
// answers Janus's offers and counts the RTP packets it receives. Test/benchmark code only (werift
// is a dev dependency).
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, useVP8, type RTCIceServer } from 'werift';

type Kind = 'audio' | 'video';

/** ICE as a browser would be configured: `relayOnly` stands in for a network that lets nothing but the TURN server through. */
export type WeriftIceOptions = { iceServers?: RTCIceServer[]; relayOnly?: boolean };

function newPeerConnection({ iceServers = [], relayOnly = false }: WeriftIceOptions = {}) {
  // Host candidates by default: Janus offers the machine's own interface (docs/subsystems/media.md, ICE).
  return new RTCPeerConnection({ codecs: { audio: [useOPUS()], video: [useVP8()] }, iceUseIpv6: false, iceServers, iceTransportPolicy: relayOnly ? 'relay' : 'all' });
}

async function gathered(pc: RTCPeerConnection, timeoutMs = 5_000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      }
    });
  });
}

async function connected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.connectionState === 'connected') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected within ${timeoutMs} ms (state ${pc.connectionState})`)), timeoutMs);
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      } else if (state === 'failed') {
        clearTimeout(timer);
        unSubscribe();
        reject(new Error('connection failed'));
      }
    });
  });
}

/** A VP8 key frame's first bytes: payload descriptor (start of partition) + frame tag + start code + 320×240. */
function vp8Payload(keyFrame: boolean): Buffer {
  const descriptor = [0x10];
  const frame = keyFrame ? [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00] : [0x51, 0x02, 0x00];
  return Buffer.concat([Buffer.from([...descriptor, ...frame]), Buffer.alloc(200, 0x55)]);
}

/** An Opus packet holding one 20 ms frame of silence (TOC 0xf8: CELT FB 20 ms, one frame). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

export type WeriftPublisher = {
  /** The SDP offer (with its candidates) to hand to MediaPeer.publish / republish. */
  offer(): Promise<string>;
  /** Applies Janus's answer and starts sending RTP once connected. */
  accept(answerSdp: string, timeoutMs?: number): Promise<void>;
  sent: Record<Kind, number>;
  pc: RTCPeerConnection;
  close(): Promise<void>;
};

/** A publisher sending ~30 fps VP8 (a key frame every second) and 50 pps Opus silence. */
export function createWeriftPublisher(media: { audio?: boolean; video?: boolean } = { audio: true, video: true }): WeriftPublisher {
  const pc = newPeerConnection();
  const tracks: Partial<Record<Kind, MediaStreamTrack>> = {};
  for (const kind of ['audio', 'video'] as const) {
    if (!media[kind]) continue;
    const track = new MediaStreamTrack({ kind });
    tracks[kind] = track;
    pc.addTransceiver(track, { direction: 'sendonly' });
  }
  const sent: Record<Kind, number> = { audio: 0, video: 0 };
  const timers: NodeJS.Timeout[] = [];
  let frame = 0;
  let audioSeq = 0;

  const start = () => {
    const video = tracks.video;
    if (video) {
      timers.push(
        setInterval(() => {
          const header = new RtpHeader({ sequenceNumber: frame & 0xffff, timestamp: (frame * 3000) >>> 0, marker: true, payloadType: 96 });
          video.writeRtp(new RtpPacket(header, vp8Payload(frame % 30 === 0)));
          frame += 1;
          sent.video += 1;
        }, 33),
      );
    }
    const audio = tracks.audio;
    if (audio) {
      timers.push(
        setInterval(() => {
          const header = new RtpHeader({ sequenceNumber: audioSeq & 0xffff, timestamp: (audioSeq * 960) >>> 0, payloadType: 111 });
          audio.writeRtp(new RtpPacket(header, OPUS_SILENCE));
          audioSeq += 1;
          sent.audio += 1;
        }, 20),
      );
    }
  };

  return {
    pc,
    sent,
    async offer() {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      await gathered(pc);
      return pc.localDescription!.sdp;
    },
    async accept(answerSdp, timeoutMs = 10_000) {
      await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
      await connected(pc, timeoutMs);
      if (timers.length === 0) start();
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await pc.close();
    },
  };
}

export type WeriftSubscriber = {
  /** Applies a subscriber offer from Janus and returns the answer (for MediaPeer.answerSubscription). */
  answer(offerSdp: string): Promise<string>;
  /** Resolves once the connection is up. */
  connected(timeoutMs?: number): Promise<void>;
  /** RTP packets received so far, by kind and by mid. */
  received: Record<Kind, number>;
  receivedByMid: Map<string, number>;
  /** Resolves when `predicate` holds (checked every 50 ms), rejects after timeoutMs. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  pc: RTCPeerConnection;
  close(): Promise<void>;
};

export function createWeriftSubscriber(ice: WeriftIceOptions = {}): WeriftSubscriber {
  const pc = newPeerConnection(ice);
  const received: Record<Kind, number> = { audio: 0, video: 0 };
  const receivedByMid = new Map<string, number>();
  pc.onTrack.subscribe((track) => {
    const transceiver = pc.getTransceivers().find((t) => t.receiver.track === track || t.receiver.tracks.includes(track));
    const mid = transceiver?.mid ?? '?';
    track.onReceiveRtp.subscribe(() => {
      received[track.kind as Kind] += 1;
      receivedByMid.set(mid, (receivedByMid.get(mid) ?? 0) + 1);
    });
  });
  return {
    pc,
    received,
    receivedByMid,
    async answer(offerSdp) {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await gathered(pc);
      return pc.localDescription!.sdp;
    },
    connected: (timeoutMs = 10_000) => connected(pc, timeoutMs),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (received ${JSON.stringify(received)})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await pc.close();
    },
  };
}
