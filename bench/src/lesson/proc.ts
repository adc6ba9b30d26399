import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time and memory of single processes from /proc, for the lesson scenario: the server, the
 * Janus child it started, and the client processes. All threads of a process count (Janus runs a
 * thread per handle).
 */

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream architecture). */
const ticksPerSecond = 100;

/** utime + stime of `pid` in ticks; NaN when it has exited. */
export function processTicks(pid: number): number {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return Number.NaN;
  }
}

/** VmRSS of `pid` in MiB (one decimal); NaN when it has exited. */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 102.4) / 10;
  } catch {
    return Number.NaN;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process of the machine: pid, parent pid, command name. */
function processTable(): { pid: number; ppid: number; name: string }[] {
  const table: { pid: number; ppid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      table.push({ pid: Number(entry), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/** Pids of the direct children of `parent` (whose command name is `command`, when given). */
export function childrenNamed(parent: number, command?: string): number[] {
  return processTable()
    .filter((row) => row.ppid === parent && (command === undefined || row.name === command))
    .map((row) => row.pid);
}

/** Every descendant of `ancestor` (children, their children…), parents before their children. */
export function descendantsOf(ancestor: number): number[] {
  const table = processTable();
  const found: number[] = [];
  for (let queue = [ancestor]; queue.length > 0; ) {
    const parent = queue.shift()!;
    for (const row of table) {
      if (row.ppid !== parent) continue;
      found.push(row.pid);
      queue.push(row.pid);
    }
  }
  return found;
}

/** CPU of several processes between start and stop, each in % of one core. */
export function startProcessMeter(pids: Record<string, number>) {
  const startedAt = performance.now();
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processTicks(pid)]));
  return {
    stop(): Record<string, number> {
      const seconds = (performance.now() - startedAt) / 1000;
      return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, Math.round(((processTicks(pid) - start[name]!) / ticksPerSecond / seconds) * 1000) / 10]));
    },
  };
}

/** One variable of `pid`'s environment (as it started); undefined when unreadable. */
export function environmentOf(pid: number, name: string): string | undefined {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((line) => line.startsWith(`${name}=`));
    return entry?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}
