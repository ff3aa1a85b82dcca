/**
 * The load benchmark's short run (`node bench/load.js --short`): N = 2 sessions of Flite speech
 * for a few seconds against Parley (Silero VAD, scripted LLM, text answers) and the bare-socket
 * ceiling, each in its own process. It checks that the tool works, not how fast anything is:
 * no thresholds. It runs the built packages, which `npm test` builds first (`tsc -b`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function runShortBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/load.js', '--short'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('bench/load.js --short measures turns on Parley and on the ceiling and prints its tables', async () => {
  const { code, stdout, stderr } = await runShortBench();
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  for (const run of ['Parley, text answers', 'ceiling (bare ws)']) {
    const turns = new RegExp(`${run.replace(/[()]/g, '\\$&')}, N=2: (\\d+) turns`).exec(stdout);
    expect(turns, stdout).not.toBeNull();
    expect(Number(turns![1])).toBeGreaterThan(0);
  }
  expect(stdout).toContain('### Turn latency, ms: p50 / p95 / p99');
  expect(stdout).toContain('### Resources');
}, 90_000);
