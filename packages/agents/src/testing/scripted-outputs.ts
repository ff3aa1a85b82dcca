/**
 * What a scripted model says or does in one response, and the items each output becomes.
 * Pieces of text stream as separate deltas; audio is split evenly across the transcript's pieces.
 */
import { newId, type ContentPartInput, type Item, type ItemInput, type McpCallItem } from '@parley/protocol';

export type ScriptedOutput =
  /** An assistant message as text, streamed piece by piece. */
  | { type: 'text'; text: string | string[] }
  /** An assistant message spoken: PCM16 audio (default: 100 ms of silence per piece) with its transcript. */
  | { type: 'audio'; transcript: string | string[]; audio?: Uint8Array }
  /** A function call; `arguments` is sent as given if a string, else as JSON. */
  | { type: 'function_call'; name: string; arguments?: unknown; callId?: string }
  /** An MCP call waiting for the user's approval. */
  | { type: 'mcp_approval_request'; serverLabel: string; name: string; arguments?: unknown }
  /** An MCP call the server ran: its `output`, or `error`. */
  | { type: 'mcp_call'; serverLabel: string; name: string; arguments?: unknown; output?: string; error?: string; approvalRequestId?: string };

export const pieces = (text: string | string[]): string[] => (typeof text === 'string' ? [text] : text);

export const argumentsText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? {}));

/** 24 kHz PCM16: 4800 bytes per 100 ms. */
const SILENCE_PER_PIECE = new Uint8Array(4800);

/** The audio of an `audio` output, one chunk per transcript piece. */
export function audioChunks(output: Extract<ScriptedOutput, { type: 'audio' }>): Uint8Array[] {
  const count = pieces(output.transcript).length;
  if (!output.audio) return Array.from({ length: count }, () => SILENCE_PER_PIECE);
  const size = Math.ceil(output.audio.length / count / 2) * 2;
  return Array.from({ length: count }, (_, i) => output.audio!.subarray(i * size, (i + 1) * size));
}

/** The output's item as it opens: empty content, arguments to come. */
export function openItem(output: ScriptedOutput): Item {
  const base = { id: newId('item'), object: 'realtime.item' as const, status: 'in_progress' as const };
  switch (output.type) {
    case 'text':
    case 'audio':
      return { ...base, type: 'message', role: 'assistant', content: [] };
    case 'function_call':
      return { ...base, type: 'function_call', call_id: output.callId ?? newId('call'), name: output.name, arguments: '' };
    case 'mcp_approval_request':
      return { ...base, type: 'mcp_approval_request', server_label: output.serverLabel, name: output.name, arguments: argumentsText(output.arguments) };
    case 'mcp_call': {
      const call: McpCallItem = {
        ...base,
        type: 'mcp_call',
        server_label: output.serverLabel,
        name: output.name,
        arguments: argumentsText(output.arguments),
        approval_request_id: output.approvalRequestId ?? null,
        output: null,
        error: null,
      };
      return call;
    }
  }
}

function contentPart(part: ContentPartInput): Extract<Item, { type: 'message' }>['content'][number] {
  if (part.type === 'input_audio') return { type: 'input_audio', transcript: part.transcript ?? null };
  if (part.type === 'output_audio') return { type: 'output_audio', transcript: part.transcript ?? null };
  return part;
}

/** An item a client created, as a server keeps it. */
export function itemFromInput(input: ItemInput): Item {
  const base = { id: input.id ?? newId('item'), object: 'realtime.item' as const, status: 'completed' as const };
  switch (input.type) {
    case 'message':
      return { ...base, type: 'message', role: input.role, content: input.content.map(contentPart) };
    case 'function_call':
      return { ...base, type: 'function_call', call_id: input.call_id, name: input.name, arguments: input.arguments };
    case 'function_call_output':
      return { ...base, type: 'function_call_output', call_id: input.call_id, output: input.output };
    case 'mcp_approval_response':
      return { ...base, type: 'mcp_approval_response', approval_request_id: input.approval_request_id, approve: input.approve, reason: input.reason ?? null };
  }
}
