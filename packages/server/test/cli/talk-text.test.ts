/** `parley talk` typed: lines on stdin, replies streamed back as text, through the built CLI against a real Parley and a scripted LLM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { runCli, startCli } from './run-cli.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const url = () => `ws://127.0.0.1:${h.server.port}`;
type Event = { type: string; [field: string]: unknown };
const jsonLines = (stdout: string) => stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Event);

describe('parley talk (text)', () => {
  it('answers each line piped in, in one conversation', async () => {
    h.llm.enqueue({ text: ['Hi', ' there!'] }, { text: ['I am', ' fine.'] });
    const before = h.llm.requests.length;

    const result = await runCli(['talk', '--url', url()], { stdin: 'Hello\nHow are you?\n' });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hi there!\nI am fine.\n');
    const requests = h.llm.requests.slice(before);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.body.messages.slice(-3)).toEqual([
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi there!' },
      { role: 'user', content: 'How are you?' },
    ]);
  });

  it('--instructions reach the model and --voice the session; --json prints every event as a JSON line', async () => {
    h.llm.enqueue({ text: ['Arr.'] });

    const result = await runCli(['talk', '--url', url(), '--instructions', 'Answer like a pirate.', '--voice', 'echo', '--json'], { stdin: 'Hello\n' });

    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events[0]!.type).toBe('session.created');
    expect(events.find((e) => e.type === 'session.updated')).toMatchObject({ session: { instructions: 'Answer like a pirate.', output_modalities: ['text'], audio: { output: { voice: 'echo' } } } });
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta)).toEqual(['Arr.']);
    expect(events.at(-1)).toMatchObject({ type: 'response.done', response: { status: 'completed' } });
    expect(h.llm.requests.at(-1)!.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Answer like a pirate.') });
  });

  it('--dialect voicelive: the events are the canonical ones all the same', async () => {
    h.llm.enqueue({ text: ['Hello from Voice Live.'] });

    const result = await runCli(['talk', '--url', url(), '--dialect', 'voicelive', '--json'], { stdin: 'Hi\n' });

    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta)).toEqual(['Hello from Voice Live.']);
    expect(events.some((e) => e.type === 'response.text.delta')).toBe(false);
  });

  it('a line typed while a reply streams interrupts it, and is answered next', async () => {
    const story = ['Once upon a time', ' there was a cat.', ' It slept all day.', ' It ate fish.', ' It was happy.', ' The end.'];
    h.llm.enqueue({ text: story, delayMs: 400 }, { text: ['Okay, stopping.'] });
    const before = h.llm.requests.length;
    const cli = startCli(['talk', '--url', url()]);
    cli.child.stdin.write('Tell me a story.\n');
    await cli.waitForStdout(/Once upon a time/);
    cli.child.stdin.end('Stop.\n');

    const result = await cli.exited;

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Once upon a time.* \[interrupted\]\nOkay, stopping\.\n$/);
    expect(result.stdout).not.toContain('The end.');
    await h.llm.request(before + 1);
    expect(h.llm.requests[before]!.wasAborted).toBe(true);
    expect(h.llm.requests[before + 1]!.body.messages.at(-1)).toEqual({ role: 'user', content: 'Stop.' });
  });
});
