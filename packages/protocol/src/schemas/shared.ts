/**
 * Wire schemas shared by every dialect, for what clients send. Client input is validated
 * strictly (`z.strictObject`): an unknown field is answered with `unknown_parameter`, as the
 * hosted services do, so a typo never passes silently.
 */
import { z } from 'zod';

export const eventId = z.string().max(512).optional();

/** Milliseconds: non-negative integers, as everywhere on the wire. */
export const ms = z.int().min(0);

export const metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, { message: 'at most 16 metadata pairs are allowed' });

// ── Audio formats ────────────────────────────────────────────────────────────

/** GA audio format object. PCM is 24 kHz in GA; 8 and 16 kHz are accepted as a Parley extension. */
export const gaAudioFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.union([z.literal(24000), z.literal(16000), z.literal(8000)]).optional() }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]);

export const betaAudioFormat = z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']);
export const voiceLiveOutputAudioFormat = z.enum(['pcm16', 'pcm16_8000hz', 'pcm16_16000hz', 'g711_ulaw', 'g711_alaw']);
export const voiceLiveSamplingRate = z.union([z.literal(8000), z.literal(16000), z.literal(24000)]);

// ── Voice ────────────────────────────────────────────────────────────────────

const azureVoiceTuning = {
  temperature: z.number().optional(),
  custom_lexicon_url: z.string().optional(),
  custom_text_normalization_url: z.string().optional(),
  prefer_locales: z.array(z.string()).optional(),
  locale: z.string().optional(),
  style: z.string().optional(),
  pitch: z.string().optional(),
  rate: z.string().optional(),
  volume: z.string().optional(),
};

/** Voice Live voice objects. OpenAI dialects send a bare string (GA also `{id}`). */
export const voiceLiveVoiceObject = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('openai'), name: z.string().min(1) }),
  z.strictObject({ type: z.literal('azure-standard'), name: z.string().min(1), ...azureVoiceTuning }),
  z.strictObject({ type: z.literal('azure-custom'), name: z.string().min(1), endpoint_id: z.string(), ...azureVoiceTuning }),
  z.strictObject({ type: z.literal('azure-personal'), name: z.string().min(1), model: z.string(), ...azureVoiceTuning }),
  z.strictObject({ type: z.literal('avatar-voice-sync'), model: z.string().optional(), name: z.string().optional(), ...azureVoiceTuning }),
  z.strictObject({ type: z.literal('azure-realtime-native'), name: z.string().min(1) }),
]);

export const gaVoice = z.union([z.string().min(1), z.strictObject({ id: z.string().min(1) })]);
export const voiceLiveVoice = z.union([z.string().min(1), voiceLiveVoiceObject]);

// ── Turn detection ───────────────────────────────────────────────────────────

export const endOfUtteranceDetection = z.strictObject({
  model: z.enum(['semantic_detection_v1', 'semantic_detection_v1_en', 'semantic_detection_v1_multilingual']),
  threshold_level: z.enum(['low', 'medium', 'high', 'default']).optional(),
  timeout_ms: ms.optional(),
});

const vadCommon = {
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
  /** Voice Live: truncate the interrupted assistant audio by itself, assuming real-time playback. */
  auto_truncate: z.boolean().optional(),
};

const energyVad = {
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: ms.optional(),
  silence_duration_ms: ms.optional(),
  speech_duration_ms: ms.optional(),
  end_of_utterance_detection: endOfUtteranceDetection.nullable().optional(),
};

export const serverVad = z.strictObject({
  type: z.literal('server_vad'),
  ...energyVad,
  ...vadCommon,
  idle_timeout_ms: ms.nullable().optional(),
});

export const semanticVad = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  ...vadCommon,
});

const azureSemantic = {
  ...energyVad,
  ...vadCommon,
  remove_filler_words: z.boolean().optional(),
};

export const azureSemanticVad = z.strictObject({
  type: z.literal('azure_semantic_vad'),
  ...azureSemantic,
  languages: z.array(z.string()).optional(),
});
export const azureSemanticVadEn = z.strictObject({ type: z.literal('azure_semantic_vad_en'), ...azureSemantic });
export const azureSemanticVadMultilingual = z.strictObject({
  type: z.literal('azure_semantic_vad_multilingual'),
  ...azureSemantic,
  languages: z.array(z.string()).optional(),
});

export const openAiTurnDetection = z.discriminatedUnion('type', [serverVad, semanticVad]);
export const turnDetection = z.discriminatedUnion('type', [
  serverVad,
  semanticVad,
  azureSemanticVad,
  azureSemanticVadEn,
  azureSemanticVadMultilingual,
]);

// ── Input audio processing ───────────────────────────────────────────────────

export const inputAudioTranscription = z.strictObject({
  model: z.string().optional(),
  language: z.string().optional(),
  languages: z.array(z.string()).optional(),
  prompt: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  delay: z.union([z.string(), z.number()]).optional(),
  /** Voice Live. */
  custom_speech: z.record(z.string(), z.unknown()).optional(),
  phrase_list: z.array(z.string()).optional(),
});

export const noiseReduction = z.strictObject({
  type: z.enum(['near_field', 'far_field', 'azure_deep_noise_suppression']),
  strength: z.number().min(0).max(1).optional(),
});

export const echoCancellation = z.strictObject({
  type: z.literal('server_echo_cancellation'),
  reference_source: z.enum(['server', 'client']).optional(),
  channels: z.union([z.literal(1), z.literal(2)]).optional(),
});

// ── Tools ────────────────────────────────────────────────────────────────────

export const functionTool = z.strictObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'function names are 1–64 letters, digits, _ or -'),
  description: z.string().max(4096).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const mcpToolFilter = z.union([
  z.array(z.string()),
  z.strictObject({ tool_names: z.array(z.string()).optional(), read_only: z.boolean().optional() }),
]);

export const mcpRequireApproval = z.union([
  z.enum(['always', 'never']),
  z.strictObject({
    always: z.union([z.array(z.string()), z.strictObject({ tool_names: z.array(z.string()).optional(), read_only: z.boolean().optional() })]).optional(),
    never: z.union([z.array(z.string()), z.strictObject({ tool_names: z.array(z.string()).optional(), read_only: z.boolean().optional() })]).optional(),
  }),
]);

export const mcpTool = z.strictObject({
  type: z.literal('mcp'),
  server_label: z.string().min(1),
  server_url: z.string().optional(),
  connector_id: z.string().optional(),
  tunnel_id: z.string().optional(),
  server_description: z.string().optional(),
  authorization: z.string().optional(),
  headers: z.record(z.string(), z.string()).nullable().optional(),
  allowed_tools: mcpToolFilter.nullable().optional(),
  require_approval: mcpRequireApproval.nullable().optional(),
  allowed_callers: z.array(z.string()).optional(),
  defer_loading: z.boolean().optional(),
});

export const tool = z.discriminatedUnion('type', [functionTool, mcpTool]);
/** The beta protocol has function tools only. */
export const betaTool = functionTool;

export const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string() }),
  z.strictObject({ type: z.literal('mcp'), server_label: z.string(), name: z.string().nullable().optional() }),
]);

export const maxOutputTokens = z.union([z.int().min(1), z.literal('inf')]);

// ── Misc session settings ────────────────────────────────────────────────────

export const tracing = z.union([
  z.literal('auto'),
  z.strictObject({
    workflow_name: z.string().optional(),
    group_id: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
]);

export const truncation = z.union([
  z.enum(['auto', 'disabled']),
  z.strictObject({
    type: z.literal('retention_ratio'),
    retention_ratio: z.number().min(0).max(1),
    token_limits: z.strictObject({ post_instructions: z.int().min(0).optional() }).optional(),
  }),
]);

export const prompt = z.strictObject({
  id: z.string(),
  version: z.string().nullable().optional(),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const reasoningEffort = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

export const includeOptions = z.array(
  z.enum(['item.input_audio_transcription.logprobs', 'item.input_audio_transcription.phrases', 'file_search_call.results']),
);

export const temperature = z.number().min(0).max(2);
export const speed = z.number().min(0.25).max(1.5);

export const animation = z.strictObject({
  model_name: z.string().optional(),
  outputs: z.array(z.enum(['blendshapes', 'viseme_id'])).optional(),
});

/** Voice Live avatar settings. Accepted so sessions configured for Azure keep working; Parley renders no avatar video. */
export const avatar = z.looseObject({
  type: z.enum(['video-avatar', 'photo-avatar']).optional(),
  character: z.string(),
  style: z.string().optional(),
  customized: z.boolean().optional(),
  model: z.string().optional(),
});

const interimTriggers = z.array(z.enum(['latency', 'tool'])).optional();

/** Voice Live interim responses; the docs spell the types with dashes, the SDK with underscores. */
export const interimResponse = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.enum(['static_interim_response', 'static-interim-response']),
    triggers: interimTriggers,
    latency_threshold_ms: ms.optional(),
    texts: z.array(z.string()).optional(),
  }),
  z.strictObject({
    type: z.enum(['llm_interim_response', 'llm-interim-response']),
    triggers: interimTriggers,
    latency_threshold_ms: ms.optional(),
    model: z.string().optional(),
    instructions: z.string().optional(),
    max_completion_tokens: z.int().min(1).optional(),
  }),
]);

export const outputTimestampTypes = z.array(z.literal('word'));

export type GaAudioFormat = z.infer<typeof gaAudioFormat>;
export type TurnDetectionInput = z.infer<typeof turnDetection>;
export type InputAudioTranscription = z.infer<typeof inputAudioTranscription>;
export type NoiseReduction = z.infer<typeof noiseReduction>;
export type EchoCancellation = z.infer<typeof echoCancellation>;
export type FunctionTool = z.infer<typeof functionTool>;
export type McpTool = z.infer<typeof mcpTool>;
export type Tool = z.infer<typeof tool>;
export type ToolChoice = z.infer<typeof toolChoice>;
export type Tracing = z.infer<typeof tracing>;
export type Truncation = z.infer<typeof truncation>;
export type Prompt = z.infer<typeof prompt>;
export type Animation = z.infer<typeof animation>;
export type Avatar = z.infer<typeof avatar>;
export type InterimResponse = z.infer<typeof interimResponse>;
export type VoiceLiveVoiceObject = z.infer<typeof voiceLiveVoiceObject>;
