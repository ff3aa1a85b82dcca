/** `parley talk`: a conversation with a running Parley from the terminal, typed or from a WAV file. */
import { writeFile } from 'node:fs/promises';
import type { Dialect, RealtimeClient } from '@parley/client';
import { encodeWav } from '../../audio/wav.js';
import { pcm16ToInt16 } from '../../audio/pcm.js';
import { CliFailure } from '../cli-failure.js';
import { flagOrEnv, flagsHelp, parseFlags, UsageError, wantsHelp, type Flag } from '../flags.js';
import { DEFAULT_SERVER_URL, parseServerUrl } from '../server-url.js';
import { findAudioPlayer, noPlayerMessage } from './audio-players.js';
import { openSession, TALK_SAMPLE_RATE, type SessionTarget } from './open-session.js';
import { createSpeaker, pcmDurationMs, type Speaker } from './speaker.js';
import { runSpokenTurn } from './spoken-turn.js';
import { printEventsAsJson } from './event-lines.js';
import { processIo, type TalkIo } from './talk-io.js';
import { runTextConversation } from './text-conversation.js';
import { readWavInput } from './wav-input.js';

const FLAGS = {
  url: { name: 'url', value: 'url', env: 'PARLEY_URL', description: `The Parley server (default ${DEFAULT_SERVER_URL}).` },
  model: { name: 'model', value: 'profile', description: "The model profile to talk to (parley models lists them; default: the server's default)." },
  apiKey: { name: 'api-key', value: 'key', env: 'PARLEY_API_KEY', description: 'The API key, sent as a Bearer token.' },
  voice: { name: 'voice', value: 'voice', description: "The reply voice (an OpenAI voice name or a Flite voice; default: the profile's)." },
  instructions: { name: 'instructions', value: 'text', description: "Instructions for the assistant (default: the profile's)." },
  audio: { name: 'audio', description: 'Also speak the replies through a local player (pw-play, paplay, aplay, play or afplay); typing during a reply interrupts it.' },
  wav: { name: 'wav', value: 'file', description: 'Send this WAV file (16-bit PCM, any rate and channels) as one spoken turn, print both transcripts, and exit.' },
  out: { name: 'out', value: 'file', description: "With --wav: write the reply's audio to this WAV file (24 kHz mono)." },
  json: { name: 'json', description: 'Print every server event as one JSON line on stdout instead of the text.' },
  dialect: { name: 'dialect', value: 'ga|beta|voicelive', description: 'The protocol to speak (default ga): OpenAI Realtime GA or beta, or Azure Voice Live.' },
  timeoutMs: { name: 'timeout-ms', value: 'ms', description: 'Give up when the server stays silent this long while a reply is owed (default 60000); also the connect timeout.' },
} satisfies Record<string, Flag>;

export const TALK_HELP = `Usage: parley talk [options]
       parley talk --wav in.wav [--out reply.wav] [options]

Talk to a running Parley server. Type a line and read the reply as it streams;
a line typed while a reply is still coming interrupts it. Lines piped on stdin
get a reply each. Ctrl-D ends the conversation once the last reply is in;
Ctrl-C ends it at once.

With --wav, the file is sent as one spoken turn: what the server heard and what
it answered are printed ("you: …", "parley: …"), and --out keeps the reply's
audio.

Options:
${flagsHelp(Object.values(FLAGS))}

Exit codes: 0 done; 1 the server could not be reached, refused the key, failed
or timed out, or the WAV file cannot be used; 2 a mistake on the command line.`;

const DIALECTS: readonly Dialect[] = ['ga', 'beta', 'voicelive'];

interface TalkOptions {
  target: SessionTarget;
  voice?: string;
  instructions?: string;
  audio: boolean;
  wav?: string;
  out?: string;
  json: boolean;
  timeoutMs: number;
}

function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): TalkOptions {
  const values = parseFlags('talk', argv, Object.values(FLAGS));
  const text = (flag: Flag) => (typeof values[flag.name] === 'string' ? (values[flag.name] as string) : undefined);
  const dialect = text(FLAGS.dialect) ?? 'ga';
  if (!DIALECTS.includes(dialect as Dialect)) throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, got '${dialect}'.`);
  const timeout = text(FLAGS.timeoutMs) ?? '60000';
  if (!/^\d+$/.test(timeout) || Number(timeout) < 1) throw new UsageError(`--timeout-ms must be a positive whole number of milliseconds, got '${timeout}'.`);
  const wav = text(FLAGS.wav);
  const out = text(FLAGS.out);
  if (out !== undefined && wav === undefined) throw new UsageError('--out needs --wav: it writes the reply to the spoken turn from that file.');
  return {
    target: {
      server: parseServerUrl(flagOrEnv(values, FLAGS.url, env, DEFAULT_SERVER_URL)),
      dialect: dialect as Dialect,
      model: text(FLAGS.model),
      apiKey: flagOrEnv(values, FLAGS.apiKey, env),
      connectTimeoutMs: Number(timeout),
    },
    voice: text(FLAGS.voice),
    instructions: text(FLAGS.instructions),
    audio: values[FLAGS.audio.name] === true,
    wav,
    out,
    json: values[FLAGS.json.name] === true,
    timeoutMs: Number(timeout),
  };
}

function printJsonIf(json: boolean, io: TalkIo): ((client: RealtimeClient) => void) | undefined {
  return json ? (client) => void printEventsAsJson(client, io.output) : undefined;
}

function speakerFor(options: TalkOptions, io: TalkIo): Speaker | null {
  if (!options.audio) return null;
  const player = findAudioPlayer();
  if (!player) {
    io.notice(noPlayerMessage());
    return null;
  }
  return createSpeaker(player, TALK_SAMPLE_RATE, (problem) => io.notice(problem));
}

async function talkFromWav(options: TalkOptions & { wav: string }, io: TalkIo): Promise<void> {
  const speech = await readWavInput(options.wav);
  const speaker = speakerFor(options, io);
  const client = await openSession(
    options.target,
    { voice: options.voice, instructions: options.instructions, audioReplies: true, transcribeInput: true, reconnect: false },
    printJsonIf(options.json, io),
  );
  try {
    const result = await runSpokenTurn(client, speech, io, { json: options.json, speaker, replyTimeoutMs: options.timeoutMs });
    if (options.out) {
      if (result.replyAudio.length === 0) throw new CliFailure(`The reply had no audio (does the profile have a speech engine?): ${options.out} was not written.`);
      await writeFile(options.out, encodeWav(pcm16ToInt16(result.replyAudio), TALK_SAMPLE_RATE));
      io.notice(`Wrote ${options.out}: ${(pcmDurationMs(result.replyAudio.length, TALK_SAMPLE_RATE) / 1000).toFixed(2)} s of the reply (${TALK_SAMPLE_RATE} Hz mono).`);
    }
    await speaker?.finish();
  } finally {
    speaker?.stop();
    await client.close();
  }
}

async function talkByText(options: TalkOptions, io: TalkIo): Promise<void> {
  const speaker = speakerFor(options, io);
  const client = await openSession(options.target, {
    voice: options.voice,
    instructions: options.instructions,
    audioReplies: speaker !== null,
    transcribeInput: false,
    reconnect: true,
  }, printJsonIf(options.json, io));
  try {
    if (io.interactive && !options.json) io.notice(`Connected to ${options.target.server.ws}. Type a message; Ctrl-D to end.`);
    const { failedReplies } = await runTextConversation(client, io, { json: options.json, speaker, replyTimeoutMs: options.timeoutMs });
    await speaker?.finish();
    if (failedReplies > 0) throw new CliFailure(failedReplies === 1 ? 'A reply failed (see above).' : `${failedReplies} replies failed (see above).`);
  } finally {
    speaker?.stop();
    await client.close();
  }
}

export async function talk(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: TalkIo = processIo()): Promise<void> {
  if (wantsHelp(argv)) {
    console.log(TALK_HELP);
    return;
  }
  const options = readOptions(argv, env);
  if (options.wav !== undefined) return talkFromWav({ ...options, wav: options.wav }, io);
  return talkByText(options, io);
}
