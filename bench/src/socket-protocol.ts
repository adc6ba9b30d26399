import type { HistogramData } from './histogram.ts';

/** What socket-clients.ts and its socket-worker.ts processes say to each other over IPC. */

/** Milliseconds on CLOCK_MONOTONIC: comparable between processes on one machine. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * The text marker a delivery is timed by: the message's text carries it, the worker reads it from
 * the frame (socket-worker.ts); tags are letters, digits, '-' and '_'.
 */
export const deliveryMarker = (tag: string, dueMs: number) => `#b:${tag}:${dueMs.toFixed(3)}#`;

export type SocketTarget = { cookie: string; group: string; localAddress?: string };

export type WorkerRequest =
  | { type: 'connect'; id: number; url: string; origin: string; targets: SocketTarget[]; concurrency: number; timeoutMs: number }
  | { type: 'stats'; id: number }
  | { type: 'close'; id: number };

export type DeliveryStats = { latency: HistogramData; firstArrival: number; lastArrival: number };

export type WorkerStats = {
  open: number;
  ready: number;
  problems: { gaps: number; resyncs: number; errors: number; unexpectedCloses: number };
  closeCodes: Record<string, number>;
  /** Keyed `${group}|${tag}`. */
  deliveries: Record<string, DeliveryStats>;
  memoryRssMiB: number;
};

export type WorkerReply =
  | { type: 'connected'; id: number; opened: number; failed: number; failures: Record<string, number>; ms: number; connectMs: HistogramData }
  | { type: 'stats'; id: number; stats: WorkerStats }
  | { type: 'closed'; id: number };
