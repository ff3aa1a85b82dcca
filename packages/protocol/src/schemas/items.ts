/**
 * Items as clients send them (`conversation.item.create`, `response.create` input). Both
 * content spellings are accepted in every dialect — GA's `output_text` and beta/Voice Live's
 * `text` — and folded into the GA one by the codec; which parts a role may hold is checked here.
 */
import { z } from 'zod';

const readOnly = {
  object: z.literal('realtime.item').optional(),
  /** Statuses sent by clients have no effect (as in the hosted API). */
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
};

const itemId = z.string().min(1).max(256).optional();

export const inputTextPart = z.strictObject({ type: z.literal('input_text'), text: z.string() });
export const inputAudioPart = z.strictObject({
  type: z.literal('input_audio'),
  audio: z.string().nullable().optional(),
  transcript: z.string().nullable().optional(),
});
export const inputImagePart = z.strictObject({
  type: z.literal('input_image'),
  image_url: z.string().regex(/^data:image\/(png|jpeg);base64,/, 'image_url must be a PNG or JPEG data URI'),
  detail: z.enum(['auto', 'low', 'high']).optional(),
});
const outputTextPart = z.strictObject({ type: z.enum(['output_text', 'text']), text: z.string() });
const outputAudioPart = z.strictObject({
  type: z.enum(['output_audio', 'audio']),
  audio: z.string().nullable().optional(),
  transcript: z.string().nullable().optional(),
});

export const contentPartInput = z.discriminatedUnion('type', [
  inputTextPart,
  inputAudioPart,
  inputImagePart,
  outputTextPart,
  outputAudioPart,
]);

const ALLOWED_PARTS: Record<'user' | 'assistant' | 'system', readonly string[]> = {
  user: ['input_text', 'input_audio', 'input_image'],
  assistant: ['output_text', 'text'],
  system: ['input_text'],
};

export const messageItemInput = z
  .strictObject({
    type: z.literal('message'),
    id: itemId,
    ...readOnly,
    role: z.enum(['user', 'assistant', 'system']),
    content: z.array(contentPartInput),
  })
  .superRefine((item, ctx) => {
    item.content.forEach((part, index) => {
      if (ALLOWED_PARTS[item.role].includes(part.type)) return;
      const audio = item.role === 'assistant' && (part.type === 'output_audio' || part.type === 'audio');
      ctx.addIssue({
        code: 'custom',
        path: ['content', index, 'type'],
        message: audio
          ? 'Assistant audio messages cannot be created; send the words as an output_text part.'
          : `Invalid value: '${part.type}'. A ${item.role} message may hold: ${ALLOWED_PARTS[item.role].map((t) => `'${t}'`).join(', ')}.`,
      });
    });
  });

export const functionCallItemInput = z.strictObject({
  type: z.literal('function_call'),
  id: itemId,
  ...readOnly,
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

export const functionCallOutputItemInput = z.strictObject({
  type: z.literal('function_call_output'),
  id: itemId,
  ...readOnly,
  call_id: z.string().min(1),
  output: z.string(),
});

export const mcpApprovalResponseItemInput = z.strictObject({
  type: z.literal('mcp_approval_response'),
  id: itemId,
  ...readOnly,
  approval_request_id: z.string().min(1),
  approve: z.boolean(),
  reason: z.string().nullable().optional(),
});

export const itemInput = z.discriminatedUnion('type', [
  messageItemInput,
  functionCallItemInput,
  functionCallOutputItemInput,
  mcpApprovalResponseItemInput,
]);

export const itemReference = z.strictObject({ type: z.literal('item_reference'), id: z.string().min(1) });

export const responseInputItem = z.discriminatedUnion('type', [
  messageItemInput,
  functionCallItemInput,
  functionCallOutputItemInput,
  mcpApprovalResponseItemInput,
  itemReference,
]);

export type WireItemInput = z.infer<typeof itemInput>;
export type WireResponseInputItem = z.infer<typeof responseInputItem>;
