/**
 * A command's flags, from one table: the parser and the `--help` text both follow it. An
 * unknown flag, a missing value or a stray argument is a `UsageError` (exit code 2).
 */
import { parseArgs } from 'node:util';

/** A mistake in the command line: the message says what, and where the help is. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Flag {
  /** `--name`. */
  name: string;
  /** Shown as `--name <value>`; absent for a switch. */
  value?: string;
  /** The environment variable that sets it when the flag is not given. */
  env?: string;
  description: string;
}

export type FlagValues = Record<string, string | boolean | undefined>;

const HELP: Flag = { name: 'help', description: 'Show this help.' };

/** One line per flag: the flag, the environment variable that can stand for it, what it does. */
export function flagsHelp(flags: readonly Flag[]): string {
  const all = [...flags, HELP];
  const heads = all.map((f) => `--${f.name}${f.value ? ` <${f.value}>` : ''}`);
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  const envWidth = Math.max(0, ...all.map((f) => (f.env ? f.env.length + 2 : 0)));
  return all.map((f, i) => `  ${heads[i]!.padEnd(width)}${(f.env ?? '').padEnd(envWidth)}${f.description}`).join('\n');
}

/** True when `argv` asks for help: `--help` or `-h` anywhere. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Parses `argv` against `flags`; `command` names the command in messages ("talk"). */
export function parseFlags(command: string, argv: readonly string[], flags: readonly Flag[]): FlagValues {
  const options = Object.fromEntries(flags.map((f) => [f.name, { type: f.value ? ('string' as const) : ('boolean' as const) }]));
  const seeHelp = `Run "parley ${command} --help" for its options.`;
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as FlagValues;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`Unknown option '${quoted}' for "parley ${command}". ${seeHelp}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`Unexpected argument '${quoted}' for "parley ${command}". ${seeHelp}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = quoted.split(' ')[0] ?? quoted;
      throw new UsageError(message.includes('argument missing') ? `${flag} needs a value. ${seeHelp}` : `${message} ${seeHelp}`);
    }
    throw new UsageError(`${message} ${seeHelp}`);
  }
}

/** A flag's value, else its environment variable's, else `fallback`. */
export function flagOrEnv(values: FlagValues, flag: Flag, env: NodeJS.ProcessEnv, fallback: string): string;
export function flagOrEnv(values: FlagValues, flag: Flag, env: NodeJS.ProcessEnv): string | undefined;
export function flagOrEnv(values: FlagValues, flag: Flag, env: NodeJS.ProcessEnv, fallback?: string): string | undefined {
  const given = values[flag.name];
  if (typeof given === 'string') return given;
  const fromEnv = flag.env ? env[flag.env] : undefined;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback;
}
