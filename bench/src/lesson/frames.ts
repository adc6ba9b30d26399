import type { MediaStreamTrack } from 'werift';
import type { Counters } from './protocol.ts';

/**
 * Frame-completeness accounting of one received video track (the lesson's student, a broadcast
 * viewer's view of one speaker): packets, bytes, frames (marker bit), frames complete in order
 * (from the packet with the VP8 descriptor's S bit to the marker, with no sequence gap) and
 * packets missing by sequence number. `onFirstFrame` fires at the first frame's marker.
 */
export function countVideo(track: MediaStreamTrack, counters: Counters, onFirstFrame: () => void) {
  // A later track (a new connection after `no-streams`) adds its own losses to those counted so far.
  const lostBefore = counters.lostPackets;
  let base: number | undefined;
  let highest = 0;
  let received = 0;
  let frameTimestamp = -1;
  let isFrameIntact = false;
  let hasFrame = false;
  track.onReceiveRtp.subscribe((rtp) => {
    const { sequenceNumber, timestamp, marker } = rtp.header;
    counters.videoPackets += 1;
    counters.videoBytes += rtp.payload.length;
    // Extended sequence number: the closest to the highest seen so far (handles the 16-bit wrap).
    let extended = sequenceNumber;
    if (base === undefined) {
      base = extended;
    } else {
      extended = highest + ((((sequenceNumber - highest) & 0xffff) + 0x8000) % 0x10000) - 0x8000;
    }
    const isNext = received === 0 || extended === highest + 1;
    if (extended > highest || received === 0) highest = extended;
    received += 1;
    counters.lostPackets = lostBefore + highest - base + 1 - received;
    if (timestamp !== frameTimestamp) {
      frameTimestamp = timestamp;
      // A frame starts intact only on a packet with the VP8 descriptor's S bit, right after the previous one.
      isFrameIntact = isNext && (rtp.payload[0]! & 0x10) !== 0;
    } else {
      isFrameIntact &&= isNext;
    }
    if (marker) {
      counters.frames += 1;
      if (isFrameIntact) counters.completeFrames += 1;
      if (!hasFrame) {
        hasFrame = true;
        onFirstFrame();
      }
    }
  });
}

export const newCounters = (): Counters => ({ videoPackets: 0, videoBytes: 0, frames: 0, completeFrames: 0, lostPackets: 0, audioPackets: 0 });
