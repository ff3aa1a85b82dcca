/** `--help` on every command, and the top-level help listing the commands. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/settings.js';
import { runCli } from './run-cli.js';

describe('help', () => {
  it.each([[[]], [['--help']], [['help']], [['-h']]])('parley %j lists the commands', async (args) => {
    const result = await runCli(args);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: parley <command> \[options\]\n/);
    for (const command of ['serve', 'talk', 'models', 'help']) expect(result.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(result.stdout).toContain('Run "parley <command> --help" for a command\'s options.');
  });

  it('parley serve --help: every setting, with its variable', async () => {
    const result = await runCli(['serve', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: parley serve \[options\]\n/);
    for (const setting of SETTINGS) expect(result.stdout).toMatch(new RegExp(`^  --${setting.flag} +${setting.env} `, 'm'));
  });

  it('parley talk --help: every option, and the exit codes', async () => {
    const result = await runCli(['talk', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: parley talk \[options\]\n/);
    for (const flag of ['--url <url> +PARLEY_URL', '--model <profile>', '--api-key <key> +PARLEY_API_KEY', '--voice <voice>', '--instructions <text>', '--audio', '--wav <file>', '--out <file>', '--json', '--dialect', '--timeout-ms <ms>', '--help']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${flag} `, 'm'));
    }
    expect(result.stdout).toContain('Exit codes: 0 done; 1 ');
  });

  it('parley models --help: every option', async () => {
    const result = await runCli(['models', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: parley models /);
    for (const flag of ['--url <url> +PARLEY_URL', '--api-key <key>', '--config <file>', '--local', '--json', '--help']) expect(result.stdout).toMatch(new RegExp(`^  ${flag} `, 'm'));
  });

  it('--help wins over other options, even wrong ones', async () => {
    const result = await runCli(['talk', '--bogus', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: parley talk/);
  });

  it.each(['serve', 'talk', 'models'])('docs/cli.md documents every option of parley %s', async (command) => {
    const docs = readFileSync(new URL('../../../../docs/cli.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf(`## \`parley ${command}\``)).split(/\n## /)[0]!;
    const result = await runCli([command, '--help']);

    const flags = [...result.stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(3);
    for (const flag of flags.filter((f) => f !== '--help')) expect(section, flag).toMatch(new RegExp(`\\| \`${flag}[ \`]`));
  });
});
