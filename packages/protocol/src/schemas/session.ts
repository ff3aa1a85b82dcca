/** `session.update` payloads as each dialect writes them: GA nested, beta and Voice Live flat. */
import { z } from 'zod';
import {
  animation,
  avatar,
  betaAudioFormat,
  betaTool,
  echoCancellation,
  gaAudioFormat,
  gaVoice,
  includeOptions,
  inputAudioTranscription,
  interimResponse,
  maxOutputTokens,
  metadata,
  noiseReduction,
  outputTimestampTypes,
  prompt,
  reasoningEffort,
  speed,
  temperature,
  tool,
  toolChoice,
  tracing,
  truncation,
  turnDetection,
  voiceLiveOutputAudioFormat,
  voiceLiveSamplingRate,
  voiceLiveVoice,
} from './shared.js';

/** Fields of the session object that clients sometimes send back; accepted and ignored. */
const echoedReadOnly = {
  id: z.string().optional(),
  object: z.literal('realtime.session').optional(),
  expires_at: z.number().optional(),
  client_secret: z.unknown().optional(),
};

export const gaSessionUpdate = z.strictObject({
  type: z.enum(['realtime', 'transcription']).optional(),
  model: z.string().optional(),
  instructions: z.string().optional(),
  output_modalities: z.array(z.enum(['audio', 'text'])).min(1).optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: gaAudioFormat.optional(),
          noise_reduction: noiseReduction.nullable().optional(),
          transcription: inputAudioTranscription.nullable().optional(),
          turn_detection: turnDetection.nullable().optional(),
          /** Parley extension (Voice Live's `input_audio_echo_cancellation`). */
          echo_cancellation: echoCancellation.nullable().optional(),
        })
        .optional(),
      output: z
        .strictObject({ format: gaAudioFormat.optional(), voice: gaVoice.optional(), speed: speed.optional() })
        .optional(),
    })
    .optional(),
  include: includeOptions.nullable().optional(),
  max_output_tokens: maxOutputTokens.optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  tracing: tracing.nullable().optional(),
  truncation: truncation.optional(),
  prompt: prompt.nullable().optional(),
  reasoning: z.strictObject({ effort: reasoningEffort.nullable().optional() }).nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
  // Voice Live extensions, accepted in GA so Parley's own SDK can ask for them.
  temperature: temperature.optional(),
  output_audio_timestamp_types: outputTimestampTypes.optional(),
  animation: animation.optional(),
  interim_response: interimResponse.nullable().optional(),
  metadata: metadata.nullable().optional(),
  ...echoedReadOnly,
});

export const betaSessionUpdate = z.strictObject({
  model: z.string().optional(),
  modalities: z.array(z.enum(['text', 'audio'])).min(1).optional(),
  instructions: z.string().optional(),
  voice: z.string().min(1).optional(),
  input_audio_format: betaAudioFormat.optional(),
  output_audio_format: betaAudioFormat.optional(),
  input_audio_transcription: inputAudioTranscription.nullable().optional(),
  input_audio_noise_reduction: noiseReduction.nullable().optional(),
  turn_detection: turnDetection.nullable().optional(),
  tools: z.array(betaTool).optional(),
  tool_choice: toolChoice.optional(),
  temperature: temperature.optional(),
  max_response_output_tokens: maxOutputTokens.optional(),
  speed: speed.optional(),
  tracing: tracing.nullable().optional(),
  include: includeOptions.nullable().optional(),
  ...echoedReadOnly,
});

export const betaTranscriptionSessionUpdate = z.strictObject({
  input_audio_format: betaAudioFormat.optional(),
  input_audio_transcription: inputAudioTranscription.nullable().optional(),
  input_audio_noise_reduction: noiseReduction.nullable().optional(),
  turn_detection: turnDetection.nullable().optional(),
  include: includeOptions.nullable().optional(),
  ...echoedReadOnly,
});

export const voiceLiveSessionUpdate = z.strictObject({
  model: z.string().optional(),
  modalities: z.array(z.enum(['text', 'audio', 'animation', 'avatar'])).min(1).optional(),
  animation: animation.optional(),
  voice: voiceLiveVoice.optional(),
  instructions: z.string().optional(),
  input_audio_sampling_rate: voiceLiveSamplingRate.optional(),
  input_audio_format: betaAudioFormat.optional(),
  output_audio_format: voiceLiveOutputAudioFormat.optional(),
  turn_detection: turnDetection.nullable().optional(),
  input_audio_noise_reduction: noiseReduction.nullable().optional(),
  input_audio_echo_cancellation: echoCancellation.nullable().optional(),
  avatar: avatar.nullable().optional(),
  input_audio_transcription: inputAudioTranscription.nullable().optional(),
  output_audio_timestamp_types: outputTimestampTypes.optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  temperature: temperature.optional(),
  max_response_output_tokens: maxOutputTokens.optional(),
  reasoning_effort: reasoningEffort.optional(),
  interim_response: interimResponse.nullable().optional(),
  /** The Voice Live docs' spelling. */
  'interim-response': interimResponse.nullable().optional(),
  include: includeOptions.nullable().optional(),
  metadata: metadata.nullable().optional(),
  speed: speed.optional(),
  agent: z.unknown().optional(),
  ...echoedReadOnly,
});

export type GaSessionUpdate = z.infer<typeof gaSessionUpdate>;
export type BetaSessionUpdate = z.infer<typeof betaSessionUpdate>;
export type BetaTranscriptionSessionUpdate = z.infer<typeof betaTranscriptionSessionUpdate>;
export type VoiceLiveSessionUpdate = z.infer<typeof voiceLiveSessionUpdate>;
