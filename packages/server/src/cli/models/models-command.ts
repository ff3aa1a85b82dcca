/**
 * `parley models`: the model profiles, from a running server (`GET /v1/models`) or, with
 * `--config` or `--local`, from the configuration `parley serve` would use, without starting
 * any engine.
 */
import { loadConfig } from '../../config/load.js';
import { CliFailure } from '../cli-failure.js';
import { explainConnectFailure, explainRefusal } from '../explain-connect-failure.js';
import { flagOrEnv, flagsHelp, parseFlags, UsageError, wantsHelp, type Flag } from '../flags.js';
import { DEFAULT_SERVER_URL, parseServerUrl, type ServerUrl } from '../server-url.js';
import { rowsFromConfig, rowsFromModelList, type ProfileRow } from './profile-row.js';
import { profileTable } from './profile-table.js';

const FLAGS = {
  url: { name: 'url', value: 'url', env: 'PARLEY_URL', description: `Ask the Parley server at this address (default ${DEFAULT_SERVER_URL}).` },
  apiKey: { name: 'api-key', value: 'key', env: 'PARLEY_API_KEY', description: 'The API key, sent as a Bearer token.' },
  config: { name: 'config', value: 'file', description: 'Read the profiles from this config file instead of asking a server.' },
  local: { name: 'local', description: 'Read the profiles from the configuration "parley serve" would use here (PARLEY_CONFIG or ./parley.config.json, and the PARLEY_* variables).' },
  json: { name: 'json', description: 'Print the profiles as a JSON array.' },
} satisfies Record<string, Flag>;

export const MODELS_HELP = `Usage: parley models [--url <url> | --config <file> | --local] [options]

List the model profiles (what a client picks with ?model=<profile>): their name,
LLM, speech recognition (STT), speech synthesis (TTS) and voice. By default a
running server is asked (GET /v1/models); --config and --local read the
configuration instead, without starting any engine.

Options:
${flagsHelp(Object.values(FLAGS))}

Exit codes: 0 listed; 1 the server could not be reached or refused; 2 a mistake
on the command line or in the config file.`;

const ANSWER_TIMEOUT_MS = 10_000;
const LOCAL_HINT = 'Or read the configuration with --local or --config <file>.';

async function fromServer(server: ServerUrl, apiKey: string | undefined): Promise<ProfileRow[]> {
  const url = `${server.http}/v1/models`;
  let response: Response;
  try {
    response = await fetch(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new CliFailure(`Parley at ${server.http} did not answer within ${ANSWER_TIMEOUT_MS} ms. ${LOCAL_HINT}`);
    throw new CliFailure(`${explainConnectFailure(server.http, error)} ${LOCAL_HINT}`);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: said below.
  }
  if (!response.ok) {
    const said = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new CliFailure(explainRefusal(server.http, response.status, typeof said === 'string' ? said : null));
  }
  const rows = rowsFromModelList(body);
  if (!rows) throw new CliFailure(`${url} did not answer with a model list: is ${server.http} a Parley server?`);
  return rows;
}

export async function models(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (wantsHelp(argv)) {
    console.log(MODELS_HELP);
    return;
  }
  const values = parseFlags('models', argv, Object.values(FLAGS));
  const configFile = typeof values[FLAGS.config.name] === 'string' ? (values[FLAGS.config.name] as string) : undefined;
  const local = values[FLAGS.local.name] === true || configFile !== undefined;
  if (local && typeof values[FLAGS.url.name] === 'string') throw new UsageError('--url asks a server; --config and --local read a configuration: give one or the other.');
  const rows = local
    ? rowsFromConfig(loadConfig(configFile !== undefined ? ['--config', configFile] : [], env))
    : await fromServer(parseServerUrl(flagOrEnv(values, FLAGS.url, env, DEFAULT_SERVER_URL)), flagOrEnv(values, FLAGS.apiKey, env));
  console.log(values[FLAGS.json.name] === true ? JSON.stringify(rows, null, 2) : profileTable(rows));
}
