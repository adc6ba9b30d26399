import type { TBroadcast } from '@parta/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBrowserConnections } from './http.ts';
import { LessonClients } from './lesson/clients.ts';
import { runMediaScenario } from './lesson/media-scenario.ts';
import { completeShare, diffCounters, measureWindow, perReceiver, receivedFigures, round1, round2, sentFigures, timeJoining } from './lesson/measure.ts';
import { speakerOfKey, viewerOfKey, type PublisherSettings, type Snapshot } from './lesson/protocol.ts';
import { describeMachine } from './machine.ts';
import { progressOf, requestJson, sourceVersion } from './scenario.ts';
import { seedSchool } from './seed.ts';
import { nodeArgs } from './server.ts';

/**
 * `npm run bench -- broadcast`: one node serving a broadcast «трансляция» — 2 speakers
 * publishing camera and microphone, N anonymous viewers watching both through the public watch
 * socket and Janus. N grows in steps until a viewer misses frames; measured: CPU and memory of
 * Janus and of the Parta server, per viewer, and the audience the API reports.
 *
 * 1. The built server creates its database and stops; straight into it (seed.ts): a school with
 *    an administrator and two verified teachers with live sessions. The server starts again and
 *    starts its own Janus (JANUS_AUTOSTART). The administrator starts the broadcast at once
 *    (`POST /api/organizations/:id/broadcasts {title, speakerIds}` → status live, `watchUrl`).
 * 2. Client processes (lesson/worker.ts with lesson/broadcast-devices.ts, werift): one for the two
 *    speakers, BENCH_BROADCAST_VIEWER_PROCESSES (3) for the viewers. Each speaker opens the studio
 *    socket with its session cookie and publishes (`publish` → `answer`) lesson/publisher.ts's
 *    stream: VP8 30 fps at ~500 kbit/s (BENCH_BROADCAST_KBPS) and Opus at 32 kbit/s; each receives
 *    the other speaker, as the web studio does. 3 s with nobody watching give the baseline.
 * 3. Steps of N = 1, 10, 25, 50, 75, 100, 150, 200, 250, 300 viewers (BENCH_BROADCAST_STEPS): the
 *    viewers missing so far open the watch socket (Origin only, no account), answer the `offer`
 *    (4 m-lines: both speakers' audio and video) and wait for a first frame of each speaker;
 *    3 s of warm-up; a 10 s window (BENCH_BROADCAST_SECONDS) as in the lesson bench (CPU and RSS
 *    of Janus, the server and each client process from /proc; frames sent and received); then
 *    the audience the API reports (`GET /api/broadcasts/:id` → `viewers`, which each node writes
 *    every 5 s) next to the viewer sockets open in the client processes.
 * 4. A viewer "drops frames" in a step when it received fewer complete frames of EITHER speaker
 *    than 95 % of the frames that speaker sent in the window (lesson/frames.ts). The stepping stops
 *    after the first step where a viewer dropped frames or could not join, or when the next step
 *    would not fit in the time left; the answer is the largest N without drops.
 *
 * Viewer sockets are limited per address (600 a minute, app.ts broadcastWatchPerMinute, no
 * setting) and every viewer here comes from 127.0.0.1: they are opened at most 9 a second
 * (BENCH_BROADCAST_OPENS_PER_SECOND), so the join time includes that pacing only when the clients
 * are faster. Media goes over the machine's own interface address (Janus offers no loopback);
 * the API and the Janus API are on 127.0.0.1. At most 300 s (BENCH_BROADCAST_BUDGET_SECONDS); a
 * hard deadline 30 s later kills whatever is left and exits.
 */
const env = process.env;
const settings = {
  steps: (env.BENCH_BROADCAST_STEPS ?? '1,10,25,50,75,100,150,200,250,300').split(',').map(Number).filter((n) => n > 0),
  speakers: 2,
  publisher: { framesPerSecond: 30, videoKbps: Number(env.BENCH_BROADCAST_KBPS ?? 500), keyFrameSeconds: 3, audioKbps: 32 } satisfies PublisherSettings,
  baselineSeconds: 3,
  warmupSeconds: 3,
  seconds: Number(env.BENCH_BROADCAST_SECONDS ?? 10),
  /** A viewer received fewer complete frames of a speaker than this share of the frames sent: dropped frames. */
  minFrameShare: 0.95,
  viewerProcesses: Number(env.BENCH_BROADCAST_VIEWER_PROCESSES ?? 3),
  /** Viewers joining at once in each viewer process. */
  joinConcurrency: 4,
  /** Viewer sockets opened a second, over all viewer processes: under the server's 600 a minute per address. */
  opensPerSecond: Number(env.BENCH_BROADCAST_OPENS_PER_SECOND ?? 9),
  joinTimeoutMs: 20_000,
  /** The default BROADCAST_VIEWERS_PER_MEDIA_SERVER: the figures are projected to it. */
  viewersPerMediaServer: 300,
  budgetMs: Number(env.BENCH_BROADCAST_BUDGET_SECONDS ?? 300) * 1000,
  hardDeadlineSlackMs: 30_000,
};

/** What each speaker sent and every viewer received of each speaker between two sets of snapshots. */
function compareWindow(before: Snapshot[], after: Snapshot[], seconds: number) {
  const sentBefore = before[0]!.sent;
  const sentAfter = after[0]!.sent;
  // Every viewer's counts of every speaker, over the window.
  const received = after.slice(1).flatMap((snapshot, index) => Object.entries(snapshot.received).map(([key, counters]) => ({ key, counters: diffCounters(counters, before[index + 1]!.received[key]) })));
  const speakers = Object.keys(sentAfter);
  const viewers = new Set(received.map(({ key }) => viewerOfKey(key)));
  const shares = new Map(received.map(({ key, counters }) => [key, completeShare(counters, diffCounters(sentAfter[speakerOfKey(key)]!, sentBefore[speakerOfKey(key)]))]));
  const dropping = [...viewers].filter((viewer) => speakers.some((speaker) => (shares.get(`${viewer} ▸ ${speaker}`) ?? 0) < settings.minFrameShare));
  return {
    seconds: round2(seconds),
    bySpeaker: speakers.map((speaker) => ({
      speaker,
      sent: sentFigures(sentAfter[speaker]!, sentBefore[speaker], seconds),
      received: receivedFigures(
        diffCounters(sentAfter[speaker]!, sentBefore[speaker]),
        received.filter(({ key }) => speakerOfKey(key) === speaker).map(({ counters }) => counters),
        seconds,
        settings.minFrameShare,
      ),
    })),
    /** Viewers with counts of any speaker; the viewer sockets open at the window's end. */
    viewers: viewers.size,
    viewerSocketsOpen: after.slice(1).reduce((sum, snapshot) => sum + snapshot.watching, 0),
    viewersDroppingFrames: dropping.length,
  };
}

export async function runBroadcast() {
  const source = sourceVersion();
  const progress = progressOf('broadcast');
  const startedAt = performance.now();
  const timeLeft = () => settings.budgetMs - (performance.now() - startedAt);
  const figures = await runMediaScenario(
    {
      name: 'broadcast',
      hardDeadlineMs: settings.budgetMs + settings.hardDeadlineSlackMs,
      progress,
      // Person 0 the administrator, 1 and 2 the speakers (verified teachers).
      seed: async (db) => seedSchool(db, { size: 1 + settings.speakers, teachers: settings.speakers }),
    },
    async ({ node: { baseUrl }, seeded: school, pids }) => {
      const agent = createBrowserConnections();
      const administrator = school.people[0]!;
      const speakerPeople = school.people.filter((person) => person.role === 'teacher');
      // Going live needs the server connected to its Janus (503 until then).
      let broadcast: TBroadcast | undefined;
      for (let attempt = 0; !broadcast; attempt++) {
        try {
          broadcast = await requestJson<TBroadcast>(agent, baseUrl, administrator, 'POST', `/api/organizations/${school.organizationId}/broadcasts`, {
            body: { title: 'Последний звонок — нагрузка', speakerIds: speakerPeople.map((person) => person.userId) },
          });
        } catch (error) {
          if (attempt >= 20 || !String(error).includes('HTTP 503')) throw error;
          await sleep(250);
        }
      }
      const token = new URL(broadcast.watchUrl!).pathname.split('/').pop()!;
      const audience = async () => {
        const now = await requestJson<TBroadcast>(agent, baseUrl, administrator, 'GET', `/api/broadcasts/${broadcast.id}`);
        return { viewers: now.viewers, peakViewers: now.peakViewers, totalViews: now.totalViews };
      };
      const group = await LessonClients.start(settings.viewerProcesses, { publisher: 'speakers', receivers: 'viewers' });
      try {
        const measure = async (seconds: number) => {
          const window = await measureWindow(group, pids, seconds);
          return { window: compareWindow(window.before, window.after, window.seconds), ...window.figures };
        };

        progress('the speakers go on air');
        const displayNameOf = new Map(broadcast.speakers.map((speaker) => [speaker.person.id, speaker.person.displayName]));
        const speakers = speakerPeople.map((person) => ({ userId: person.userId, headers: person.headers, displayName: displayNameOf.get(person.userId)! }));
        const onAirMs = await group.goOnAir(baseUrl, broadcast.id, speakers, settings.publisher, settings.joinTimeoutMs);
        await sleep(1_000);
        const baseline = await measure(settings.baselineSeconds);
        progress(`${baseline.window.bySpeaker.map((speaker) => `${speaker.sent.framesPerSecond} frames/s, ${speaker.sent.videoKbps} kbit/s`).join(' + ')}; Janus ${baseline.cpuPercentOfOneCore.janus} % of a core with nobody watching`);

        const steps = [];
        let joined = 0;
        let lastJoinMsPerViewer = 1_000;
        for (const target of settings.steps) {
          if (target <= joined) continue;
          const adding = target - joined;
          const joinEstimateMs = Math.max((adding * 1000) / settings.opensPerSecond, (adding * lastJoinMsPerViewer) / settings.viewerProcesses);
          if (joinEstimateMs + (settings.warmupSeconds + settings.seconds + 5) * 1000 > timeLeft() - 20_000) {
            progress(`stopping before ${target} viewers: the step would not fit in the time left`);
            break;
          }
          progress(`${target} viewers: ${adding} joining`);
          const names = Array.from({ length: adding }, (_, index) => `viewer ${joined + index + 1}`);
          const joining = await timeJoining(pids, adding, () => group.watch(baseUrl, token, names, { concurrency: settings.joinConcurrency, opensPerSecond: settings.opensPerSecond, timeoutMs: settings.joinTimeoutMs }));
          lastJoinMsPerViewer = Math.max(100, (joining.ms * settings.viewerProcesses) / adding);
          joined += joining.joined;
          await sleep(settings.warmupSeconds * 1000);
          const measured = await measure(settings.seconds);
          const reported = await audience();
          const n = measured.window.viewers;
          const isWithoutDrops = joining.joined === adding && n === target && measured.window.viewerSocketsOpen === target && measured.window.viewersDroppingFrames === 0;
          steps.push({
            viewers: target,
            joining: joining.figures,
            ...measured,
            /** The API's count (written by the node every 5 s) next to the viewer sockets open in the clients. */
            audience: { reported: reported.viewers, connected: measured.window.viewerSocketsOpen, peakViewers: reported.peakViewers, totalViews: reported.totalViews },
            /** Above the baseline (speakers publishing, nobody watching), divided by the viewers. */
            perViewer: perReceiver(measured, baseline, n, group.publisherName),
            isWithoutDrops,
          });
          const frames = measured.window.bySpeaker.map((speaker) => speaker.received.completeFramesPercent);
          progress(
            `${target} viewers: Janus ${measured.cpuPercentOfOneCore.janus} % of a core, ${measured.rssMiB.janus} MiB; server ${measured.cpuPercentOfOneCore.server} %; clients ${JSON.stringify(measured.cpuPercentOfOneCore.clients)}; complete frames min ${frames.map((value) => value?.min).join(' / ')} %; audience ${reported.viewers} of ${measured.window.viewerSocketsOpen}${isWithoutDrops ? '' : ' — frames dropped or joins failed'}`,
          );
          if (!isWithoutDrops) break;
        }
        progress('done; closing the clients');
        const largest = steps.filter((step) => step.isWithoutDrops).at(-1);
        return {
          speakers: { count: speakers.length, socketToSendingMs: onAirMs },
          baseline,
          steps,
          largestViewersWithoutDrops: largest?.viewers ?? 0,
          stoppedBy: steps.at(-1)?.isWithoutDrops === false ? 'dropped frames or failed joins' : steps.length < settings.steps.length ? 'time budget' : 'last step reached',
          /** BROADCAST_VIEWERS_PER_MEDIA_SERVER viewers on one instance, from the per-viewer costs of the largest step without drops. */
          projection: largest
            ? {
                viewers: settings.viewersPerMediaServer,
                fromStep: largest.viewers,
                janusPercentOfOneCore: round1(baseline.cpuPercentOfOneCore.janus + largest.perViewer.janusCpuPercentOfOneCore! * settings.viewersPerMediaServer),
                janusRssMiB: round1(baseline.rssMiB.janus + largest.perViewer.janusRssMiB! * settings.viewersPerMediaServer),
                serverPercentOfOneCore: round1(baseline.cpuPercentOfOneCore.server + largest.perViewer.serverCpuPercentOfOneCore! * settings.viewersPerMediaServer),
                videoMbpsOut: round1(largest.window.bySpeaker.reduce((sum, speaker) => sum + speaker.sent.videoKbps, 0) * settings.viewersPerMediaServer / 1000),
              }
            : null,
        };
      } finally {
        // Before the server stops: the devices leave as a browser's would (sockets and peers closed).
        await group.close();
        agent.destroy();
      }
    },
  );
  return {
    scenario: 'broadcast',
    machine: describeMachine(),
    source,
    nodeArgs,
    settings,
    ...figures,
    runSeconds: Math.round((performance.now() - startedAt) / 1000),
  };
}
