/**
 * The well-behaved session: a GA client on the `observer` profile that holds text turns, one
 * after another, while the fuzzing runs. Each turn must complete with the model's answer.
 */
import { connectRealtime, type RealtimeTestClient } from '../support/realtime-client.js';

const TURN_TIMEOUT_MS = 10_000;
const TURNS_PER_SESSION = 20;
/** What the observer's scripted model says when nothing else is queued. */
const ANSWER = 'OK.';

export interface ObserverReport {
  /** How long each turn took, response.create to response.done, ms. */
  turnMs: number[];
  problems: string[];
}

/** One text turn on `client`: the user's item, a response, and its text checked. Returns its duration. */
export async function textTurn(client: RealtimeTestClient, n: number): Promise<number> {
  const from = client.events.length;
  const started = performance.now();
  client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Turn ${n}.` }] } });
  client.send({ type: 'response.create' });
  const done = await client.waitFor('response.done', () => true, from);
  const response = done.response as { status: string; output: { content?: { text?: string }[] }[] };
  const text = response.output.flatMap((item) => item.content ?? []).map((part) => part.text ?? '').join('');
  if (response.status !== 'completed' || text !== ANSWER) throw new Error(`turn ${n} ended ${response.status} with '${text}'`);
  const errors = client.events.slice(from).filter((e) => e.type === 'error');
  if (errors.length) throw new Error(`turn ${n} got errors: ${JSON.stringify(errors)}`);
  return performance.now() - started;
}

export async function connectObserver(wsUrl: string): Promise<RealtimeTestClient> {
  const client = await connectRealtime(`${wsUrl}/v1/realtime?model=observer`, { timeoutMs: TURN_TIMEOUT_MS });
  client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  await client.waitFor('session.updated');
  return client;
}

/**
 * Holds turns until `stop()`; each turn's time and every failure are reported. Every
 * TURNS_PER_SESSION turns it starts a new session, so its own conversation does not grow through
 * the run and count as the server's memory growth.
 */
export async function startObserver(wsUrl: string): Promise<{ stop(): Promise<ObserverReport> }> {
  const report: ObserverReport = { turnMs: [], problems: [] };
  const finish = async (client: RealtimeTestClient) => {
    report.problems.push(...client.invalid.map(({ event, reason }) => `invalid frame ${event.type}: ${reason}`));
    if (client.ws.readyState !== client.ws.OPEN) report.problems.push('the observer socket was closed');
    await client.close();
  };
  let client = await connectObserver(wsUrl);
  let running = true;
  const loop = (async () => {
    for (let n = 1; running; n++) {
      try {
        if (n % TURNS_PER_SESSION === 0) {
          await finish(client);
          client = await connectObserver(wsUrl);
        }
        report.turnMs.push(await textTurn(client, n));
      } catch (err) {
        report.problems.push((err as Error).message);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await finish(client);
      return report;
    },
  };
}
