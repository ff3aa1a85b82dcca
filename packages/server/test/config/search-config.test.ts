/** The search tools and MCP settings in the config file, the settings that set them, and what start-up builds. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEngines, type BuiltEngines } from '../../src/config/build.js';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/logger.js';

function dir(files: Record<string, unknown> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), typeof content === 'string' ? content : JSON.stringify(content));
  return d;
}

/** No hearing or speech engines, and an LLM server that is only asked when a session needs it. */
const QUIET = ['--vad', 'none', '--stt', 'none', '--tts', 'none', '--llm-url', 'http://127.0.0.1:11434/v1'];

let built: BuiltEngines | undefined;
afterEach(async () => {
  await built?.close();
  built = undefined;
});

describe('search and MCP configuration', () => {
  it('reads file_search, web_search and mcp from the file', () => {
    const d = dir({
      'parley.config.json': {
        mcp: { connect_timeout_ms: 2000, call_timeout_ms: 9000, allowed_urls: ['https://mcp.example.com/'] },
        profiles: {
          support: { file_search: { folder: './kb', max_num_results: 3 }, web_search: { engine: 'searxng', url: 'http://127.0.0.1:8888', timeout_ms: 4000 } },
          plain: {},
        },
      },
    });
    const c = loadConfig(QUIET, {}, d);
    expect(c.mcp).toEqual({ connect_timeout_ms: 2000, call_timeout_ms: 9000, allowed_urls: ['https://mcp.example.com/'] });
    const [support, plain] = c.profiles;
    expect(support).toMatchObject({ file_search: { folder: './kb', max_num_results: 3 }, web_search: { engine: 'searxng', url: 'http://127.0.0.1:8888', timeout_ms: 4000 } });
    expect(plain).toMatchObject({ file_search: null, web_search: null });
  });

  it('PARLEY_FILE_SEARCH_FOLDER and PARLEY_WEB_SEARCH_URL (or their flags) give the default profile its search tools', () => {
    const c = loadConfig([...QUIET, '--web-search-url', 'http://127.0.0.1:9999'], { PARLEY_FILE_SEARCH_FOLDER: '/srv/kb', PARLEY_WEB_SEARCH_URL: 'http://127.0.0.1:8888' }, dir());
    expect(c.profiles[0]).toMatchObject({ file_search: { folder: '/srv/kb' }, web_search: { engine: 'searxng', url: 'http://127.0.0.1:9999' } });
    expect(() => loadConfig(QUIET, { PARLEY_WEB_SEARCH_URL: 'searx.local' }, dir())).toThrow("PARLEY_WEB_SEARCH_URL must be an http(s) URL such as http://127.0.0.1:11434/v1, got 'searx.local'.");
  });

  it('parley.config.example.json is a valid config', () => {
    const example = new URL('../../../../parley.config.example.json', import.meta.url).pathname;
    const c = loadConfig(['--config', example], {}, dir());
    expect(c.mcp).toEqual({ connect_timeout_ms: 10000, call_timeout_ms: 60000 });
    expect(c.profiles.map((p) => p.name)).toEqual(['default', 'kokoro']);
  });

  it('names every bad search and MCP field', () => {
    const d = dir({
      'parley.config.json': {
        mcp: { allowed_urls: ['ftp://x'], retries: 3 },
        profiles: { p: { file_search: { folder: '' }, web_search: { engine: 'google', url: 'http://x' } } },
      },
    });
    let message = '';
    try {
      loadConfig(QUIET, {}, d);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/mcp\.allowed_urls\[0\]: must be an http\(s\) URL/);
    expect(message).toMatch(/mcp: .*retries/);
    expect(message).toMatch(/profiles\.p\.file_search\.folder: /);
    expect(message).toMatch(/profiles\.p\.web_search\.engine: /);
  });

  it('builds the profile with its search tools, and stops with a clear message when the folder is missing', async () => {
    const kb = dir({ 'faq.md': 'The office opens at nine.' });
    const config = loadConfig([...QUIET, '--file-search-folder', kb, '--web-search-url', 'http://127.0.0.1:8888'], {}, dir());
    built = await buildEngines(config, silentLogger);
    const search = built.registry.defaultProfile.search!;
    expect(search.kinds).toEqual(['file_search', 'web_search']);
    expect(search.llmTools(new Set(['web_search'])).map((t) => t.name)).toEqual(['file_search']);

    const missing = loadConfig([...QUIET, '--file-search-folder', join(kb, 'nope')], {}, dir());
    await expect(buildEngines(missing, silentLogger)).rejects.toThrow(`Profile 'default': The file_search folder ${join(kb, 'nope')} cannot be read (ENOENT).`);
  }, 60_000);
});
