/**
 * The connect form's values as a GA `session.update`: audio in and out as 24 kHz PCM16, the
 * user's speech transcribed, and visemes for the face.
 */

export const AUDIO_RATE = 24000;

/** @typedef {{ type: string, threshold?: number, prefix_padding_ms?: number, silence_duration_ms?: number, idle_timeout_ms?: number | null, eagerness?: string, interrupt_response?: boolean }} TurnDetectionSettings */

/** `settings.turnDetection.type` 'none' means the user ends each turn with a button. */
export function turnDetectionFor(td) {
  if (!td || td.type === 'none') return null;
  const common = { type: td.type, create_response: true, interrupt_response: td.interrupt_response ?? true };
  if (td.type === 'semantic_vad') return { ...common, eagerness: td.eagerness ?? 'auto' };
  const energy = {
    ...common,
    threshold: td.threshold,
    prefix_padding_ms: td.prefix_padding_ms,
    silence_duration_ms: td.silence_duration_ms,
  };
  if (td.type === 'server_vad') return { ...energy, idle_timeout_ms: td.idle_timeout_ms ?? null };
  return energy;
}

/**
 * @param {{ instructions?: string, voice?: string, turnDetection: TurnDetectionSettings, tools?: object[] }} settings
 */
export function sessionUpdate(settings) {
  const pcm = { type: 'audio/pcm', rate: AUDIO_RATE };
  const session = {
    type: 'realtime',
    output_modalities: ['audio'],
    audio: {
      input: { format: pcm, transcription: {}, turn_detection: turnDetectionFor(settings.turnDetection) },
      output: { format: pcm, ...(settings.voice ? { voice: settings.voice } : {}) },
    },
    animation: { outputs: ['viseme_id'] },
    tools: settings.tools ?? [],
  };
  if (settings.instructions?.trim()) session.instructions = settings.instructions;
  return { type: 'session.update', session };
}

/** The tools textarea: empty, or a JSON array of tool objects. Throws a message fit to show. */
export function parseTools(text) {
  if (!text.trim()) return [];
  let tools;
  try {
    tools = JSON.parse(text);
  } catch (error) {
    throw new Error(`Tools are not valid JSON: ${error.message}`);
  }
  if (!Array.isArray(tools)) throw new Error('Tools must be a JSON array, e.g. [{"type": "function", "name": "get_weather", …}].');
  const bad = tools.findIndex((t) => typeof t !== 'object' || t === null || typeof t.type !== 'string');
  if (bad >= 0) throw new Error(`Tool ${bad} needs a "type" ("function" or "mcp").`);
  return tools;
}
