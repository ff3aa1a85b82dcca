/** `parley serve` off a terminal: each engine's warm-up as plain log lines, loading then ready with its time. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from './run-cli.js';

let cli: RunningCli | undefined;
const dir = mkdtempSync(join(tmpdir(), 'parley-cli-serve-'));

afterAll(async () => {
  cli?.child.kill('SIGTERM');
  await cli?.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('parley serve warm-up, not on a terminal', () => {
  it('logs one line as each engine starts loading and one as it is ready, with the time it took', async () => {
    const llm = 'language model openai-compatible(http://127.0.0.1:9/v1, llama3.2)';
    cli = startCli(['serve', '--port', '0', '--vad', 'none', '--stt', 'none', '--tts', 'flite', '--llm-url', 'http://127.0.0.1:9/v1', '--log-format', 'pretty'], { cwd: dir });

    await cli.waitForStderr(/Parley is listening on ws:\/\/127\.0\.0\.1:\d+/, 30_000);

    const lines = cli.stderr().split('\n').map((line) => line.replace(/^\S+ (INFO|WARN) +/, '$1 '));
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const escaped = llm.replace(/[()./]/g, '\\$&');
    const steps = [
      /^INFO speech synthesis flite: loading$/,
      /^INFO speech synthesis flite: ready in \d+ ms {2}warmup_ms=\d+$/,
      new RegExp(`^INFO ${escaped}: loading$`),
      new RegExp(`^INFO ${escaped}: ready in \\d+ ms {2}warmup_ms=\\d+$`),
      /^INFO profile 'default': a first spoken answer: loading$/,
      /^INFO profile 'default': a first spoken answer: ready in \d+ ms {2}warmup_ms=\d+$/,
      /^INFO Parley is listening on /,
    ];
    const positions = steps.map(at);
    expect(positions.every((p) => p >= 0), lines.join('\n')).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // No engine that is switched off is announced, and nothing draws on the log.
    expect(cli.stderr()).not.toMatch(/voice activity detection|speech recognition/);
    expect(cli.stderr()).not.toContain('\x1b[');
  }, 60_000);
});
