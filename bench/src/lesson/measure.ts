import { setTimeout as sleep } from 'node:timers/promises';
import { startCpuMeter } from '../cpu.ts';
import { summarize } from '../machine.ts';
import type { LessonClients } from './clients.ts';
import { processTicks, rssMiB, startProcessMeter } from './proc.ts';
import type { Counters, SentCounters, Snapshot } from './protocol.ts';

/**
 * What the media scenarios (lesson.ts, broadcast.ts) measure alike: a window (CPU and RSS of
 * Janus, the server and the client processes, the clients' counts before and after), what was
 * sent and received in it, per-receiver costs, the CPU of joining.
 */

export const round1 = (value: number) => Math.round(value * 10) / 10;
export const round2 = (value: number) => Math.round(value * 100) / 100;

export const diffCounters = (after: Counters, before: Counters | undefined): Counters => ({
  videoPackets: after.videoPackets - (before?.videoPackets ?? 0),
  videoBytes: after.videoBytes - (before?.videoBytes ?? 0),
  frames: after.frames - (before?.frames ?? 0),
  completeFrames: after.completeFrames - (before?.completeFrames ?? 0),
  lostPackets: after.lostPackets - (before?.lostPackets ?? 0),
  audioPackets: after.audioPackets - (before?.audioPackets ?? 0),
});

/** Complete frames received ÷ frames sent (0 when nothing was sent). */
export const completeShare = (received: Counters, sent: Counters) => (sent.frames > 0 ? received.completeFrames / sent.frames : 0);

/** What one publisher sent in a window of `seconds`. */
export function sentFigures(after: SentCounters, before: SentCounters | undefined, seconds: number) {
  const sent = diffCounters(after, before);
  const perSecond = (value: number) => round1(value / seconds);
  return {
    framesPerSecond: perSecond(sent.frames),
    videoPacketsPerSecond: perSecond(sent.videoPackets),
    videoKbps: Math.round((sent.videoBytes * 8) / seconds / 1000),
    audioPacketsPerSecond: perSecond(sent.audioPackets),
    lateTicks: after.lateTicks - (before?.lateTicks ?? 0),
    keyFramesOnRequest: after.keyFramesOnRequest - (before?.keyFramesOnRequest ?? 0),
  };
}

/** What the receivers of one publisher got of what it sent (`sent`: its counts in the same window). */
export function receivedFigures(sent: Counters, received: Counters[], seconds: number, minFrameShare: number) {
  const share = (value: number, of: number) => (of > 0 ? value / of : 0);
  const percents = (values: number[]) => (received.length > 0 ? summarize(values.map((value) => value * 100)) : null);
  const completeShares = received.map((counters) => completeShare(counters, sent));
  return {
    receivers: received.length,
    /** Complete frames received ÷ frames sent, per receiver, in %. */
    completeFramesPercent: percents(completeShares),
    framesPercent: percents(received.map((counters) => share(counters.frames, sent.frames))),
    audioPacketsPercent: percents(received.map((counters) => share(counters.audioPackets, sent.audioPackets))),
    lostVideoPackets: received.reduce((sum, counters) => sum + counters.lostPackets, 0),
    videoPacketsPerSecondAll: round1(received.reduce((sum, counters) => sum + counters.videoPackets, 0) / seconds),
    videoMbpsAll: round2((received.reduce((sum, counters) => sum + counters.videoBytes, 0) * 8) / seconds / 1e6),
    receiversDroppingFrames: completeShares.filter((value) => value < minFrameShare).length,
  };
}

/**
 * A measured window of `seconds`: the clients' counts at its start and end, CPU of Janus, the
 * server and each client process (% of one core), their RSS at the end, and the whole machine.
 */
export async function measureWindow(clients: LessonClients, pids: { janus: number; server: number }, seconds: number) {
  const before = await clients.snapshots();
  const machine = startCpuMeter(pids.server);
  const processes = startProcessMeter({ ...pids, ...clients.pids });
  await sleep(seconds * 1000);
  const after = await clients.snapshots();
  const cpu = processes.stop();
  const { machinePercentOfAllCores, loadAverage1m } = machine.stop();
  return {
    before,
    after,
    seconds: (after[0]!.at - before[0]!.at) / 1000,
    figures: {
      cpuPercentOfOneCore: { janus: cpu.janus!, server: cpu.server!, clients: Object.fromEntries(Object.entries(cpu).filter(([name]) => name !== 'janus' && name !== 'server')) },
      rssMiB: { janus: rssMiB(pids.janus), server: rssMiB(pids.server), clients: after.map((snapshot: Snapshot) => snapshot.rssMiB) },
      machinePercentOfAllCores,
      loadAverage1m,
    },
  };
}

type WindowFigures = Awaited<ReturnType<typeof measureWindow>>['figures'];

/** Above the baseline (publishing, nobody receiving), divided by the `n` receivers; clients: the receiving processes' CPU ÷ n. */
export function perReceiver(measured: WindowFigures, baseline: WindowFigures, n: number, publisherProcess: string) {
  const per = (value: number, base: number) => (n > 0 ? round2((value - base) / n) : null);
  return {
    janusCpuPercentOfOneCore: per(measured.cpuPercentOfOneCore.janus, baseline.cpuPercentOfOneCore.janus),
    janusRssMiB: per(measured.rssMiB.janus, baseline.rssMiB.janus),
    serverCpuPercentOfOneCore: per(measured.cpuPercentOfOneCore.server, baseline.cpuPercentOfOneCore.server),
    serverRssMiB: per(measured.rssMiB.server, baseline.rssMiB.server),
    clientsCpuPercentOfOneCore: per(
      Object.entries(measured.cpuPercentOfOneCore.clients)
        .filter(([name]) => name !== publisherProcess)
        .reduce((sum, [, value]) => sum + value, 0),
      0,
    ),
  };
}

/**
 * A step's newcomers joining (`join`: students, viewers): how many did and how long it took, the
 * time each took to its first frame, and the CPU time (ticks of 10 ms) the server and Janus spent
 * meanwhile, per newcomer (signalling, Janus sessions and handles, the subscriptions).
 */
export async function timeJoining(pids: { server: number; janus: number }, adding: number, join: () => Promise<{ joined: number; failures: Record<string, number>; joinToFirstFrameMs: number[] }>) {
  const started = performance.now();
  const ticks = { server: processTicks(pids.server), janus: processTicks(pids.janus) };
  const result = await join();
  const ms = performance.now() - started;
  const perNewcomer = (pid: number, before: number) => (result.joined > 0 ? Math.round(((processTicks(pid) - before) * 10) / result.joined) : null);
  return {
    joined: result.joined,
    ms,
    figures: {
      joined: result.joined,
      failed: adding - result.joined,
      failures: result.failures,
      seconds: round1(ms / 1000),
      joinToFirstFrameMs: result.joinToFirstFrameMs.length > 0 ? summarize(result.joinToFirstFrameMs) : null,
      serverCpuMsPerJoin: perNewcomer(pids.server, ticks.server),
      janusCpuMsPerJoin: perNewcomer(pids.janus, ticks.janus),
    },
  };
}
