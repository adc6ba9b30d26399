import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Open-file limits (`nofile`): every socket is a file descriptor, so they bound how many
 * connections a process holds.
 */
export type NofileLimit = { soft: number; hard: number };

/** The process's limit, from /proc/<pid>/limits ("unlimited" as Infinity). */
export function nofileOf(pid: number): NofileLimit {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((row) => row.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').replace('Max open files', '').trim().split(/\s+/);
  const value = (text: string | undefined) => (text === 'unlimited' ? Infinity : Number(text));
  return { soft: value(soft), hard: value(hard) };
}

/**
 * Tries to raise a running process's limit to `wanted` (soft and hard) with `prlimit --pid`, as
 * root would; a container without CAP_SYS_RESOURCE refuses to raise the hard limit. Returns what
 * was asked, whether it worked, prlimit's complaint if not, and the limit in force afterwards.
 */
export function raiseNofile(pid: number, wanted: number) {
  const before = nofileOf(pid);
  if (before.soft >= wanted) return { wanted, isRaised: false, refusal: null, before, after: before };
  const result = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${wanted}:${wanted}`], { encoding: 'utf8' });
  const refusal = result.error ? result.error.message : result.status === 0 ? null : result.stderr.trim() || `exit ${result.status}`;
  let after = nofileOf(pid);
  if (refusal && after.soft < after.hard) {
    // The hard limit stays; the soft one may still go up to it.
    spawnSync('prlimit', ['--pid', String(pid), `--nofile=${after.hard}:${after.hard}`], { encoding: 'utf8' });
    after = nofileOf(pid);
  }
  return { wanted, isRaised: refusal === null, refusal, before, after };
}
