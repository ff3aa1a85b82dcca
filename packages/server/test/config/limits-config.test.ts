/** The config file's `limits` section: read as given, every bad field named. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

function withConfig(config: unknown): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-config-'));
  writeFileSync(join(d, 'parley.config.json'), JSON.stringify(config));
  return d;
}

const QUIET = ['--vad', 'none', '--stt', 'none', '--tts', 'none', '--llm-url', 'http://127.0.0.1:11434/v1'];

describe('limits in the config file', () => {
  it('reads every limit', () => {
    const limits = {
      max_session_ms: 1_800_000,
      idle_ms: 600_000,
      max_input_buffer_ms: 120_000,
      max_conversation_items: 500,
      max_context_tokens: 8_000,
      max_frame_bytes: 1_048_576,
      outbound_soft_bytes: 1_048_576,
      outbound_hard_bytes: 8_388_608,
    };
    expect(loadConfig(QUIET, {}, withConfig({ limits })).limits).toEqual(limits);
    expect(loadConfig(QUIET, {}, withConfig({})).limits).toEqual({});
  });

  it('names each bad limit', () => {
    let message = '';
    try {
      loadConfig(QUIET, {}, withConfig({ limits: { max_session_ms: 10, max_conversation_items: 'many', max_frame_bytes: 10, sessions: 3 } }));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/limits\.max_session_ms: /);
    expect(message).toMatch(/limits\.max_conversation_items: /);
    expect(message).toMatch(/limits\.max_frame_bytes: /);
    expect(message).toMatch(/limits: .*sessions/);
  });
});
