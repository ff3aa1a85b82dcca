/**
 * A client that stops reading: the server's outbound buffer for it stays bounded, best-effort
 * events are dropped first, then the session ends with 1008 — and other sessions are served.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outboundVerdict } from '../../src/transport/outbound.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime, type RealtimeTestClient } from '../support/realtime-client.js';

let h: Harness | undefined;
const clients: RealtimeTestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) {
    (c.ws as unknown as { _socket: Socket })._socket?.resume();
    await c.close();
  }
  await h?.stop();
  h = undefined;
});

describe('outbound buffer policy', () => {
  const limits = { softBytes: 100, hardBytes: 1000 };
  it('sends everything while the buffer is under the soft bound', () => {
    expect(outboundVerdict('response.animation_viseme.delta', 100, limits)).toBe('send');
    expect(outboundVerdict('response.output_audio.delta', 1000, limits)).toBe('send');
  });
  it('drops only best-effort events above the soft bound, and closes above the hard one', () => {
    expect(outboundVerdict('response.animation_blendshapes.delta', 101, limits)).toBe('drop');
    expect(outboundVerdict('response.animation_viseme.delta', 101, limits)).toBe('drop');
    expect(outboundVerdict('conversation.item.input_audio_transcription.delta', 101, limits)).toBe('drop');
    expect(outboundVerdict('response.output_audio.delta', 999, limits)).toBe('send');
    expect(outboundVerdict('response.output_text.delta', 1001, limits)).toBe('close');
  });
});

describe('a client that stops reading', () => {
  it('is disconnected once 256 KiB wait for it, while another session is served as usual', async () => {
    h = await startHarness({ outbound: { softBytes: 64 * 1024, hardBytes: 256 * 1024 } });
    const slow = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
    const other = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
    clients.push(slow, other);
    await slow.waitFor('session.created');
    const close = new Promise<{ code: number; reason: string }>((resolve) => slow.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

    // About 16 MB of text deltas: far more than the kernel's socket buffers hold.
    const piece = 'All work and no play makes the client a dull reader. '.repeat(40);
    h.llm.enqueue({ text: Array.from({ length: 8_000 }, () => piece) });
    slow.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    slow.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Talk.' }] } });
    await slow.waitFor('session.updated');
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    slow.send({ type: 'response.create' });

    // The server gives up on it: its connection count drops while the client still is not reading.
    const deadline = Date.now() + 15_000;
    while (h.server.connections > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(h.server.connections).toBe(1);

    // Meanwhile the other session is answered.
    h.llm.enqueue({ text: ['Fine.'] });
    other.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    other.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi.' }] } });
    other.send({ type: 'response.create' });
    expect((await other.waitFor('response.done')).response).toMatchObject({ status: 'completed' });

    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    const { code } = await close;
    // 1008 when the close frame got through before the grace ran out; otherwise the socket was cut.
    expect([1008, 1006]).toContain(code);
    // What did arrive arrived whole and in order: text deltas up to the cut, never one skipped.
    const deltas = slow.events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.length).toBeLessThan(8_000);
    expect(deltas.every((d) => d.delta === piece)).toBe(true);
    expect(slow.invalid).toEqual([]);
  }, 30_000);
});
