/**
 * What lesson/clients.ts and its lesson/worker.ts processes say to each other over IPC. The same
 * processes serve the lesson benchmark (a teacher's device on the gateway socket, students
 * subscribing) and the broadcast benchmark (speakers on the studio socket, anonymous viewers on
 * the public watch socket: lesson/broadcast-devices.ts).
 */

/** A signed-in person as the worker needs them: request headers (cookie, CSRF token). */
export type Person = { userId: string; headers: Record<string, string> };

/** A broadcast's speaker: a signed-in person and the name viewers see on its streams. */
export type Speaker = Person & { displayName: string };

/** The teacher's or a speaker's video and audio (lesson/publisher.ts). */
export type PublisherSettings = { framesPerSecond: number; videoKbps: number; keyFrameSeconds: number; audioKbps: number };

/** Counts since the participant started receiving (subscriber) or sending (publisher). */
export type Counters = {
  videoPackets: number;
  videoBytes: number;
  /** Frames whose last packet (RTP marker bit) arrived / was sent. */
  frames: number;
  /** Received frames whose packets all arrived in order, from the frame's first packet to its marker (decodable). */
  completeFrames: number;
  /** Video packets missing by sequence number (expected − received, RFC 3550 style). */
  lostPackets: number;
  audioPackets: number;
};

export type SentCounters = Counters & { lateTicks: number; keyFramesOnRequest: number };

export type Snapshot = {
  at: number;
  /** What each publisher of this worker sent, by name (the lesson: `teacher`; a broadcast: the speaker's display name). */
  sent: Record<string, SentCounters>;
  /** What each subscription of this worker received: by student id (lesson), by `viewer ▸ speaker` (broadcast: receivedKey). */
  received: Record<string, Counters>;
  /** Broadcast viewers' sockets open now in this worker. */
  watching: number;
  /** This worker's own CPU time (µs, user + system) and RSS (MiB). */
  cpuMicros: number;
  rssMiB: number;
};

/** The key of one viewer's counts of one speaker in `Snapshot.received`. */
export const receivedKey = (viewer: string, speaker: string) => `${viewer} ▸ ${speaker}`;
export const speakerOfKey = (key: string) => key.slice(key.indexOf(' ▸ ') + 3);
export const viewerOfKey = (key: string) => key.slice(0, key.indexOf(' ▸ '));

export type WorkerRequest =
  | { type: 'teacher'; id: number; baseUrl: string; chatId: string; person: Person; publisher: PublisherSettings; timeoutMs: number }
  | { type: 'join'; id: number; baseUrl: string; callId: string; feedId: number; people: Person[]; concurrency: number; timeoutMs: number }
  | { type: 'speakers'; id: number; baseUrl: string; broadcastId: string; speakers: Speaker[]; publisher: PublisherSettings; timeoutMs: number }
  /** Viewers (named) open the watch socket of `token`, at most `opensPerSecond` sockets a second from this worker. */
  | { type: 'watch'; id: number; baseUrl: string; token: string; viewers: string[]; concurrency: number; opensPerSecond: number; timeoutMs: number }
  | { type: 'snapshot'; id: number }
  | { type: 'close'; id: number };

export type WorkerReply =
  | { type: 'teacher'; id: number; callId: string; feedId: number; ms: number }
  /** Students joined (lesson) or viewers watching (broadcast); the time from join / socket open to the first frame (of every speaker). */
  | { type: 'joined'; id: number; joined: number; failures: Record<string, number>; joinToFirstFrameMs: number[] }
  /** Every speaker on air: ms from opening the studio socket to sending, per speaker. */
  | { type: 'on-air'; id: number; ms: number[] }
  | { type: 'snapshot'; id: number; snapshot: Snapshot }
  | { type: 'error'; id: number; message: string }
  | { type: 'closed'; id: number };
