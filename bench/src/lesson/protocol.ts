/** What lesson/clients.ts and its lesson/worker.ts processes say to each other over IPC. */

/** A signed-in person as the worker needs them: request headers (cookie, CSRF token). */
export type Person = { userId: string; headers: Record<string, string> };

/** The teacher's video and audio (lesson/publisher.ts). */
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

export type Snapshot = {
  at: number;
  /** The teacher's counts of what was sent (worker holding the teacher only). */
  sent?: Counters & { lateTicks: number; keyFramesOnRequest: number };
  /** Every subscriber of this worker, by person id. */
  received: Record<string, Counters>;
  /** This worker's own CPU time (µs, user + system) and RSS (MiB). */
  cpuMicros: number;
  rssMiB: number;
};

export type WorkerRequest =
  | { type: 'teacher'; id: number; baseUrl: string; chatId: string; person: Person; publisher: PublisherSettings; timeoutMs: number }
  | { type: 'join'; id: number; baseUrl: string; callId: string; feedId: number; people: Person[]; concurrency: number; timeoutMs: number }
  | { type: 'snapshot'; id: number }
  | { type: 'close'; id: number };

export type WorkerReply =
  | { type: 'teacher'; id: number; callId: string; feedId: number; ms: number }
  | { type: 'joined'; id: number; joined: number; failures: Record<string, number>; joinToFirstFrameMs: number[] }
  | { type: 'snapshot'; id: number; snapshot: Snapshot }
  | { type: 'error'; id: number; message: string }
  | { type: 'closed'; id: number };
