/**
 * The load generator, a process of its own (forked by load.js, so its CPU is not the server's).
 * It opens `sessions` WebSocket sessions (GA dialect), configures them, and streams the
 * fixture's appends to each at real-time pace, in a loop, then reports every turn's times.
 *
 * Pacing: one timer for all sessions, every `tickMs`. Session i starts at T0 + its phase (spread
 * evenly over `staggerMs`, on the tick grid); its append k is due at start + (k + 1) × chunkMs,
 * when that much audio has been "recorded", as from a microphone. Each tick sends every append
 * that is due, so a late timer sends a burst and never skips audio; how late each append went
 * out is recorded (the generator's pacing lag; slightly negative when sent a fraction of a ms early).
 *
 * Turns: a `speech_stopped` is matched to its loop by `audio_end_ms` (loop L ends at
 * L × loopMs + the calibrated end). Response events belong to the last stopped turn. Turns whose
 * true speech end is in the window (after all sessions started, before sending stops) are the
 * expected ones; one without a `speech_stopped` is missed.
 *
 * Parent → { type: 'plan', ... } (see load.js); generator → { type: 'window', edge: 'start' | 'end' },
 * then { type: 'result', ... }. Times in the result are ms since T0.
 */
import { WebSocket } from 'ws';

const TYPE_KEY = '"type":"';
const CONNECT_BATCH = 50;
/**
 * Node's timers run on a whole-millisecond clock, so a tick may fire a fraction of a ms before
 * its time on performance.now(): appends due that close are sent in this tick, not the next.
 */
const EARLY_MS = 0.5;
const RESPONSE_EVENTS = new Set(['response.created', 'response.done', 'conversation.item.input_audio_transcription.completed', 'error', 'input_audio_buffer.speech_stopped']);

/** An event's type without parsing the whole frame (the codecs write `type` first). */
function typeOf(data) {
  const at = data.indexOf(TYPE_KEY);
  if (at < 0 || at > 64) return JSON.parse(data.toString('utf8')).type;
  return data.toString('latin1', at + TYPE_KEY.length, data.indexOf(34, at + TYPE_KEY.length));
}

class LoadSession {
  constructor(index, plan, startAt) {
    this.index = index;
    this.plan = plan;
    this.startAt = startAt;
    this.next = 0;
    this.nextDue = startAt + plan.chunkMs;
    this.triggerSent = new Map();
    this.turns = new Map();
    this.byItem = new Map();
    this.current = null;
    this.responding = null;
    this.unexpected = 0;
    this.errors = [];
    this.closedEarly = false;
    this.waiter = null;
  }

  /** Which loop a turn that ended at `audioEndMs` belongs to, and how far from the calibrated end it is. */
  loopOf(audioEndMs) {
    const { loopMs, turns } = this.plan;
    const loop = Math.max(0, Math.round((audioEndMs - turns.audioEndMs) / loopMs));
    const expected = loop * loopMs + (loop === 0 ? turns.firstLoop.audioEndMs : turns.audioEndMs);
    return { loop, offMs: audioEndMs - expected };
  }

  connect(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, headers: { authorization: 'Bearer bench' } });
      this.ws = ws;
      ws.on('message', (data) => this.receive(data));
      ws.on('error', (err) => (this.waiter ? this.waiter.reject(err) : this.errors.push(err.message)));
      ws.on('close', () => {
        if (!this.closing) this.closedEarly = true;
      });
      this.waiter = { type: 'session.created', resolve, reject };
    }).then(
      () =>
        new Promise((resolve, reject) => {
          this.waiter = { type: 'session.updated', resolve, reject };
          this.ws.send(JSON.stringify({ type: 'session.update', session: this.plan.session }));
        }),
    );
  }

  receive(data) {
    const now = performance.now();
    const type = typeOf(data);
    if (this.waiter?.type === type) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve();
      return;
    }
    if (type === 'response.output_audio.delta' || type === 'response.output_text.delta') {
      if (this.responding && this.responding.firstDelta === null) this.responding.firstDelta = now;
      if (this.responding) this.responding.deltaBytes += data.length;
      return;
    }
    if (!RESPONSE_EVENTS.has(type)) return;
    const event = JSON.parse(data.toString('utf8'));
    switch (type) {
      case 'input_audio_buffer.speech_stopped': {
        const { loop, offMs } = this.loopOf(event.audio_end_ms);
        if (this.turns.has(loop)) {
          this.unexpected++;
          return;
        }
        const turn = { loop, stopped: now, audioEndOffMs: offMs, transcribed: null, created: null, firstDelta: null, done: null, status: null, deltaBytes: 0 };
        this.turns.set(loop, turn);
        this.byItem.set(event.item_id, turn);
        this.current = turn;
        return;
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const turn = this.byItem.get(event.item_id);
        if (turn) turn.transcribed = now;
        return;
      }
      case 'response.created':
        this.responding = this.current;
        if (this.responding) this.responding.created = now;
        return;
      case 'response.done':
        if (this.responding) {
          this.responding.done = now;
          this.responding.status = event.response?.status ?? null;
        }
        this.responding = null;
        return;
      case 'error':
        this.errors.push(event.error?.message ?? 'error');
        return;
    }
  }

  /** Sends every append due by `now` (and by `until`), recording how late each went out. */
  pump(now, until, frames, lateness, inWindow) {
    const { chunkMs, loopChunks, turns } = this.plan;
    while (this.nextDue <= now + EARLY_MS && this.nextDue <= until) {
      const inLoop = this.next % loopChunks;
      this.ws.send(frames[inLoop], { binary: false });
      const loop = Math.floor(this.next / loopChunks);
      if (inLoop === (loop === 0 ? turns.firstLoop.triggerChunk : turns.triggerChunk)) this.triggerSent.set(loop, now);
      if (inWindow) lateness.push(now - this.nextDue);
      this.next++;
      this.nextDue += chunkMs;
    }
  }

  /**
   * The loops whose true speech end is in [from, to], with the append that ends each due by `to`.
   * Not the first: the VAD starts from a fresh state and ends that turn a frame later than all
   * later ones (calibrate.js), so counting it would add a fixed 32 ms to a few turns.
   */
  expectedLoops(from, to) {
    const { loopMs, speechEndMs, chunkMs, loopChunks, turns } = this.plan;
    const loops = [];
    for (let loop = 1; ; loop++) {
      const trueEnd = this.startAt + loop * loopMs + speechEndMs;
      const trigger = loop === 0 ? turns.firstLoop.triggerChunk : turns.triggerChunk;
      const triggerDue = this.startAt + (loop * loopChunks + trigger + 1) * chunkMs;
      if (triggerDue > to) break;
      if (trueEnd >= from) loops.push({ loop, trueEnd, triggerDue });
    }
    return loops;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(plan) {
  const frames = plan.frames.map((frame) => Buffer.from(frame, 'utf8'));
  const sessions = Array.from({ length: plan.sessions }, (_, i) => new LoadSession(i, plan, 0));
  for (let i = 0; i < sessions.length; i += CONNECT_BATCH) await Promise.all(sessions.slice(i, i + CONNECT_BATCH).map((s) => s.connect(plan.url)));

  const t0 = performance.now() + 100;
  for (const s of sessions) {
    const phase = Math.floor((s.index * plan.staggerMs) / plan.sessions / plan.tickMs) * plan.tickMs;
    s.startAt = t0 + phase;
    s.nextDue = s.startAt + plan.chunkMs;
  }
  const windowStart = t0 + plan.staggerMs;
  const windowEnd = windowStart + plan.windowMs;
  const lateness = [];
  let cpuAtStart = null;
  let cpu = null;
  let maxBuffered = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const inWindow = now >= windowStart && now <= windowEnd;
      if (inWindow && !cpuAtStart) {
        cpuAtStart = process.cpuUsage();
        process.send({ type: 'window', edge: 'start' });
      }
      for (const s of sessions) {
        if (s.closedEarly) continue;
        s.pump(now, windowEnd, frames, lateness, inWindow);
        if (s.ws.bufferedAmount > maxBuffered) maxBuffered = s.ws.bufferedAmount;
      }
      if (now > windowEnd) {
        cpu = process.cpuUsage(cpuAtStart ?? undefined);
        process.send({ type: 'window', edge: 'end' });
        resolve();
        return;
      }
      // The next tick on the grid, skipping those a late timer has already passed.
      const next = t0 + (Math.floor((performance.now() - t0) / plan.tickMs) + 1) * plan.tickMs;
      setTimeout(tick, Math.max(0, next - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });

  const expected = sessions.map((s) => s.expectedLoops(windowStart, windowEnd));
  const settled = () =>
    sessions.every((s, i) =>
      s.closedEarly || expected[i].every(({ loop }) => {
        const turn = s.turns.get(loop);
        return turn && (!plan.expectResponses || turn.done !== null) && (!plan.expectTranscripts || turn.transcribed !== null);
      }),
    );
  const drainUntil = performance.now() + plan.drainMs;
  while (!settled() && performance.now() < drainUntil) await sleep(50);

  const rel = (t) => (t === null || t === undefined ? null : t - t0);
  const turns = [];
  sessions.forEach((s, i) => {
    for (const { loop, trueEnd, triggerDue } of expected[i]) {
      const turn = s.turns.get(loop);
      turns.push({
        session: i,
        loop,
        trueEnd: rel(trueEnd),
        triggerDue: rel(triggerDue),
        triggerSent: rel(s.triggerSent.get(loop)),
        stopped: rel(turn?.stopped),
        audioEndOffMs: turn?.audioEndOffMs ?? null,
        transcribed: rel(turn?.transcribed),
        created: rel(turn?.created),
        firstDelta: rel(turn?.firstDelta),
        done: rel(turn?.done),
        status: turn?.status ?? null,
        deltaBytes: turn?.deltaBytes ?? 0,
      });
    }
  });
  await Promise.all(
    sessions.map(
      (s) =>
        new Promise((resolve) => {
          s.closing = true;
          if (s.ws.readyState === WebSocket.CLOSED) return resolve();
          s.ws.once('close', resolve);
          s.ws.close(1000);
          setTimeout(() => (s.ws.terminate(), resolve()), 2000).unref();
        }),
    ),
  );
  lateness.sort((a, b) => a - b);
  const at = (q) => (lateness.length ? lateness[Math.min(lateness.length - 1, Math.ceil(q * lateness.length) - 1)] : null);
  return {
    type: 'result',
    turns,
    lateness: { sends: lateness.length, p50: at(0.5), p99: at(0.99), max: lateness.at(-1) ?? null },
    windowMs: windowEnd - windowStart,
    cpuMs: cpu ? (cpu.user + cpu.system) / 1000 : null,
    maxBufferedBytes: maxBuffered,
    unexpectedStops: sessions.reduce((n, s) => n + s.unexpected, 0),
    errors: sessions.flatMap((s) => s.errors),
    closedEarly: sessions.filter((s) => s.closedEarly).length,
  };
}

process.once('message', (plan) => {
  run(plan).then(
    (result) => process.send(result, () => process.exit(0)),
    (error) => process.send({ type: 'failed', error: error?.stack ?? String(error) }, () => process.exit(1)),
  );
});
