/**
 * The language-model engine contract. An engine turns a chat context into a stream of text
 * deltas and tool calls. Every call takes an `AbortSignal`; aborting must stop the work and
 * release its resources (for an HTTP engine: close the request).
 *
 * Engines report failures by throwing a `ParleyError` with an `engine_*` code; the response
 * that asked then ends `failed` and the session carries on.
 */

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** OpenAI chat-completions message shape: the lingua franca of OpenAI-compatible servers. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface LlmTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
}

export type LlmToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface LlmRequest {
  messages: ChatMessage[];
  tools: LlmTool[];
  tool_choice: LlmToolChoice;
  /** Undefined means no limit beyond the model's own. */
  max_output_tokens?: number;
  temperature?: number;
  signal: AbortSignal;
  /**
   * Things the user should know beside the answer: a `warning` (an engine handing over to its
   * fallback) or an `error` that still gets a spoken answer (a model that is not installed).
   */
  onNotice?(notice: { code: string; message: string; level?: 'warning' | 'error' }): void;
}

export interface LlmUsage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens?: number;
}

export type LlmFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export type LlmEvent =
  | { type: 'text_delta'; delta: string }
  /** A tool call begins; its arguments follow as `tool_call_arguments` with the same index. */
  | { type: 'tool_call_start'; index: number; call_id: string; name: string }
  | { type: 'tool_call_arguments'; index: number; delta: string }
  /** Always the last event of a stream that did not throw. */
  | { type: 'finish'; reason: LlmFinishReason; usage?: LlmUsage };

export interface LlmCapabilities {
  /** Can the engine call tools? If not, tools are not offered to it. */
  tools: boolean;
  /** Can it read `image_url` parts? If not, images are described as omitted. */
  images: boolean;
}

export interface LlmEngine {
  /** Names the engine in logs and errors, e.g. `openai-compatible(http://127.0.0.1:11434/v1, llama3.2)`. */
  readonly label: string;
  readonly capabilities: LlmCapabilities;
  /** The model's context window in tokens, when the engine knows it (a loaded local model). */
  readonly contextTokens?: number;
  stream(request: LlmRequest): AsyncIterable<LlmEvent>;
}
