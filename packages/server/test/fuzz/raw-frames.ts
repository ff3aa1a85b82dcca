/**
 * Frames that are not client events at all: random JSON, text that is not JSON, binary
 * frames, and frames just under the server's size limit.
 */
import { ANY_EVENT_TYPES, validEvent, type EventContext } from './event-frames.js';
import { binaryFrame, textFrame, type FuzzFrame } from './fuzz-frame.js';
import { deeplyNested, toJsonText } from './json-text.js';
import { anyJson } from './schema-values.js';
import { base64Of, hostileText, hugeText } from './strings.js';

export function randomJsonFrame(context: EventContext): FuzzFrame {
  const { random } = context;
  let value = anyJson(random);
  if (random.chance(0.5)) value = { type: random.chance(0.7) ? random.pick(ANY_EVENT_TYPES) : hostileText(random), event_id: context.nextEventId(), junk: anyJson(random) };
  return textFrame('random_json', toJsonText(value), context.dialect);
}

export function notJsonFrame(context: EventContext): FuzzFrame {
  const { random } = context;
  const event = toJsonText(validEvent(context));
  const texts = [
    () => event.slice(0, random.int(0, event.length - 1)),
    () => `${event}${event}`,
    () => event.replace(/"/g, "'"),
    () => `${event},`,
    () => hostileText(random),
    () => '',
    () => ' ',
    () => 'null',
    () => '{"type":"response.create",}',
    () => random.bytes(random.int(1, 256)).toString('latin1'),
    () => `\ufeff${event}`,
  ];
  return textFrame('not_json', random.pick(texts)(), context.dialect, true);
}

export function binaryFrameOf(context: EventContext): FuzzFrame {
  const { random } = context;
  const payloads = [() => random.bytes(random.int(0, 4096)), () => Buffer.from(toJsonText(validEvent(context))), () => Buffer.alloc(random.int(1, 9600))];
  return binaryFrame(random.pick(payloads)());
}

/** A frame of `frameLimit - slack` bytes or a little less, in one of several shapes. */
export function nearLimitFrame(context: EventContext, frameLimit: number): FuzzFrame {
  const { random } = context;
  const size = frameLimit - random.int(64, 8192);
  const eventId = context.nextEventId();
  // Printable ASCII that JSON does not escape: one character, one byte.
  const fill = (overhead: number) => hugeText(random, size - overhead, size - overhead).replace(/[^\x20-\x7e]|["\\]/g, 'x');
  const shapes: (() => string)[] = [
    () => toJsonText({ type: 'session.update', event_id: eventId, session: { instructions: fill(200) } }),
    () => toJsonText({ type: 'input_audio_buffer.append', event_id: eventId, audio: base64Of(random.bytes(Math.floor(((size - 200) * 3) / 4) & ~1)) }),
    () =>
      toJsonText({
        type: 'conversation.item.create',
        event_id: eventId,
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: fill(300) }] },
      }),
    () => `[${'1,'.repeat(Math.floor((size - 2) / 2) - 1)}1]`,
    () => toJsonText(deeplyNested(Math.floor((size - 2) / 2))),
    () =>
      toJsonText({
        type: 'session.update',
        event_id: eventId,
        session: { tools: [{ type: 'function', name: 'deep', parameters: { nested: deeplyNested(Math.floor((size - 300) / 2)) } }] },
      }),
  ];
  return textFrame('near_limit', random.pick(shapes)(), context.dialect);
}
