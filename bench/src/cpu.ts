import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream architecture). */
const ticksPerSecond = 100;

type Sample = { at: number; processTicks: number; postgres: Map<number, number>; machineBusy: number; machineTotal: number; own: NodeJS.CpuUsage };

function processTicks(pid: number): number {
  // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU ticks of every process whose command name is `command` (e.g. all of PostgreSQL's backends), by pid. */
function ticksOfCommand(command: string): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) ticks.set(Number(entry), processTicks(Number(entry)));
    } catch {
      // exited meanwhile
    }
  }
  return ticks;
}

function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const ticks = values.map(Number);
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = ticks[3]! + ticks[4]!; // idle + iowait
  return { busy: total - idle, total };
}

/**
 * CPU used between `start` and `stop`: by one process (the server), by this process (the load
 * generator), with `postgres`, by every PostgreSQL process of the machine (its backends, WAL writer…;
 * other work may use the same PostgreSQL server), each in % of one core,
 * and by the whole machine in % of all its cores.
 */
export function startCpuMeter(pid: number, options: { postgres?: boolean } = {}) {
  const take = (): Sample => {
    const machine = machineTicks();
    return { at: performance.now(), processTicks: processTicks(pid), postgres: options.postgres ? ticksOfCommand('postgres') : new Map<number, number>(), machineBusy: machine.busy, machineTotal: machine.total, own: process.cpuUsage() };
  };
  const start = take();
  return {
    stop() {
      const end = take();
      const seconds = (end.at - start.at) / 1000;
      const own = process.cpuUsage(start.own);
      const percent = (value: number) => Math.round(value * 1000) / 10;
      // A backend that started meanwhile counts from zero; one that ended is lost (pools keep theirs).
      let postgresTicks = 0;
      for (const [postgresPid, ticks] of end.postgres) postgresTicks += ticks - (start.postgres.get(postgresPid) ?? 0);
      return {
        serverPercentOfOneCore: percent((end.processTicks - start.processTicks) / ticksPerSecond / seconds),
        ...(options.postgres ? { postgresPercentOfOneCore: percent(postgresTicks / ticksPerSecond / seconds) } : {}),
        loadGeneratorPercentOfOneCore: percent((own.user + own.system) / 1e6 / seconds),
        machinePercentOfAllCores: percent((end.machineBusy - start.machineBusy) / (end.machineTotal - start.machineTotal)),
        /** Runnable tasks on the machine, averaged over the last minute: above the core count, everything waits for a core. */
        loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
      };
    },
  };
}

/** How busy the whole machine is over the next `ms` (% of all cores): other work skews every figure. */
export async function machineBusyPercent(ms: number): Promise<number> {
  const start = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const end = machineTicks();
  return Math.round(((end.busy - start.busy) / (end.total - start.total)) * 1000) / 10;
}
