/**
 * Short sequences a real client gets wrong: audio appends of odd sizes or broken base64,
 * response.create/cancel in rapid succession, references to ids that do not exist, and real
 * speech for the VAD to find turns in.
 */
import { validEvent, type EventContext } from './event-frames.js';
import { textFrame, type FuzzFrame } from './fuzz-frame.js';
import { toJsonText } from './json-text.js';
import { audioBase64 } from './schema-values.js';
import { base64Of, invalidBase64, word } from './strings.js';

function send(context: EventContext, kind: FuzzFrame['kind'], event: Record<string, unknown>, mustFail = false): FuzzFrame {
  return textFrame(kind, toJsonText({ ...event, event_id: context.nextEventId() }), context.dialect, mustFail);
}

function appendEvent(context: EventContext, audio: string): Record<string, unknown> {
  const turn = context.random.maybePick(context.known.get('turn_id'), 0.3);
  if (context.dialect === 'voicelive' && turn !== undefined) return { type: 'input_audio.turn.append', turn_id: turn, audio };
  return { type: 'input_audio_buffer.append', audio };
}

export function audioFrames(context: EventContext): FuzzFrame[] {
  const { random } = context;
  if (random.chance(0.25)) return [send(context, 'audio', appendEvent(context, invalidBase64(random)), true)];
  const frames = Array.from({ length: random.int(1, 6) }, () => send(context, 'audio', appendEvent(context, audioBase64(random))));
  if (random.chance(0.3)) frames.push(send(context, 'audio', { type: random.pick(['input_audio_buffer.commit', 'input_audio_buffer.clear']) }));
  return frames;
}

/** Creates and cancels faster than any response can finish, with and without ids. */
export function responseChurnFrames(context: EventContext): FuzzFrame[] {
  const { random } = context;
  return Array.from({ length: random.int(2, 8) }, () => {
    if (random.chance(0.5)) return send(context, 'response_churn', random.chance(0.6) ? { type: 'response.create' } : validEvent(context, 'response.create'));
    const id = random.maybePick(context.known.get('response_id'), 0.5);
    return send(context, 'response_churn', id ? { type: 'response.cancel', response_id: id } : { type: 'response.cancel' });
  });
}

/** Ids no server ever handed out: each such reference must be refused with an error. */
export function bogusReferenceFrames(context: EventContext): FuzzFrame[] {
  const { random } = context;
  const bogus = `bogus_${word(random)}_${random.int(0, 1e9)}`;
  const events: Record<string, unknown>[] = [
    { type: 'conversation.item.truncate', item_id: bogus, content_index: random.int(0, 3), audio_end_ms: random.int(0, 5000) },
    { type: 'conversation.item.delete', item_id: bogus },
    { type: 'conversation.item.retrieve', item_id: bogus },
    { type: 'response.cancel', response_id: bogus },
    { type: 'conversation.item.create', previous_item_id: bogus, item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } },
    { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: bogus, output: '{}' } },
  ];
  if (context.dialect === 'voicelive') events.push({ type: 'input_audio.turn.end', turn_id: bogus }, { type: 'input_audio.turn.cancel', turn_id: bogus });
  return [send(context, 'bogus_reference', random.pick(events), true)];
}

/**
 * `speech` (24 kHz PCM16) in 100 ms appends, then a second of silence: with a VAD, a turn that
 * starts, stops, commits and is answered while the fuzzing goes on.
 */
export function speechFrames(context: EventContext, speech: Buffer): FuzzFrame[] {
  const clip = Buffer.concat([speech, Buffer.alloc(48_000)]);
  const frames: FuzzFrame[] = [];
  for (let at = 0; at < clip.length; at += 4800) frames.push(send(context, 'speech', appendEvent(context, base64Of(clip.subarray(at, at + 4800)))));
  return frames;
}
