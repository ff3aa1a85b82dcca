/**
 * The WebRTC call endpoint with a werift peer in Node as the caller: who may call, what a bad
 * offer gets, and that the data channel carries the same JSON events as the WebSocket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { call, makeOffer, postOffer, type Caller } from './werift-caller.js';

const KEY = 'sk-webrtc-test';
let h: Harness | undefined;
const callers: Caller[] = [];

afterEach(async () => {
  await Promise.all(callers.splice(0).map((c) => c.close()));
  await h?.stop();
  h = undefined;
});

async function dial(path = '/v1/realtime/calls', key: string | null = KEY): Promise<Caller> {
  const caller = await call(`${h!.server.url}${path}`, { key });
  callers.push(caller);
  return caller;
}

describe('POST /v1/realtime/calls', () => {
  it('answers an offer with 201, the answer SDP and the call in Location; events flow on oai-events', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const started = performance.now();
    const caller = await dial();
    const connectedMs = performance.now() - started;
    expect(caller.callId).toMatch(/^rtc_/);
    const created = await caller.waitFor('session.created');
    expect(caller.events[0]).toBe(created);
    caller.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Speak French.' } });
    const updated = await caller.waitFor('session.updated');
    expect((updated.session as { instructions: string }).instructions).toBe('Speak French.');
    // A bad event gets the same error as on a WebSocket, and the call goes on.
    caller.send({ type: 'response.cancel', event_id: 'evt_1' });
    const error = await caller.waitFor('error');
    expect(error.error).toMatchObject({ code: 'response_cancel_not_active', event_id: 'evt_1' });
    console.log(`offer → data channel open: ${connectedMs.toFixed(0)} ms`);
  });

  it('refuses a caller without a key with 401, before looking at the offer', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const { pc, sdp } = await makeOffer();
    const response = await postOffer(`${h.server.url}/v1/realtime/calls`, sdp, null);
    await pc.close();
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'invalid_api_key', message: expect.stringContaining('Bearer') });
    const wrong = await postOffer(`${h.server.url}/v1/realtime/calls`, 'v=0', 'sk-wrong');
    expect(wrong.status).toBe(401);
  });

  it('refuses what is not an SDP offer with 400 and says what is wrong', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const url = `${h.server.url}/v1/realtime/calls`;
    const empty = await postOffer(url, '', KEY);
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { param: string; message: string } }).error).toMatchObject({ param: 'sdp', message: expect.stringContaining('empty') });
    const json = await postOffer(url, JSON.stringify({ type: 'offer', sdp: 'v=0' }), KEY);
    expect(((await json.json()) as { error: { message: string } }).error.message).toContain('v=0');
    const videoOnly = await postOffer(url, 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n', KEY);
    expect(((await videoOnly.json()) as { error: { message: string } }).error.message).toContain('no audio');
  });

  it('takes an ek_ client secret as the key, and starts the session with its configuration', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const minted = await fetch(`${h.server.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session: { type: 'realtime', instructions: 'You are a pirate.' } }),
    });
    const { value } = (await minted.json()) as { value: string };
    expect(value).toMatch(/^ek_/);
    const caller = await dial('/v1/realtime/calls', value);
    const created = await caller.waitFor('session.created');
    expect((created.session as { instructions: string }).instructions).toBe('You are a pirate.');
  });

  it('takes the openai SDK form: multipart with sdp and session parts', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const { pc, channel, sdp } = await makeOffer();
    const form = new FormData();
    form.set('sdp', new Blob([sdp], { type: 'application/sdp' }));
    form.set('session', new Blob([JSON.stringify({ type: 'realtime', instructions: 'Be brief.' })], { type: 'application/json' }));
    const response = await fetch(`${h.server.url}/v1/realtime/calls`, { method: 'POST', body: form, headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(201);
    const events: { type: string; session?: { instructions: string } }[] = [];
    channel.onMessage.subscribe((data) => events.push(JSON.parse(data.toString())));
    await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
    await expect.poll(() => events.find((e) => e.type === 'session.updated')?.session?.instructions, { timeout: 5000 }).toBe('Be brief.');
    expect(events[0]!.type).toBe('session.created');
    await pc.close();
  });

  it('speaks beta names on the beta SDP endpoint (POST /v1/realtime?model=…)', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const caller = await dial('/v1/realtime?model=default');
    const created = await caller.waitFor('session.created');
    // Beta sessions are flat: the input format is a string at the top level.
    expect(created.session).toMatchObject({ input_audio_format: 'pcm16' });
  });

  it('hangs up on POST /v1/realtime/calls/{id}/hangup and frees the admission slot', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const caller = await dial();
    await caller.waitFor('session.created');
    expect(h.server.admission.active).toBe(1);
    const response = await fetch(`${h.server.url}/v1/realtime/calls/${caller.callId}/hangup`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(200);
    expect(h.server.admission.active).toBe(0);
    const unknown = await fetch(`${h.server.url}/v1/realtime/calls/rtc_nope/hangup`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /voice-live/realtime/calls', () => {
  it('speaks Voice Live on the voice-live-events data channel', async () => {
    h = await startHarness({ apiKeys: [KEY] });
    const caller = await call(`${h.server.url}/voice-live/realtime/calls?model=default`, { key: KEY, channelLabel: 'voice-live-events' });
    callers.push(caller);
    const created = await caller.waitFor('session.created');
    // Voice Live's session is flat, with its own fields.
    expect(created.session).toMatchObject({ input_audio_format: 'pcm16' });
    expect(caller.callId).toMatch(/^rtc_/);
    caller.send({ type: 'output_audio_buffer.clear' });
    const cleared = await caller.waitFor('output_audio_buffer.cleared');
    expect(Object.keys(cleared).sort()).toEqual(['event_id', 'type']);
  });
});
