/**
 * The llama.cpp engine (`LlamaCppLlm`, node-llama-cpp) on the built packages (`npm run
 * bench:llm` builds first), with a tiny random-weight GGUF written at start (n_embd 64,
 * 2 layers, 424-token vocabulary, 0.55 MB; see bench/lib/tiny-gguf.js).
 *
 *   node bench/llm.js [--short]
 *
 * Tokens per second of this model mean nothing for a real one: its matrices are ~1000× smaller
 * than a 0.5B model's. What it does measure is the fixed cost around the model:
 *
 * 1. Start-up: importing node-llama-cpp, loading its native binding (`getLlama`), the model and
 *    a context (the first `warmup()`), and a second engine in the same process (binding shared).
 * 2. Per-token cost at 1 thread and at one thread per core, three ways: node-llama-cpp's raw
 *    `sequence.evaluate()` loop (the model alone), `LlamaChat.generateResponse` (plus chat
 *    wrapper, stop triggers, detokenising), and `engine.stream()` (plus our event queue and async
 *    iteration). Each is timed for a short and a long answer at temperature 0, and the slope
 *    (Δtime / Δtokens) is the per-token cost, so the prompt's evaluation drops out. The engine's
 *    overhead is its slope minus the raw slope.
 * 3. Time to the first text delta for a ~70-token prompt: a new prompt (the system message
 *    changes each time, so everything is evaluated) and the same prompt again (its prefix is
 *    reused from the sequence). Then with two tools offered ('auto': node-llama-cpp's function
 *    documentation enlarges the prompt) and the time to a whole forced tool call ('required').
 */
import os from 'node:os';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { LlamaCppLlm } from '@parley/server';
import { machineDetails } from './lib/machine.js';
import { writeTinyLlama } from './lib/tiny-gguf.js';

const short = process.argv.includes('--short');
const RUNS = short ? 3 : 9;
const SHORT_ANSWER = 16;
const LONG_ANSWER = short ? 128 : 400;
const cores = os.availableParallelism();

const details = {
  ...machineDetails(),
  Load: `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min; with threads = cores, any other busy process slows ggml's spinning thread pool a lot)`,
  Run: `${short ? '--short: ' : ''}median of ${RUNS} runs`,
};
for (const [key, value] of Object.entries(details)) console.log(`${`${key}:`.padEnd(6)} ${value}`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n, digits = 2) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
const now = () => performance.now();

const modelPath = writeTinyLlama();
const MESSAGES = [
  { role: 'system', content: 'You are a helpful voice assistant. Answer in one short sentence.' },
  { role: 'user', content: 'hello, how can you help me today?' },
];
const TOOLS = [
  { name: 'get_weather', description: 'Gets the weather for a city.', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['c', 'f'] } } } },
  { name: 'toggle_light', description: 'Turns a light on or off.', parameters: { type: 'object', properties: { room: { enum: ['kitchen', 'hall'] }, on: { type: 'boolean' } } } },
];
const request = (overrides = {}) => ({ messages: MESSAGES, tools: [], tool_choice: 'auto', temperature: 0, signal: new AbortController().signal, ...overrides });

/** Runs one stream; returns wall ms, ms to the first event of `firstType`, and the finish event. */
async function timeStream(engine, req, firstType = 'text_delta') {
  const start = now();
  let first;
  let finish;
  for await (const event of engine.stream(req)) {
    if (first === undefined && event.type === firstType) first = now() - start;
    if (event.type === 'finish') finish = event;
  }
  return { ms: now() - start, first, finish };
}

// 1. Start-up.
console.log('\n1. Start-up');
const timed = async (label, fn) => {
  const start = now();
  const value = await fn();
  console.log(`${label.padEnd(58)} ${fmt(now() - start, 0).padStart(6)} ms`);
  return value;
};
const lib = await timed("import('node-llama-cpp')", () => import('node-llama-cpp'));
const engine1 = new LlamaCppLlm({ modelPath, threads: 1, gpu: false });
await timed('first engine.warmup(), 1 thread (binding, model, context)', () => engine1.warmup());
const engine3 = new LlamaCppLlm({ modelPath, threads: 1, gpu: false });
await timed('another engine.warmup(), 1 thread (model, context)', () => engine3.warmup());
await engine3.close();
const engine2 = new LlamaCppLlm({ modelPath, threads: cores, gpu: false });
await timed(`another engine.warmup(), ${cores} threads (model, context)`, () => engine2.warmup());

// 2. Per-token cost.
console.log('\n2. Per-token cost (slope between a 16-token and a long answer; temperature 0)');
const llama = await lib.getLlama({ gpu: false, build: 'never', maxThreads: cores });
const model = await llama.loadModel({ modelPath });
const prompt = model.tokenize('<|system|>\nYou are a helpful voice assistant.<|end|>\n<|user|>\nhello<|end|>\n<|assistant|>\n', true);

async function rawRun(threads, n) {
  const context = await model.createContext({ contextSize: 2048, threads });
  const sequence = context.getSequence();
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    await sequence.clearHistory();
    const start = now();
    let count = 0;
    for await (const _ of sequence.evaluate(prompt, { temperature: 0 })) if (++count >= n) break;
    times.push(now() - start);
  }
  await context.dispose();
  return { ms: median(times), tokens: n };
}

async function chatRun(threads, n) {
  const context = await model.createContext({ contextSize: 2048, threads });
  const chat = new lib.LlamaChat({ contextSequence: context.getSequence() });
  const history = [
    { type: 'system', text: MESSAGES[0].content },
    { type: 'user', text: MESSAGES[1].content },
  ];
  const times = [];
  let tokens = 0;
  for (let r = 0; r < RUNS; r++) {
    const meter = chat.sequence.tokenMeter.getState();
    const start = now();
    await chat.generateResponse(history, { maxTokens: n, temperature: 0 });
    times.push(now() - start);
    tokens = chat.sequence.tokenMeter.diff(meter).usedOutputTokens;
  }
  chat.dispose();
  await context.dispose();
  return { ms: median(times), tokens };
}

async function engineRun(engine, n) {
  const times = [];
  let tokens = 0;
  for (let r = 0; r < RUNS; r++) {
    const result = await timeStream(engine, request({ max_output_tokens: n }));
    times.push(result.ms);
    tokens = result.finish.usage.output_tokens;
  }
  return { ms: median(times), tokens };
}

const slope = (a, b) => (b.ms - a.ms) / (b.tokens - a.tokens);
console.log('threads  raw evaluate  LlamaChat  engine.stream  engine − raw   (ms per token)');
for (const [threads, engine] of [
  [1, engine1],
  [cores, engine2],
]) {
  const rawShort = await rawRun(threads, SHORT_ANSWER);
  if (rawShort.ms / rawShort.tokens > 5) {
    // Another busy process keeps a core: ggml's spinning pool waits for it at every token.
    console.log(
      `${String(threads).padStart(7)}  ${fmt(rawShort.ms / rawShort.tokens, 1).padStart(12)}  (prompt included; the machine is busy, so ${threads} threads oversubscribe it: the rest of this row is skipped)`,
    );
    continue;
  }
  const raw = slope(rawShort, await rawRun(threads, LONG_ANSWER));
  const chat = slope(await chatRun(threads, SHORT_ANSWER), await chatRun(threads, LONG_ANSWER));
  const eng = slope(await engineRun(engine, SHORT_ANSWER), await engineRun(engine, LONG_ANSWER));
  console.log(`${String(threads).padStart(7)}  ${fmt(raw, 3).padStart(12)}  ${fmt(chat, 3).padStart(9)}  ${fmt(eng, 3).padStart(13)}  ${fmt(eng - raw, 3).padStart(12)}`);
}
await model.dispose();

// 3. Time to first delta, tools.
console.log('\n3. Time to the first event (engine, 1 thread)');
const firsts = { fresh: [], cached: [], auto: [], required: [] };
const inputs = {};
for (let r = 0; r < RUNS; r++) {
  // A new first message, so nothing of the prompt can be reused.
  const fresh = [{ role: 'system', content: `(${r}${Math.random().toString(36).slice(2)}) ${MESSAGES[0].content}` }, MESSAGES[1]];
  let res = await timeStream(engine1, request({ messages: fresh, max_output_tokens: 4 }));
  firsts.fresh.push(res.first);
  inputs.fresh = res.finish.usage;
  res = await timeStream(engine1, request({ messages: fresh, max_output_tokens: 4 }));
  firsts.cached.push(res.first);
  inputs.cached = res.finish.usage;
  const withTools = [{ role: 'system', content: `(t${r}${Math.random().toString(36).slice(2)}) ${MESSAGES[0].content}` }, MESSAGES[1]];
  res = await timeStream(engine1, request({ messages: withTools, tools: TOOLS, tool_choice: 'auto', max_output_tokens: 4 }));
  firsts.auto.push(res.first ?? res.ms);
  inputs.auto = res.finish.usage;
  res = await timeStream(engine1, request({ messages: withTools, tools: TOOLS, tool_choice: 'required', max_output_tokens: 64 }), 'finish');
  firsts.required.push(res.ms);
  inputs.required = res.finish.usage;
}
const row = (label, key, note = '') =>
  console.log(
    `${label.padEnd(44)} ${fmt(median(firsts[key]), 1).padStart(7)} ms   input ${String(inputs[key].input_tokens).padStart(4)} tokens, ${String(inputs[key].cached_tokens).padStart(4)} cached${note}`,
  );
row('new prompt → first text delta', 'fresh');
row('same prompt again → first text delta', 'cached');
row("2 tools, 'auto', new prompt → first event", 'auto');
row("2 tools, 'required' → whole tool call", 'required', ' (two generations: name, then arguments)');

await engine1.close();
await engine2.close();
rmSync(dirname(modelPath), { recursive: true, force: true });
