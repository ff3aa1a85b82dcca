/** `response.create`'s `response` object as each dialect writes it. */
import { z } from 'zod';
import { messageItemInput, responseInputItem } from './items.js';
import {
  animation,
  betaAudioFormat,
  betaTool,
  gaAudioFormat,
  gaVoice,
  interimResponse,
  maxOutputTokens,
  metadata,
  prompt,
  reasoningEffort,
  temperature,
  tool,
  toolChoice,
  voiceLiveOutputAudioFormat,
  voiceLiveVoice,
} from './shared.js';

/** `auto`, `none`, or a conversation id. */
const conversation = z.string().min(1);

export const gaResponseParams = z.strictObject({
  output_modalities: z.array(z.enum(['audio', 'text'])).min(1).optional(),
  instructions: z.string().optional(),
  audio: z
    .strictObject({
      output: z.strictObject({ format: gaAudioFormat.optional(), voice: gaVoice.optional() }).optional(),
    })
    .optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  max_output_tokens: maxOutputTokens.optional(),
  metadata: metadata.nullable().optional(),
  conversation: conversation.optional(),
  input: z.array(responseInputItem).optional(),
  prompt: prompt.nullable().optional(),
  reasoning: z.strictObject({ effort: reasoningEffort.nullable().optional() }).nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
  /** Parley extension: GA has no temperature. */
  temperature: temperature.optional(),
});

export const betaResponseParams = z.strictObject({
  modalities: z.array(z.enum(['text', 'audio'])).min(1).optional(),
  instructions: z.string().optional(),
  voice: z.string().min(1).optional(),
  output_audio_format: betaAudioFormat.optional(),
  tools: z.array(betaTool).optional(),
  tool_choice: toolChoice.optional(),
  temperature: temperature.optional(),
  max_response_output_tokens: maxOutputTokens.optional(),
  metadata: metadata.nullable().optional(),
  conversation: conversation.optional(),
  input: z.array(responseInputItem).optional(),
});

export const voiceLiveResponseParams = z.strictObject({
  commit: z.boolean().optional(),
  cancel_previous: z.boolean().optional(),
  append_input_items: z.array(responseInputItem).optional(),
  input_items: z.array(responseInputItem).optional(),
  modalities: z.array(z.enum(['text', 'audio', 'animation', 'avatar'])).min(1).optional(),
  instructions: z.string().optional(),
  voice: voiceLiveVoice.optional(),
  output_audio_format: voiceLiveOutputAudioFormat.optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  temperature: temperature.optional(),
  /** The SDK's spelling. */
  max_output_tokens: maxOutputTokens.optional(),
  /** The docs' spelling. */
  max_response_output_tokens: maxOutputTokens.optional(),
  pre_generated_assistant_message: messageItemInput.optional(),
  reasoning_effort: reasoningEffort.optional(),
  metadata: metadata.nullable().optional(),
  interim_response: interimResponse.nullable().optional(),
  'interim-response': interimResponse.nullable().optional(),
  invoke_input: z.record(z.string(), z.unknown()).optional(),
  conversation: conversation.optional(),
  animation: animation.optional(),
});

export type GaResponseParams = z.infer<typeof gaResponseParams>;
export type BetaResponseParams = z.infer<typeof betaResponseParams>;
export type VoiceLiveResponseParams = z.infer<typeof voiceLiveResponseParams>;
