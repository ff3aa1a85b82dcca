/**
 * The session's history items: the conversation as the user experienced it, in the shapes
 * `@openai/agents-realtime` uses (camelCase, one item per thing said or done). A function call
 * carries its output once the output is sent; an MCP approval request carries the answer. Audio
 * bytes are not kept, only transcripts; tool listings and answers to approvals are not items.
 */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

interface HistoryItemBase {
  itemId: string;
  /** The item before this one in the server's conversation; `null`: first; absent: unknown. */
  previousItemId?: string | null;
}

export interface InputTextContent {
  type: 'input_text';
  text: string;
}
export interface InputAudioContent {
  type: 'input_audio';
  /** `null` until the server has transcribed the audio. */
  transcript: string | null;
}
export interface InputImageContent {
  type: 'input_image';
  image_url: string;
}
export interface OutputTextContent {
  type: 'output_text';
  text: string;
}
export interface OutputAudioContent {
  type: 'output_audio';
  /** What was said; after an interruption, only what the user heard. */
  transcript: string | null;
}

export interface RealtimeSystemMessageItem extends HistoryItemBase {
  type: 'message';
  role: 'system';
  content: InputTextContent[];
}

export interface RealtimeUserMessageItem extends HistoryItemBase {
  type: 'message';
  role: 'user';
  status: ItemStatus;
  content: (InputTextContent | InputAudioContent | InputImageContent)[];
}

export interface RealtimeAssistantMessageItem extends HistoryItemBase {
  type: 'message';
  role: 'assistant';
  status: ItemStatus;
  content: (OutputTextContent | OutputAudioContent)[];
}

export type RealtimeMessageItem = RealtimeSystemMessageItem | RealtimeUserMessageItem | RealtimeAssistantMessageItem;

export interface RealtimeToolCallItem extends HistoryItemBase {
  type: 'function_call';
  /** `in_progress` until its output is sent. */
  status: ItemStatus;
  callId: string;
  name: string;
  /** JSON text, as the model wrote it. */
  arguments: string;
  output: string | null;
}

export interface RealtimeMcpCallItem extends HistoryItemBase {
  type: 'mcp_call';
  status: ItemStatus;
  serverLabel: string;
  name: string;
  arguments: string;
  /** The tool's answer; `null` while running, and when the call failed (see `error`). */
  output: string | null;
  error: string | null;
}

export interface RealtimeMcpCallApprovalRequestItem extends HistoryItemBase {
  type: 'mcp_approval_request';
  serverLabel: string;
  name: string;
  arguments: Record<string, unknown>;
  /** The answer given; `null` while none has been. */
  approved: boolean | null;
}

export type RealtimeItem = RealtimeMessageItem | RealtimeToolCallItem | RealtimeMcpCallItem | RealtimeMcpCallApprovalRequestItem;
