import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findJanusBinary, startLocalJanus } from './local-janus.ts';

const binary = findJanusBinary();
const logger = { info: () => {}, warn: () => {}, error: () => {} };

describe.skipIf(!binary)('a local Janus after its server was killed (skipped: janus binary not installed)', () => {
  it('stops the Janus an earlier server of the same folder left running, and no other process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parta-stale-janus-'));
    // Stand-ins: one whose command line names Janus and this folder (left over), one that does not.
    const leftOver = spawn('sh', ['-c', 'sleep 30', 'janus', dir], { stdio: 'ignore' });
    const unrelated = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = (child: typeof leftOver) => new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const leftOverGone = exited(leftOver);
    writeFileSync(join(dir, 'janus.pid'), String(leftOver.pid));
    const janus = await startLocalJanus({ dir, logger, rtpPortRange: [20800, 20849] });
    try {
      await leftOverGone;
      expect(leftOver.signalCode).toBe('SIGKILL');
      // A pid file naming a process that is not this folder's Janus is only removed.
      await janus.stop();
      writeFileSync(join(dir, 'janus.pid'), String(unrelated.pid));
      const again = await startLocalJanus({ dir, logger, rtpPortRange: [20800, 20849] });
      await again.stop();
      expect(unrelated.exitCode).toBeNull();
      expect(unrelated.signalCode).toBeNull();
    } finally {
      await janus.stop();
      unrelated.kill();
      leftOver.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
