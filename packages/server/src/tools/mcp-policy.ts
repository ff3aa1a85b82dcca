/**
 * The pure rules of an `mcp` tool's configuration: which of a server's tools are offered
 * (`allowed_tools`), which need the user's approval (`require_approval`), and the name each
 * tool is offered to the LLM under. Names are namespaced by server label, so an MCP tool can
 * never collide with a function tool or with a tool of the same name on another server.
 */
import { createHash } from 'node:crypto';
import type { McpTool, McpToolInfo } from '@parley/protocol';

/** Chat tool names: what OpenAI's chat API (and so every compatible server) accepts. */
const MAX_NAME = 64;
const PREFIX = 'mcp__';

function sanitize(text: string): string {
  return text.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/**
 * The name the LLM sees for tool `tool` of server `label`: `mcp__<label>__<tool>`, with every
 * character outside [a-zA-Z0-9_-] replaced by `_`; longer than 64 characters, it is cut and
 * ends with a hash of the full name, so it stays unique.
 */
export function mcpChatToolName(label: string, tool: string): string {
  const name = `${PREFIX}${sanitize(label)}__${sanitize(tool)}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(`${label}\u0000${tool}`).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_NAME - hash.length - 1)}_${hash}`;
}

/** `name`, or `name` with a numeric suffix that `taken` does not hold yet (still at most 64 characters). */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

type ToolFilter = string[] | { tool_names?: string[]; read_only?: boolean };

function readOnly(tool: McpToolInfo): boolean {
  return tool.annotations?.readOnlyHint === true;
}

/**
 * Whether `filter` selects `tool`: a list selects the tools it names; an object selects by
 * name when `tool_names` is given and, with `read_only: true`, only tools annotated read-only.
 */
function selects(filter: ToolFilter, tool: McpToolInfo): boolean {
  if (Array.isArray(filter)) return filter.includes(tool.name);
  if (filter.tool_names && !filter.tool_names.includes(tool.name)) return false;
  return filter.read_only !== true || readOnly(tool);
}

/** The tools of a server that `allowed_tools` lets through (all of them when it is absent). */
export function allowedTools(config: McpTool, tools: readonly McpToolInfo[]): McpToolInfo[] {
  const filter = config.allowed_tools;
  if (!filter) return [...tools];
  return tools.filter((tool) => selects(filter, tool));
}

/**
 * Whether calling `tool` needs the user's approval first. `require_approval` is `always` (the
 * default, as in Voice Live and the hosted OpenAI tool), `never`, or per tool:
 * `{never: …, always: …}`, each a list of names or `{tool_names, read_only}`. A tool that
 * `never` selects runs at once; every other tool asks.
 */
export function requiresApproval(config: McpTool, tool: McpToolInfo): boolean {
  const policy = config.require_approval ?? 'always';
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  if (policy.always && selects(policy.always, tool)) return true;
  if (policy.never && selects(policy.never, tool)) return false;
  return true;
}

/** Identifies a server connection: a tool whose identity changes is connected and listed anew. */
export function serverIdentity(config: McpTool): string {
  return JSON.stringify([
    config.server_label,
    config.server_url ?? null,
    config.connector_id ?? null,
    config.tunnel_id ?? null,
    config.authorization ?? null,
    Object.entries(config.headers ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    config.allowed_tools ?? null,
  ]);
}

/** The HTTP headers sent to the server: `headers`, plus `authorization` as a bearer token. */
export function serverHeaders(config: McpTool): Record<string, string> {
  const headers: Record<string, string> = { ...(config.headers ?? {}) };
  if (config.authorization) {
    headers.Authorization = /^(bearer|basic)\s/i.test(config.authorization) ? config.authorization : `Bearer ${config.authorization}`;
  }
  return headers;
}
