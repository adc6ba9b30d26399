import { setTimeout as sleep } from 'node:timers/promises';
import { LessonClients } from './lesson/clients.ts';
import { runMediaScenario } from './lesson/media-scenario.ts';
import { diffCounters, measureWindow, perReceiver, receivedFigures, round1, round2, sentFigures, timeJoining } from './lesson/measure.ts';
import type { PublisherSettings, Snapshot } from './lesson/protocol.ts';
import { describeMachine } from './machine.ts';
import { progressOf, sourceVersion } from './scenario.ts';
import { seedGroupChats, seedSchool } from './seed.ts';
import { nodeArgs } from './server.ts';

/**
 * `npm run bench -- lesson`: one node serving a video lesson — 1 teacher publishing camera and
 * microphone, N students receiving them through Janus (the group-call media path: Parta's
 * signalling over the WebSocket, media between the clients and Janus). N grows in steps until a
 * student misses frames; measured: CPU and memory of Janus and of the Parta server, per student.
 *
 * 1. The built server creates its database and stops; straight into it (seed.ts): a school with a
 *    teacher and as many students as the largest step, with live sessions, and a group chat of
 *    the teacher and the students. The server starts again and starts its own Janus
 *    (/usr/bin/janus, a child process).
 * 2. Client processes (lesson/worker.ts, werift — WebRTC in TypeScript): one for the teacher,
 *    two for the students. The teacher's device opens its socket, starts a video call in the chat
 *    (`POST /api/chats/:id/calls`) and publishes (`media.publish`): VP8 30 fps at ~500 kbit/s in
 *    RTP packets of ≤ 1 100 bytes and Opus at 32 kbit/s (lesson/publisher.ts). 3 s with nobody
 *    watching gives the baseline.
 * 3. Steps of N = 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99 students (BENCH_LESSON_STEPS; a
 *    group call holds at most 100 people, modules/calls maxCallParticipants): the students missing
 *    so far open their sockets, join (`POST /api/calls/:id/join`), subscribe to the teacher's feed
 *    (`media.subscribe` → `media.offer` → `media.answer`) and wait for the first frame; 3 s of
 *    warm-up; then 10 s measured (BENCH_LESSON_SECONDS): CPU of Janus, of the server, of each client
 *    process (% of one core, from /proc), their RSS at the end, frames sent and received; and the
 *    server's CPU time per newcomer while they joined (signalling, call.updated to everybody).
 * 4. A student "drops frames" in a step when the complete frames it received in the window are
 *    fewer than 95 % of the frames the teacher sent in it (a frame is complete when all its packets
 *    arrived in order, from the one with the VP8 start bit to the one with the marker bit). The
 *    stepping stops after the first step where any student dropped frames or could not join, or
 *    when the next step would not fit in the time left; the answer is the largest N without drops.
 *
 * The clients run on the same cores as Janus and the server: their CPU is reported so that a
 * reader can tell a starved client from a starved server. Media goes over the machine's own
 * interface address (Janus never offers loopback candidates: docs/subsystems/media.md); the
 * HTTP API and the Janus API are on 127.0.0.1. PGlite, or PostgreSQL in a fresh schema with
 * BENCH_DATABASE_URL. At most 300 s (BENCH_LESSON_BUDGET_SECONDS); a hard deadline 30 s later
 * kills whatever is left and exits.
 */
const env = process.env;
const settings = {
  steps: (env.BENCH_LESSON_STEPS ?? '1,5,10,20,30,40,50,60,70,80,90,99').split(',').map(Number).filter((n) => n > 0),
  publisher: { framesPerSecond: 30, videoKbps: Number(env.BENCH_LESSON_KBPS ?? 500), keyFrameSeconds: 3, audioKbps: 32 } satisfies PublisherSettings,
  baselineSeconds: 3,
  warmupSeconds: 3,
  seconds: Number(env.BENCH_LESSON_SECONDS ?? 10),
  /** A student received fewer complete frames than this share of the frames sent: dropped frames. */
  minFrameShare: 0.95,
  studentProcesses: 2,
  /** Students joining at once in each student process. */
  joinConcurrency: 4,
  joinTimeoutMs: 20_000,
  budgetMs: Number(env.BENCH_LESSON_BUDGET_SECONDS ?? 300) * 1000,
  hardDeadlineSlackMs: 30_000,
};

/** What the teacher sent and every student received between two sets of snapshots. */
function compareWindow(before: Snapshot[], after: Snapshot[], seconds: number) {
  const sent = after[0]!.sent.teacher!;
  const students = after.slice(1).flatMap((snapshot, index) => Object.entries(snapshot.received).map(([userId, counters]) => diffCounters(counters, before[index + 1]!.received[userId])));
  return {
    seconds: round2(seconds),
    sent: sentFigures(sent, before[0]!.sent.teacher, seconds),
    received: receivedFigures(diffCounters(sent, before[0]!.sent.teacher), students, seconds, settings.minFrameShare),
  };
}

export async function runLesson() {
  const source = sourceVersion();
  const progress = progressOf('lesson');
  const startedAt = performance.now();
  const timeLeft = () => settings.budgetMs - (performance.now() - startedAt);
  const maxStudents = Math.max(...settings.steps);

  const figures = await runMediaScenario(
    {
      name: 'lesson',
      hardDeadlineMs: settings.budgetMs + settings.hardDeadlineSlackMs,
      progress,
      seed: async (db) => {
        // Person 0 administrator, 1 the teacher, then students and parents in turn.
        const school = await seedSchool(db, { size: 2 + 2 * maxStudents, teachers: 1 });
        const teacher = school.people[1]!;
        const students = school.people.filter((person) => person.role === 'student').slice(0, maxStudents);
        const [chatId] = await seedGroupChats(db, { organizationId: school.organizationId, chats: [{ title: '7«А» — урок физики', members: [teacher.userId, ...students.map((person) => person.userId)] }] });
        return { teacher, students, chatId: chatId! };
      },
    },
    async ({ node: { baseUrl }, seeded: { teacher, students, chatId }, pids }) => {
      const group = await LessonClients.start(settings.studentProcesses);
      try {
        const measure = async (seconds: number) => {
          const window = await measureWindow(group, pids, seconds);
          return { window: compareWindow(window.before, window.after, window.seconds), ...window.figures };
        };

        progress('the teacher starts the call and publishes');
        const call = await group.startCall(baseUrl, chatId, { userId: teacher.userId, headers: teacher.headers }, settings.publisher, settings.joinTimeoutMs);
        await sleep(1_000);
        const baseline = await measure(settings.baselineSeconds);
        progress(`publishing ${baseline.window.sent.framesPerSecond} frames/s, ${baseline.window.sent.videoKbps} kbit/s; Janus ${baseline.cpuPercentOfOneCore.janus} % of a core with nobody watching`);

        const steps = [];
        let joined = 0;
        let lastJoinMsPerStudent = 1_000;
        for (const target of settings.steps) {
          if (target <= joined) continue;
          const adding = target - joined;
          const estimateMs = (adding * lastJoinMsPerStudent) / settings.studentProcesses + (settings.warmupSeconds + settings.seconds + 5) * 1000;
          if (estimateMs > timeLeft() - 20_000) {
            progress(`stopping before ${target} students: the step would not fit in the time left`);
            break;
          }
          progress(`${target} students: ${adding} joining`);
          const newcomers = students.slice(joined, target).map((person) => ({ userId: person.userId, headers: person.headers }));
          const joining = await timeJoining(pids, adding, () => group.join(baseUrl, call.callId, call.feedId, newcomers, { concurrency: settings.joinConcurrency, timeoutMs: settings.joinTimeoutMs }));
          lastJoinMsPerStudent = Math.max(200, (joining.ms * settings.studentProcesses) / adding);
          joined += joining.joined;
          await sleep(settings.warmupSeconds * 1000);
          const measured = await measure(settings.seconds);
          const n = measured.window.received.receivers;
          const isWithoutDrops = joining.joined === adding && n === target && measured.window.received.receiversDroppingFrames === 0;
          const step = {
            students: target,
            joining: joining.figures,
            ...measured,
            /** Above the baseline (teacher publishing, nobody watching), divided by the students. */
            perStudent: perReceiver(measured, baseline, n, group.publisherName),
            isWithoutDrops,
          };
          steps.push(step);
          const frames = measured.window.received.completeFramesPercent;
          progress(
            `${target} students: Janus ${measured.cpuPercentOfOneCore.janus} % of a core, ${measured.rssMiB.janus} MiB; server ${measured.cpuPercentOfOneCore.server} %; clients ${JSON.stringify(measured.cpuPercentOfOneCore.clients)}; complete frames min ${frames?.min} % p50 ${frames?.p50} %${isWithoutDrops ? '' : ' — frames dropped or joins failed'}`,
          );
          if (!isWithoutDrops) break;
        }
        progress('done; closing the clients');
        return {
          call: { teacherStartToPublishingMs: call.ms },
          baseline,
          steps,
          largestStudentsWithoutDrops: steps.filter((step) => step.isWithoutDrops).at(-1)?.students ?? 0,
          stoppedBy: steps.at(-1)?.isWithoutDrops === false ? 'dropped frames or failed joins' : steps.length < settings.steps.length ? 'time budget' : 'last step reached',
        };
      } finally {
        // Before the server stops: the devices leave as a browser's would (sockets and peers closed).
        await group.close();
      }
    },
  );
  const at30 = figures.steps.find((step) => step.students === 30);
  return {
    scenario: 'lesson',
    machine: describeMachine(),
    source,
    nodeArgs,
    settings,
    ...figures,
    runSeconds: Math.round((performance.now() - startedAt) / 1000),
    goal: {
      text: 'a 30-person lesson under one core (Janus + Parta server)',
      at30: at30 ? { isWithoutDrops: at30.isWithoutDrops, janusPlusServerPercentOfOneCore: round1(at30.cpuPercentOfOneCore.janus + at30.cpuPercentOfOneCore.server), isMet: at30.isWithoutDrops && at30.cpuPercentOfOneCore.janus + at30.cpuPercentOfOneCore.server < 100 } : null,
    },
  };
}
