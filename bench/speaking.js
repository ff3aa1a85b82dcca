/**
 * First audio: the time from the LLM's first text token to the first `response.output_audio.delta`
 * a client receives, through the real session and the Flite engine (goal ≤ 30 ms), and where it
 * goes. The LLM is in-process and answers at once (`fast`) or at 20 ms a token (`paced`, about
 * what a local 7B model does): with pacing, the first clause is only complete after its last
 * token, so that run also reports the time from the clause's last token.
 *
 *   node bench/speaking.js [--short]
 */
import { buildEngines, loadConfig, Session, silentLogger, createLogger } from '@parley/server';

const short = process.argv.includes('--short');
const RUNS = short ? 5 : 20;
const ANSWERS = [
  'Sure, it is sunny in Paris today. Take your sunglasses.',
  'Yes. The train leaves at seven.',
  'Hello there! How can I help you today?',
];

function llm(answer, tokenMs, marks) {
  return {
    label: 'bench(in-process)',
    capabilities: { tools: false, images: false },
    async *stream() {
      const tokens = answer.match(/\S+\s*/g).map((t, i) => (i === 0 ? t : ` ${t.trim()}`));
      for (const token of tokens) {
        if (tokenMs) await new Promise((resolve) => setTimeout(resolve, tokenMs));
        marks.tokens.push(performance.now());
        yield { type: 'text_delta', delta: token };
      }
      yield { type: 'finish', reason: 'stop' };
    },
  };
}

async function firstAudio(tts, answer, tokenMs) {
  const marks = { tokens: [], firstAudio: 0, done: 0 };
  let resolveDone;
  const finished = new Promise((resolve) => (resolveDone = resolve));
  const session = new Session({
    profile: { name: 'bench', llm: llm(answer, tokenMs, marks), instructions: '', voice: 'alloy', tts },
    logger: process.env.DEBUG_BENCH ? createLogger({ level: 'debug', format: 'pretty' }) : silentLogger,
    send: (event) => {
      if (process.env.DEBUG_BENCH) console.log(event.type, event.error?.message ?? "");
      if (event.type === 'response.output_audio.delta' && !marks.firstAudio) marks.firstAudio = performance.now();
      if (event.type === 'response.done') resolveDone();
    },
  });
  session.start();
  session.handle({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'], audio: { input: { turn_detection: null } } } });
  session.handle({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
  session.handle({ type: 'response.create', response: {} });
  await finished;
  session.close();
  const firstClauseWords = answer.split(/(?<=[.!?,])\s/)[0].split(/\s+/).length;
  return {
    fromFirstToken: marks.firstAudio - marks.tokens[0],
    fromClauseEnd: marks.firstAudio - marks.tokens[Math.min(firstClauseWords, marks.tokens.length) - 1],
  };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: s[Math.floor(s.length / 2)], max: s.at(-1) };
};

// The engines as the server builds and warms them at start-up (config/build.ts). The LLM is
// replaced by the in-process one above: an OpenAI-compatible one is named so that the default
// model is not loaded (or downloaded).
const engines = await buildEngines(loadConfig(['--vad', 'none', '--stt', 'none', '--llm-url', 'http://127.0.0.1:11434/v1'], {}), silentLogger);
const tts = engines.registry.defaultProfile.tts;
const first = await firstAudio(tts, ANSWERS[0], 0);
const later = [];
for (let i = 0; i < RUNS; i++) later.push((await firstAudio(tts, ANSWERS[0], 0)).fromFirstToken);
const laterP50 = stats(later).p50;
console.log(`First turn after start-up warm-up: first audio ${first.fromFirstToken.toFixed(1)} ms; later turns p50 ${laterP50.toFixed(1)} ms`);
console.log(`Goal: the first turn within 10 % of later ones: ${first.fromFirstToken <= laterP50 * 1.1 ? '✓' : '✗ MISSED'} (${((first.fromFirstToken / laterP50 - 1) * 100).toFixed(0)} %)`);
for (const [name, tokenMs] of [['fast (all tokens at once)', 0], ['paced (20 ms a token)', 20]]) {
  const results = [];
  for (let i = 0; i < RUNS; i++) for (const answer of ANSWERS) results.push(await firstAudio(tts, answer, tokenMs));
  const a = stats(results.map((r) => r.fromFirstToken));
  const b = stats(results.map((r) => r.fromClauseEnd));
  console.log(`${name}: first token → first audio delta  mean ${a.mean.toFixed(1)} ms, p50 ${a.p50.toFixed(1)}, max ${a.max.toFixed(1)}`);
  console.log(`${' '.repeat(name.length)}  first clause's last token → first audio  mean ${b.mean.toFixed(1)} ms, p50 ${b.p50.toFixed(1)}, max ${b.max.toFixed(1)}`);
  if (tokenMs === 0) console.log(`Goal ≤ 30 ms from the first token (fast LLM): p50 ${a.p50.toFixed(1)} ms ${a.p50 <= 30 ? '✓' : '✗ MISSED'}`);
}
await engines.close();
