/**
 * What the playground asks of the server (playground/session-settings.js): every session.update
 * it can build passes the server's own GA validation, and tool JSON mistakes get a message.
 */
import { createCodec } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { parseTools, sessionUpdate } from '../../playground/session-settings.js';

const { decode } = createCodec('ga');
const energy = { threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, interrupt_response: true };

describe('the playground’s session.update', () => {
  it.each([
    { type: 'server_vad', ...energy, idle_timeout_ms: 8000 },
    { type: 'server_vad', ...energy, idle_timeout_ms: null },
    { type: 'semantic_vad', ...energy, eagerness: 'high', interrupt_response: false },
    { type: 'azure_semantic_vad', ...energy },
    { type: 'none', ...energy },
  ])('is a valid GA event for turn detection $type', (turnDetection) => {
    const event = sessionUpdate({ instructions: 'Be brief.', voice: 'alloy', turnDetection, tools: parseTools('[{"type":"function","name":"get_weather"}]') });
    const decoded = decode(JSON.stringify(event));
    expect(decoded.ok ? null : decoded.error.message).toBeNull();
    expect(event.session.audio.input.turn_detection?.type ?? 'none').toBe(turnDetection.type);
    expect(event.session).toMatchObject({ audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: {} } }, animation: { outputs: ['viseme_id'] } });
  });

  it('leaves instructions and voice to the profile when the fields are empty', () => {
    const { session } = sessionUpdate({ instructions: '  ', voice: '', turnDetection: { type: 'server_vad' } });
    expect(session).not.toHaveProperty('instructions');
    expect(session.audio.output).not.toHaveProperty('voice');
  });

  it('explains tool JSON that is not an array of tools', () => {
    expect(parseTools('  ')).toEqual([]);
    expect(() => parseTools('[{"type": "function",')).toThrow(/Tools are not valid JSON/);
    expect(() => parseTools('{"type": "function"}')).toThrow(/must be a JSON array/);
    expect(() => parseTools('[{"name": "x"}]')).toThrow(/Tool 0 needs a "type"/);
  });
});
