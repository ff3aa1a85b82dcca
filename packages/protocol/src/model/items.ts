/**
 * Canonical conversation items: the GA item shapes. Assistant content is `output_text` /
 * `output_audio` here; the beta and Voice Live codecs rename them `text` / `audio`.
 */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface InputTextPart {
  type: 'input_text';
  text: string;
}
export interface InputAudioPart {
  type: 'input_audio';
  /** Base64 audio in the session's input format; omitted from events other than `retrieved`. */
  audio?: string | null;
  /** Always present (null until transcribed): agents-realtime crashes on a part without it. */
  transcript: string | null;
}
export interface InputImagePart {
  type: 'input_image';
  image_url: string;
  detail?: 'auto' | 'low' | 'high';
}
export interface OutputTextPart {
  type: 'output_text';
  text: string;
}
export interface OutputAudioPart {
  type: 'output_audio';
  audio?: string | null;
  transcript: string | null;
}

export type ContentPart = InputTextPart | InputAudioPart | InputImagePart | OutputTextPart | OutputAudioPart;

interface ItemBase {
  id: string;
  object: 'realtime.item';
  status: ItemStatus;
}

export interface MessageItem extends ItemBase {
  type: 'message';
  role: 'user' | 'assistant' | 'system';
  content: ContentPart[];
}

export interface FunctionCallItem extends ItemBase {
  type: 'function_call';
  call_id: string;
  name: string;
  /** JSON text, complete once the item is `completed`. */
  arguments: string;
}

export interface FunctionCallOutputItem extends ItemBase {
  type: 'function_call_output';
  call_id: string;
  output: string;
}

export interface McpToolInfo {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  annotations: Record<string, unknown> | null;
}

export interface McpListToolsItem extends ItemBase {
  type: 'mcp_list_tools';
  server_label: string;
  tools: McpToolInfo[];
}

export type McpCallError =
  | { type: 'protocol_error'; code: number; message: string }
  | { type: 'tool_execution_error'; message: string }
  | { type: 'http_error'; code: number; message: string };

export interface McpCallItem extends ItemBase {
  type: 'mcp_call';
  server_label: string;
  name: string;
  arguments: string;
  approval_request_id: string | null;
  /** Always present (null while running): agents-realtime crashes on an mcp_call without it. */
  output: string | null;
  error: McpCallError | null;
}

export interface McpApprovalRequestItem extends ItemBase {
  type: 'mcp_approval_request';
  server_label: string;
  name: string;
  arguments: string;
}

export interface McpApprovalResponseItem extends ItemBase {
  type: 'mcp_approval_response';
  approval_request_id: string;
  approve: boolean;
  reason: string | null;
}

export interface SearchResult {
  file_id?: string;
  filename?: string;
  score?: number;
  text?: string;
  attributes?: Record<string, unknown>;
}

/** A search call is `in_progress`, `searching`, then `completed` or `failed`. */
export type SearchCallStatus = 'in_progress' | 'searching' | 'completed' | 'failed';

export interface WebSearchCallItem extends Omit<ItemBase, 'status'> {
  type: 'web_search_call';
  status: SearchCallStatus;
}

export interface FileSearchCallItem extends Omit<ItemBase, 'status'> {
  type: 'file_search_call';
  status: SearchCallStatus;
  queries: string[];
  results: SearchResult[] | null;
}

export type Item =
  | MessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | McpListToolsItem
  | McpCallItem
  | McpApprovalRequestItem
  | McpApprovalResponseItem
  | WebSearchCallItem
  | FileSearchCallItem;

// ── Items as a client gives them (conversation.item.create, response.create input) ──

export type ContentPartInput = InputTextPart | { type: 'input_audio'; audio?: string | null; transcript?: string | null } | InputImagePart | OutputTextPart | { type: 'output_audio'; audio?: string | null; transcript?: string | null };

export type ItemInput =
  | { type: 'message'; id?: string; role: 'user' | 'assistant' | 'system'; content: ContentPartInput[] }
  | { type: 'function_call'; id?: string; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; id?: string; call_id: string; output: string }
  | { type: 'mcp_approval_response'; id?: string; approval_request_id: string; approve: boolean; reason?: string | null };

/** An entry of `response.create`'s `input`: a new item, or a reference to one in the conversation. */
export type ResponseInputItem = ItemInput | { type: 'item_reference'; id: string };
