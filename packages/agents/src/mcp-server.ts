/**
 * MCP servers of an agent. The Parley server (or OpenAI, or Voice Live) connects to them and
 * runs their tools; the agent only names them, as `mcp` tools of its session.
 */
import type { McpTool } from '@parley/protocol';

export interface McpServerConfig {
  /** The server's name in the session; tool calls and approvals carry it. */
  serverLabel: string;
  serverUrl: string;
  serverDescription?: string;
  /** Only these tools (or only read-only ones); default: all. */
  allowedTools?: string[] | { toolNames?: string[]; readOnly?: boolean };
  /** Which calls wait for `session.approve()`: `always` (default), `never`, or per tool. */
  requireApproval?: 'always' | 'never' | { always?: string[]; never?: string[] };
  /** Sent with every request to the MCP server. */
  headers?: Record<string, string>;
  /** An OAuth access token for the MCP server. */
  authorization?: string;
}

/** A tool of an MCP server, as its listing gave it. */
export interface RealtimeMcpToolInfo {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  /** The server it belongs to. */
  server_label: string;
  [key: string]: unknown;
}

function allowedTools(allowed: NonNullable<McpServerConfig['allowedTools']>): NonNullable<McpTool['allowed_tools']> {
  if (Array.isArray(allowed)) return allowed;
  return {
    ...(allowed.toolNames ? { tool_names: allowed.toolNames } : {}),
    ...(allowed.readOnly !== undefined ? { read_only: allowed.readOnly } : {}),
  };
}

/** The `mcp` tool of the session config that names `server`. */
export function mcpToolConfig(server: McpServerConfig): McpTool {
  const approval = server.requireApproval ?? 'always';
  return {
    type: 'mcp',
    server_label: server.serverLabel,
    server_url: server.serverUrl,
    ...(server.serverDescription !== undefined ? { server_description: server.serverDescription } : {}),
    ...(server.allowedTools ? { allowed_tools: allowedTools(server.allowedTools) } : {}),
    require_approval: typeof approval === 'string' ? approval : { ...(approval.always ? { always: approval.always } : {}), ...(approval.never ? { never: approval.never } : {}) },
    ...(server.headers ? { headers: server.headers } : {}),
    ...(server.authorization !== undefined ? { authorization: server.authorization } : {}),
  };
}
