/** A conversation item of the wire (canonical shape) as a history item, when history keeps it as one. */
import type { ContentPart, Item, McpCallError } from '@parley/protocol';
import type {
  InputAudioContent,
  InputImageContent,
  InputTextContent,
  OutputAudioContent,
  OutputTextContent,
  RealtimeItem,
} from './items.js';

type UserContent = InputTextContent | InputAudioContent | InputImageContent;
type AssistantContent = OutputTextContent | OutputAudioContent;

function userContent(part: ContentPart): UserContent | undefined {
  if (part.type === 'input_text') return { type: 'input_text', text: part.text };
  if (part.type === 'input_audio') return { type: 'input_audio', transcript: part.transcript ?? null };
  if (part.type === 'input_image') return { type: 'input_image', image_url: part.image_url };
  return undefined;
}

function assistantContent(part: ContentPart): AssistantContent | undefined {
  if (part.type === 'output_text') return { type: 'output_text', text: part.text };
  if (part.type === 'output_audio') return { type: 'output_audio', transcript: part.transcript ?? null };
  return undefined;
}

const defined = <T>(value: T | undefined): value is T => value !== undefined;

export function describeMcpError(error: McpCallError | null): string | null {
  if (!error) return null;
  return 'code' in error ? `${error.type} ${error.code}: ${error.message}` : `${error.type}: ${error.message}`;
}

/** The arguments of an MCP approval request as an object (the wire has JSON text). */
export function parseArgumentsObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { raw: text };
  }
}

/**
 * `item` as history shows it; `undefined` for items history folds into others
 * (`function_call_output`, `mcp_approval_response`) or leaves out (tool listings, searches).
 */
export function toHistoryItem(item: Item, previousItemId?: string | null): RealtimeItem | undefined {
  const base = { itemId: item.id, ...(previousItemId !== undefined ? { previousItemId } : {}) };
  switch (item.type) {
    case 'message':
      if (item.role === 'system') {
        return { ...base, type: 'message', role: 'system', content: item.content.filter((p): p is InputTextContent => p.type === 'input_text').map((p) => ({ type: 'input_text', text: p.text })) };
      }
      if (item.role === 'user') return { ...base, type: 'message', role: 'user', status: item.status, content: item.content.map(userContent).filter(defined) };
      return { ...base, type: 'message', role: 'assistant', status: item.status, content: item.content.map(assistantContent).filter(defined) };
    case 'function_call':
      return { ...base, type: 'function_call', status: 'in_progress', callId: item.call_id, name: item.name, arguments: item.arguments, output: null };
    case 'mcp_call':
      return { ...base, type: 'mcp_call', status: item.status, serverLabel: item.server_label, name: item.name, arguments: item.arguments, output: item.output, error: describeMcpError(item.error) };
    case 'mcp_approval_request':
      return { ...base, type: 'mcp_approval_request', serverLabel: item.server_label, name: item.name, arguments: parseArgumentsObject(item.arguments), approved: null };
    default:
      return undefined;
  }
}
