import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, useVP8 } from 'werift';
import type { Counters, PublisherSettings } from './protocol.ts';

/**
 * The teacher's camera and microphone for the lesson benchmark: a werift publisher (as
 * apps/server/src/platform/media/testing/werift-peer.ts, whose publisher sends one 214-byte
 * packet per frame, ~50 kbit/s) sending video at a webcam's rate and size instead:
 *
 * - VP8 at `framesPerSecond` (30) and `videoKbps` (500 kbit/s on average): a key frame every
 *   `keyFrameSeconds` (3 s) six times the size of a delta frame, and one at once when Janus asks
 *   (PLI, e.g. for a new subscriber), at most every 500 ms; delta frames vary ±10 % in size. A frame
 *   is split into RTP packets of at most 1 100 payload bytes (VP8 payload descriptor with the S bit
 *   on its first packet, marker bit on its last), as browsers packetize: at 500 kbit/s about 2
 *   packets per delta frame, 12 per key frame, ~64 packets/s.
 * - Opus: one packet every 20 ms of `audioKbps` (32 kbit/s → 80 bytes), a speaking voice's size.
 *
 * The payload is not a decodable picture (nobody decodes it: Janus only relays and looks at the
 * VP8 descriptor and key-frame header), but its packet sizes and rate are those of a real stream.
 * Frames are sent on a schedule (frame k at start + k / fps), not with setInterval, so a busy event
 * loop sends late frames in a burst and `lateTicks` counts the ticks that came more than one
 * frame late.
 */

const maxPayloadBytes = 1_100;
/** VP8 frame tags (RFC 6386 9.1): key frame (bit 0 = 0) with the start code and 640×480, or an inter frame. */
const keyFrameHeader = Buffer.from([0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
const interFrameHeader = Buffer.from([0x51, 0x02, 0x00]);

function newPeerConnection() {
  // Host candidates only, as werift-peer.ts: Janus offers the machine's own interface address.
  return new RTCPeerConnection({ codecs: { audio: [useOPUS()], video: [useVP8()] }, iceUseIpv6: false });
}

function gathered(pc: RTCPeerConnection, timeoutMs = 5_000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      clearTimeout(timer);
      unSubscribe();
      resolve();
    });
  });
}

export function connectedWithin(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected within ${timeoutMs} ms (${pc.connectionState})`)), timeoutMs);
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected' && state !== 'failed') return;
      clearTimeout(timer);
      unSubscribe();
      if (state === 'connected') resolve();
      else reject(new Error('connection failed'));
    });
  });
}

export type LessonPublisher = {
  offer(): Promise<string>;
  /** Applies Janus's answer, waits for the connection and starts sending. */
  accept(answerSdp: string, timeoutMs: number): Promise<void>;
  sent: Counters & { lateTicks: number; keyFramesOnRequest: number };
  close(): Promise<void>;
};

export function createLessonPublisher(settings: PublisherSettings): LessonPublisher {
  const pc = newPeerConnection();
  const video = new MediaStreamTrack({ kind: 'video' });
  const audio = new MediaStreamTrack({ kind: 'audio' });
  const videoSender = pc.addTransceiver(video, { direction: 'sendonly' }).sender;
  pc.addTransceiver(audio, { direction: 'sendonly' });
  const sent = { videoPackets: 0, videoBytes: 0, frames: 0, completeFrames: 0, lostPackets: 0, audioPackets: 0, lateTicks: 0, keyFramesOnRequest: 0 };

  const frameMs = 1000 / settings.framesPerSecond;
  const keyEvery = Math.max(1, Math.round(settings.keyFrameSeconds * settings.framesPerSecond));
  // Average frame = ((keyEvery − 1) · delta + 6 · delta) / keyEvery.
  const deltaBytes = Math.round((settings.videoKbps * 1000) / 8 / settings.framesPerSecond / ((keyEvery + 5) / keyEvery));
  const audioBytes = Math.max(3, Math.round((settings.audioKbps * 1000) / 8 / 50));
  const filler = Buffer.alloc(maxPayloadBytes, 0x55);
  let videoSeq = 0;
  let audioSeq = 0;
  let frame = 0;
  let audioFrame = 0;
  let keyRequested = false;
  let lastRequestedKeyAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let isClosed = false;

  videoSender.onPictureLossIndication.subscribe(() => {
    const now = performance.now();
    if (now - lastRequestedKeyAt < 500) return;
    lastRequestedKeyAt = now;
    keyRequested = true;
  });

  const sendFrame = () => {
    const isKey = frame % keyEvery === 0 || keyRequested;
    if (keyRequested && frame % keyEvery !== 0) sent.keyFramesOnRequest += 1;
    keyRequested = false;
    const size = isKey ? deltaBytes * 6 : Math.round(deltaBytes * (0.9 + 0.2 * (((frame * 37) % 100) / 100)));
    const header = isKey ? keyFrameHeader : interFrameHeader;
    const timestamp = Math.round((frame * 90_000) / settings.framesPerSecond) >>> 0;
    for (let offset = 0; offset < size; offset += maxPayloadBytes - 1) {
      const chunk = Math.min(maxPayloadBytes - 1, size - offset);
      const isFirst = offset === 0;
      const isLast = offset + chunk >= size;
      // VP8 payload descriptor: S (start of partition) on the first packet, partition 0.
      const body = isFirst ? Buffer.concat([Buffer.from([0x10]), header, filler.subarray(0, Math.max(0, chunk - header.length))]) : Buffer.concat([Buffer.from([0x00]), filler.subarray(0, chunk)]);
      const rtp = new RtpPacket(new RtpHeader({ sequenceNumber: videoSeq & 0xffff, timestamp, marker: isLast, payloadType: 96 }), body);
      video.writeRtp(rtp);
      videoSeq += 1;
      sent.videoPackets += 1;
      sent.videoBytes += body.length;
    }
    frame += 1;
    sent.frames += 1;
    sent.completeFrames += 1;
  };

  const sendAudio = () => {
    const payload = Buffer.alloc(audioBytes, 0x33);
    payload[0] = 0x78; // Opus TOC: SILK wideband 20 ms, one frame (speech)
    audio.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: audioSeq & 0xffff, timestamp: (audioFrame * 960) >>> 0, payloadType: 111 }), payload));
    audioSeq += 1;
    audioFrame += 1;
    sent.audioPackets += 1;
  };

  const start = () => {
    const startedAt = performance.now();
    const tick = () => {
      if (isClosed) return;
      const now = performance.now();
      let sentVideo = 0;
      while (startedAt + frame * frameMs <= now) {
        sendFrame();
        sentVideo += 1;
      }
      if (sentVideo > 1) sent.lateTicks += 1;
      while (startedAt + audioFrame * 20 <= now) sendAudio();
      const next = Math.min(startedAt + frame * frameMs, startedAt + audioFrame * 20);
      timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  };

  return {
    sent,
    async offer() {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      return pc.localDescription!.sdp;
    },
    async accept(answerSdp, timeoutMs) {
      await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
      await connectedWithin(pc, timeoutMs);
      if (!timer) start();
    },
    async close() {
      isClosed = true;
      clearTimeout(timer);
      await pc.close();
    },
  };
}
