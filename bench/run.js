/**
 * Parley hot-path benchmarks, on the built packages (`npm run bench` builds first).
 *
 *   node bench/run.js [--short]
 *
 * 1. One `input_audio_buffer.append` frame: codec.decode + Session.handle, as the transport
 *    runs it for each frame; then (3) the same split into its parts.
 * 2. Encoding one `response.output_audio.delta` for each dialect.
 * 4. What the Prometheus metrics add per event: counting one client event (an append) and one
 *    server event (an audio delta), as the transport does for every frame in and out.
 *
 * The audio is 9600 bytes of 24 kHz PCM16 mono (12,800 base64 chars), the size the issue
 * names; that is 200 ms at 24 kHz, so the whole append is also measured at a true 100 ms.
 *
 * Each sample times one call, except dispatch: too fast for the timer, it is timed in batches.
 * Sessions' input buffers are cleared every CLEAR_EVERY appends in a `beforeEach` hook,
 * outside the timed window: the clear is in no figure.
 */
import { clientEventSchemas, createCodec, decodeBase64, DIALECTS } from '@parley/protocol';
import { ServerMetrics } from '@parley/server';
import { Bench } from 'tinybench';
import { appendFrame, benchSession, BYTES_PER_MS, checkFixtures, CLEAR_EVENT, outputAudioDelta, pcmChunk } from './lib/fixtures.js';
import { machineDetails } from './lib/machine.js';
import { figures, table } from './lib/report.js';

const GOAL_US = 50;
const METRICS_GOAL_US = 1;
const METRICS_BATCH = 1000;
const CLEAR_EVERY = 1000; // appends between clears: at most ~10 MB buffered
const DISPATCH_BATCH = 100;
const short = process.argv.includes('--short');
const timing = short ? { time: 300, warmupTime: 100 } : { time: 2000, warmupTime: 500 };

const pcm = pcmChunk(200);
const audio = pcm.toString('base64');
const frame = appendFrame(audio);
const delta = outputAudioDelta(audio);
const frame100ms = appendFrame(pcmChunk(100).toString('base64'));
checkFixtures({ pcm, frame, delta });

const details = { ...machineDetails(), Run: `${short ? '--short: ' : ''}${timing.time} ms per operation after ${timing.warmupTime} ms warm-up` };
for (const [key, value] of Object.entries(details)) console.log(`${`${key}:`.padEnd(6)} ${value}`);
console.log(`Audio: ${pcm.length} B PCM16 (${pcm.length / BYTES_PER_MS} ms at 24 kHz) → ${audio.length} base64 chars; append frame ${frame.length} chars\n`);

const bench = new Bench({ ...timing, timestampProvider: 'hrtimeNow', subtractTimerOverhead: true, throws: true });
const sessions = [];

/** A task body that runs `run` `size` times and reports the mean: for operations too fast to time one by one. */
function inBatches(size, run) {
  return (arg) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < size; i++) run(arg);
    const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    return { overriddenDuration: elapsedMs / size, overriddenIterationCost: elapsedMs };
  };
}

/** A task appending `perCall` frames a call to its own session, cleared (untimed) every CLEAR_EVERY appends. */
function appendTask(name, append, perCall = 1) {
  const { session, errors } = benchSession();
  sessions.push({ name, errors });
  let appended = 0;
  const beforeEach = () => {
    appended += perCall;
    if (appended < CLEAR_EVERY) return;
    appended = 0;
    session.handle(CLEAR_EVENT);
  };
  bench.add(name, () => append(session), { beforeEach });
}

// 1. The whole append path.
const ga = createCodec('ga');
const WHOLE = `append ${pcm.length} B: decode + dispatch`;
appendTask(WHOLE, (session) => session.handle(ga.decode(frame).event));

// 3. Its parts. decode.ts validates with { reportInput: true }; so does this.
const raw = JSON.parse(frame);
const schema = clientEventSchemas.ga['input_audio_buffer.append'];
const decoded = ga.decode(frame).event;
bench.add('  JSON.parse', () => JSON.parse(frame));
bench.add('  schema validation', () => schema.safeParse(raw, { reportInput: true }));
bench.add('  base64 decode', () => decodeBase64(audio));
bench.add('  codec.decode (the three + canonical event)', () => ga.decode(frame));
appendTask(
  `  dispatch (Session.handle; mean of ${DISPATCH_BATCH})`,
  inBatches(DISPATCH_BATCH, (session) => session.handle(decoded)),
  DISPATCH_BATCH,
);
appendTask(`append ${pcm.length / 2} B (100 ms): decode + dispatch`, (session) => session.handle(ga.decode(frame100ms).event));

// 2. The output audio delta, for each dialect.
for (const dialect of DIALECTS) {
  const codec = createCodec(dialect);
  bench.add(`encode output_audio.delta ${pcm.length} B (${dialect})`, () => codec.encode(delta));
}

// 4. Metrics per event, timed in batches (one count is too fast for the timer).
const sessionMetrics = new ServerMetrics({ processMetrics: false }).openSession({ dialect: 'ga', profile: 'default' });
const COUNT_IN = `metrics: count a client event (mean of ${METRICS_BATCH})`;
const COUNT_OUT = `metrics: count a server event (mean of ${METRICS_BATCH})`;
bench.add(COUNT_IN, inBatches(METRICS_BATCH, () => sessionMetrics.clientEvent('input_audio_buffer.append')));
bench.add(COUNT_OUT, inBatches(METRICS_BATCH, () => sessionMetrics.serverEvent(delta)));

bench.runSync();

for (const { name, errors } of sessions) {
  if (errors.length) throw new Error(`'${name}' measured an error path: ${errors[0].message}`);
}
const rows = bench.tasks.map(figures);
console.log(table(rows));

const whole = rows.find((row) => row.name === WHOLE);
const verdict = (us) => `${us.toFixed(1)} µs ${us <= GOAL_US ? '✓' : '✗ MISSED'}`;
console.log(`\nGoal ≤ ${GOAL_US} µs per append incl. base64: mean ${verdict(whole.mean)}, p99 ${verdict(whole.p99)}`);
const metricsVerdict = (name) => {
  const us = rows.find((row) => row.name === name).mean;
  return `${us.toFixed(2)} µs ${us <= METRICS_GOAL_US ? '✓' : '✗ MISSED'}`;
};
console.log(`Goal ≤ ${METRICS_GOAL_US} µs of metrics per event: client event ${metricsVerdict(COUNT_IN)}, server event ${metricsVerdict(COUNT_OUT)}`);
