/**
 * The session's effective configuration: defaults, how `session.update` merges (a one-field
 * update keeps everything else), turn-detection defaults, the tools check, and the full round
 * trip a client sees: its session.update decoded, merged, and sent back in `session.updated`
 * in its own dialect's shape.
 */
import {
  checkServerEvent,
  createCodec,
  isParleyError,
  serverEventSchemas,
  type Dialect,
  type ServerEvent,
  type SessionObject,
  type SessionPatch,
} from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { checkTools, defaultSession, mergeSession, withTurnDetectionDefaults } from '../../src/session/session-config.js';

const DEFAULTS = { model: 'gpt-realtime', instructions: 'Be helpful.', voice: 'alloy', maxDurationMs: 60_000 };

function patchFrom(dialect: Dialect, session: Record<string, unknown>): SessionPatch {
  const result = createCodec(dialect).decode(JSON.stringify({ type: 'session.update', session }));
  if (!result.ok) throw new Error(result.error.message);
  if (result.event.type !== 'session.update') throw new Error(result.event.type);
  return result.event.session;
}

function wireSession(dialect: Dialect, session: SessionObject): Record<string, any> {
  const event = { type: 'session.updated', event_id: 'event_1', session } as ServerEvent;
  const frame = JSON.parse(createCodec(dialect).encode(event)!) as Record<string, any>;
  const check = checkServerEvent(serverEventSchemas(dialect), frame);
  expect(check.ok ? null : check.reason).toBeNull();
  return frame.session;
}

/** Decode → merge → encode: what the client gets back for its update. */
function roundTrip(dialect: Dialect, session: Record<string, unknown>, start = defaultSession('sess_1', DEFAULTS)): Record<string, any> {
  return wireSession(dialect, mergeSession(start, patchFrom(dialect, session)));
}

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isParleyError(err)) return err;
    throw err;
  }
  throw new Error('expected a ParleyError');
}

const lookup = { type: 'function', name: 'lookup', description: 'Look a word up.', parameters: { type: 'object', properties: { word: { type: 'string' } } } } as const;

describe('defaultSession', () => {
  it('starts as a realtime session with 24 kHz PCM both ways, server VAD and the profile’s voice and instructions', () => {
    const s = defaultSession('sess_1', DEFAULTS, 1_000_000);
    expect(s).toMatchObject({
      id: 'sess_1',
      object: 'realtime.session',
      type: 'realtime',
      model: 'gpt-realtime',
      instructions: 'Be helpful.',
      output_modalities: ['audio'],
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
    });
    expect(s.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(s.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 });
    expect(s.audio.input.turn_detection).toMatchObject({ type: 'server_vad', create_response: true, interrupt_response: true });
    expect(s.expires_at).toBe(Math.floor((1_000_000 + 60_000) / 1000));
  });
});

describe('turn detection defaults', () => {
  it('fills server_vad with the hosted defaults', () => {
    expect(withTurnDetectionDefaults({ type: 'server_vad' })).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 500,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
  });

  it('fills semantic_vad with eagerness auto', () => {
    expect(withTurnDetectionDefaults({ type: 'semantic_vad' })).toEqual({
      type: 'semantic_vad',
      eagerness: 'auto',
      create_response: true,
      interrupt_response: true,
    });
  });

  it.each(['azure_semantic_vad', 'azure_semantic_vad_en', 'azure_semantic_vad_multilingual'] as const)(
    'fills %s with Voice Live’s defaults (420 ms prefix padding, filler words kept, no auto-truncate)',
    (type) => {
      expect(withTurnDetectionDefaults({ type })).toMatchObject({
        type,
        threshold: 0.5,
        prefix_padding_ms: 420,
        silence_duration_ms: 500,
        speech_duration_ms: 80,
        remove_filler_words: false,
        auto_truncate: false,
        create_response: true,
        interrupt_response: true,
      });
    },
  );

  it('keeps every value the client gave over the defaults', () => {
    expect(withTurnDetectionDefaults({ type: 'server_vad', silence_duration_ms: 800, interrupt_response: false, create_response: false })).toMatchObject({
      silence_duration_ms: 800,
      interrupt_response: false,
      create_response: false,
      threshold: 0.5,
    });
    expect(withTurnDetectionDefaults({ type: 'semantic_vad', eagerness: 'low' })).toMatchObject({ eagerness: 'low' });
  });

  it('leaves null (manual turns) as null', () => {
    expect(withTurnDetectionDefaults(null)).toBeNull();
  });
});

describe('mergeSession', () => {
  const configured = () =>
    mergeSession(defaultSession('sess_1', DEFAULTS), {
      instructions: 'Speak French.',
      tools: [lookup],
      tool_choice: { type: 'function', name: 'lookup' },
      audio: {
        input: { turn_detection: { type: 'semantic_vad', eagerness: 'low' }, transcription: { model: 'whisper-1' } },
        output: { voice: 'marin', speed: 1.25 },
      },
    });

  it('changes only the field a one-field update names', () => {
    const before = configured();
    const after = mergeSession(before, { instructions: 'Speak German.' });
    expect(after.instructions).toBe('Speak German.');
    expect({ ...after, instructions: before.instructions }).toEqual(before);
  });

  it('keeps the rest of the session for a GA update that only sets tracing (what agents-realtime sends)', () => {
    const before = configured();
    const after = mergeSession(before, patchFrom('ga', { type: 'realtime', tracing: 'auto' }));
    expect(after.tracing).toBe('auto');
    expect({ ...after, tracing: before.tracing }).toEqual(before);
  });

  it('merges audio.output field by field: a new voice keeps the format and speed', () => {
    const before = configured();
    const after = mergeSession(before, { audio: { output: { voice: 'cedar' } } });
    expect(after.audio.output).toEqual({ ...before.audio.output, voice: 'cedar' });
    expect(after.audio.input).toEqual(before.audio.input);
  });

  it('merges audio formats: a rate alone keeps PCM, G.711 has no rate, PCM again defaults to 24 kHz', () => {
    let s = mergeSession(configured(), patchFrom('voicelive', { input_audio_sampling_rate: 16000 }));
    expect(s.audio.input.format).toEqual({ type: 'audio/pcm', rate: 16000 });
    s = mergeSession(s, patchFrom('beta', { input_audio_format: 'g711_ulaw' }));
    expect(s.audio.input.format).toEqual({ type: 'audio/pcmu' });
    s = mergeSession(s, patchFrom('ga', { audio: { input: { format: { type: 'audio/pcm' } } } }));
    expect(s.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
  });

  it('keeps turn detection when an update does not mention it', () => {
    const before = configured();
    expect(mergeSession(before, { audio: { input: { transcription: null } } }).audio.input.turn_detection).toEqual(before.audio.input.turn_detection);
  });

  it('replaces turn detection whole, filling the new type’s defaults', () => {
    const after = mergeSession(configured(), { audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 900 } } } });
    expect(after.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 900,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    expect(after.audio.input.turn_detection).not.toHaveProperty('eagerness');
  });

  it('clears with the documented values: "" for instructions, [] for tools, null for turn_detection', () => {
    const after = mergeSession(configured(), {
      instructions: '',
      tools: [],
      tool_choice: 'auto',
      audio: { input: { turn_detection: null } },
    });
    expect(after.instructions).toBe('');
    expect(after.tools).toEqual([]);
    expect(after.audio.input.turn_detection).toBeNull();
  });

  it('does not touch the session it merges into', () => {
    const before = configured();
    const snapshot = structuredClone(before);
    mergeSession(before, { instructions: 'x', audio: { input: { turn_detection: { type: 'server_vad' } }, output: { voice: 'ash' } } });
    expect(before).toEqual(snapshot);
  });
});

describe('the tools check', () => {
  it('refuses two functions of one name, naming the second', () => {
    const err = thrown(() => mergeSession(defaultSession('s', DEFAULTS), { tools: [lookup, { ...lookup, description: 'again' }] }));
    expect(err.code).toBe('invalid_value');
    expect(err.param).toBe('session.tools[1]');
    expect(err.message).toContain("Duplicate function 'lookup'");
  });

  it('refuses two MCP servers with one label', () => {
    const mcp = { type: 'mcp', server_label: 'docs', server_url: 'http://127.0.0.1:1/mcp' } as const;
    const err = thrown(() => checkTools([lookup, mcp, { ...mcp }], 'auto', 'session'));
    expect(err.param).toBe('session.tools[2]');
  });

  it('allows a function and an MCP server that share a name', () => {
    expect(() => checkTools([lookup, { type: 'mcp', server_label: 'lookup', server_url: 'http://x' }], 'auto', 'session')).not.toThrow();
  });

  it('refuses a tool_choice that forces a function which is not offered', () => {
    const err = thrown(() => mergeSession(defaultSession('s', DEFAULTS), { tool_choice: { type: 'function', name: 'missing' } }));
    expect(err).toMatchObject({ code: 'invalid_value', param: 'session.tool_choice' });
    expect(err.message).toContain("'missing'");
  });

  it('refuses removing the tools a forced tool_choice names, and leaves the session as it was', () => {
    const before = mergeSession(defaultSession('s', DEFAULTS), { tools: [lookup], tool_choice: { type: 'function', name: 'lookup' } });
    const snapshot = structuredClone(before);
    expect(thrown(() => mergeSession(before, { tools: [] })).param).toBe('session.tool_choice');
    expect(before).toEqual(snapshot);
  });

  it('names response.* paths when checking response.create overrides', () => {
    expect(thrown(() => checkTools([lookup, lookup], 'auto', 'response')).param).toBe('response.tools[1]');
  });
});

describe('decode → merge → encode round trips', () => {
  it('GA: every nested field a client sets comes back in session.updated', () => {
    const sent = {
      type: 'realtime',
      instructions: 'Answer in one sentence.',
      output_modalities: ['text'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'whisper-1', language: 'en' },
          noise_reduction: { type: 'near_field' },
          turn_detection: { type: 'semantic_vad', eagerness: 'high', interrupt_response: false },
        },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin', speed: 1.2 },
      },
      tools: [lookup],
      tool_choice: 'required',
      max_output_tokens: 100,
    };
    const s = roundTrip('ga', sent);
    expect(s).toMatchObject(sent);
    expect(s.audio.input.turn_detection.create_response).toBe(true);
  });

  it('GA: agents-realtime’s first session.update comes back as sent', () => {
    const sent = {
      type: 'realtime',
      model: 'gpt-realtime',
      output_modalities: ['audio'],
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, noise_reduction: null, transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'semantic_vad' } },
        output: { format: { type: 'audio/pcm', rate: 24000 }, speed: 1 },
      },
    };
    const s = roundTrip('ga', sent);
    expect(s).toMatchObject(sent);
    // agents-realtime decides from this whether to send its own response.cancel on barge-in.
    expect(s.audio.input.turn_detection.interrupt_response).toBe(true);
  });

  it('beta: every flat field a client sets comes back flat', () => {
    const sent = {
      modalities: ['text'],
      instructions: 'Be terse.',
      voice: 'ash',
      input_audio_format: 'g711_ulaw',
      output_audio_format: 'g711_alaw',
      input_audio_transcription: { model: 'whisper-1' },
      input_audio_noise_reduction: { type: 'far_field' },
      turn_detection: { type: 'server_vad', silence_duration_ms: 700 },
      tools: [lookup],
      tool_choice: 'auto',
      temperature: 0.9,
      max_response_output_tokens: 300,
      speed: 1.1,
    };
    expect(roundTrip('beta', sent)).toMatchObject(sent);
  });

  it('beta: a second update keeps what the first set', () => {
    const first = mergeSession(defaultSession('s', DEFAULTS), patchFrom('beta', { voice: 'ash', input_audio_format: 'g711_ulaw' }));
    const s = roundTrip('beta', { instructions: 'Later.' }, first);
    expect(s).toMatchObject({ voice: 'ash', input_audio_format: 'g711_ulaw', instructions: 'Later.' });
  });

  it('Voice Live: the SDK’s session.update (as captured) comes back with its fields', () => {
    const sent = {
      modalities: ['text', 'audio', 'animation'],
      voice: { type: 'azure-standard', name: 'en-US-AvaNeural' },
      input_audio_sampling_rate: 16000,
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16_16000hz',
      turn_detection: {
        type: 'azure_semantic_vad',
        remove_filler_words: true,
        auto_truncate: true,
        end_of_utterance_detection: { model: 'semantic_detection_v1', threshold_level: 'medium', timeout_ms: 1000 },
      },
      input_audio_noise_reduction: { type: 'azure_deep_noise_suppression' },
      input_audio_echo_cancellation: { type: 'server_echo_cancellation' },
      input_audio_transcription: { model: 'azure-speech', language: 'en-US', phrase_list: ['Parley'] },
      output_audio_timestamp_types: ['word'],
      animation: { outputs: ['blendshapes', 'viseme_id'] },
      tools: [lookup, { type: 'mcp', server_label: 'docs', server_url: 'http://127.0.0.1:1/mcp', allowed_tools: ['search'], require_approval: 'always' }],
      tool_choice: 'auto',
      temperature: 0.8,
      max_response_output_tokens: 'inf',
    };
    const s = roundTrip('voicelive', sent);
    expect(s).toMatchObject(sent);
    expect(s).not.toHaveProperty('type');
  });

  it('the same update sent in each dialect’s spelling gives the same canonical session', () => {
    const start = defaultSession('s', DEFAULTS);
    const ga = mergeSession(start, patchFrom('ga', { output_modalities: ['text'], audio: { input: { format: { type: 'audio/pcma' } }, output: { voice: 'ash' } }, max_output_tokens: 50 }));
    const beta = mergeSession(start, patchFrom('beta', { modalities: ['text'], input_audio_format: 'g711_alaw', voice: 'ash', max_response_output_tokens: 50 }));
    const vl = mergeSession(start, patchFrom('voicelive', { modalities: ['text'], input_audio_format: 'g711_alaw', voice: 'ash', max_response_output_tokens: 50 }));
    expect(beta).toEqual(ga);
    expect(vl).toEqual(ga);
  });
});
