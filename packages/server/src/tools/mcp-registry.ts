/**
 * The MCP servers of one session. A server is connected and its tools listed as soon as a
 * session (or a response) gets its `mcp` tool; the listing is an `mcp_list_tools`
 * conversation item, announced with `mcp_list_tools.in_progress` and ended with `.completed`
 * or `.failed`. Responses then get a toolset: the servers' tools, namespaced for the LLM,
 * each mapped back to its server and told whether a call needs the user's approval.
 *
 * Connections stay open for the session and are re-opened when they drop. Nothing here
 * throws into the session: an unreachable server is a failed listing or a failed call.
 */
import { newId, ParleyError, type Item, type McpListToolsItem, type McpTool, type McpToolInfo, type ServerEventInit, type Tool } from '@parley/protocol';
import type { LlmTool } from '../engines/llm/index.js';
import type { Logger } from '../logger.js';
import { McpConnection, McpFailure, toMcpError, type McpCallResult } from './mcp-client.js';
import { allowedTools, mcpChatToolName, requiresApproval, serverHeaders, serverIdentity, uniqueName } from './mcp-policy.js';

export const DEFAULT_MCP_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_MCP_CALL_TIMEOUT_MS = 60_000;

export interface McpSettings {
  /** Connecting, the initialize handshake and listing the tools, each; default 10 s. */
  connectTimeoutMs?: number;
  /** One tool call; default 60 s. */
  callTimeoutMs?: number;
  /** URL prefixes a server's URL must start with; absent, any URL is allowed. */
  allowedUrls?: readonly string[] | null;
}

type McpTimeouts = Required<Pick<McpSettings, 'connectTimeoutMs' | 'callTimeoutMs'>>;

export interface McpRegistryDeps {
  emit(event: ServerEventInit): void;
  /** Adds a finished listing item to the conversation (and announces it). */
  addItem(item: Item): void;
  logger: Logger;
  settings?: McpSettings;
}

/** One tool as a response offers it. */
export interface McpToolRef {
  /** The name the LLM sees. */
  llmName: string;
  server: McpServer;
  tool: McpToolInfo;
  /** Whether a call waits for the user's `mcp_approval_response`. */
  needsApproval: boolean;
}

/** The MCP tools of one response. */
export interface McpToolset {
  llmTools: LlmTool[];
  /** The tool behind an LLM tool name; undefined for function tools. */
  resolve(llmName: string): McpToolRef | undefined;
  /** The tool `name` of server `label`, if this response offers it. */
  find(label: string, name: string): McpToolRef | undefined;
}

export const EMPTY_TOOLSET: McpToolset = { llmTools: [], resolve: () => undefined, find: () => undefined };

/** One configured server: its listing, its tools and its connection. */
export class McpServer {
  readonly label: string;
  readonly identity: string;
  readonly listItem: McpListToolsItem;
  /** The tools `allowed_tools` lets through, once listed. */
  tools: McpToolInfo[] = [];
  state: 'listing' | 'ready' | 'failed' = 'listing';
  /** Settles (never rejects) when the listing has completed or failed. */
  ready: Promise<void> = Promise.resolve();
  readonly #config: McpTool;
  readonly #settings: McpTimeouts;
  readonly #logger: Logger;
  #connection: Promise<McpConnection> | null = null;
  #closed = false;

  constructor(config: McpTool, settings: McpTimeouts, logger: Logger) {
    this.#config = config;
    this.#settings = settings;
    this.#logger = logger;
    this.label = config.server_label;
    this.identity = serverIdentity(config);
    this.listItem = { id: newId('item'), object: 'realtime.item', type: 'mcp_list_tools', status: 'in_progress', server_label: this.label, tools: [] };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** An open connection: the one from the listing, or a new one if it dropped. */
  async connection(): Promise<McpConnection> {
    for (;;) {
      if (this.#closed) throw new McpFailure({ type: 'protocol_error', code: -32000, message: `MCP server '${this.label}' is no longer configured.` });
      const pending = this.#connection;
      if (!pending) break;
      const current = await pending.catch(() => null);
      if (current && !current.closed) return current;
      if (this.#connection === pending) break; // dropped or failed: connect again (unless another call already does)
    }
    const url = this.#config.server_url;
    if (!url) {
      const via = this.#config.connector_id ? `connector_id '${this.#config.connector_id}'` : this.#config.tunnel_id ? `tunnel_id '${this.#config.tunnel_id}'` : 'no server_url';
      throw new McpFailure({
        type: 'protocol_error',
        code: -32602,
        message: `MCP server '${this.label}' has ${via}: Parley connects to MCP servers by server_url only (OpenAI connectors and tunnels are not available here).`,
      });
    }
    const connecting = McpConnection.connect({ label: this.label, url, headers: serverHeaders(this.#config) }, this.#settings.connectTimeoutMs);
    this.#connection = connecting;
    const connection = await connecting;
    if (this.#closed) {
      await connection.close();
      throw new McpFailure({ type: 'protocol_error', code: -32000, message: `MCP server '${this.label}' is no longer configured.` });
    }
    return connection;
  }

  /** Connects and lists the tools. */
  async list(): Promise<McpToolInfo[]> {
    const connection = await this.connection();
    return allowedTools(this.#config, await connection.listTools(this.#settings.connectTimeoutMs));
  }

  /** Calls `tool` with the JSON `args` the LLM wrote. Never throws. */
  async call(tool: string, args: string, signal?: AbortSignal): Promise<McpCallResult> {
    let parsed: unknown;
    try {
      parsed = args.trim() ? JSON.parse(args) : {};
    } catch (err) {
      return { ok: false, error: { type: 'tool_execution_error', message: `The arguments for MCP tool '${tool}' are not valid JSON (${(err as Error).message}): ${args}` } };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, error: { type: 'tool_execution_error', message: `The arguments for MCP tool '${tool}' must be a JSON object, got: ${args}` } };
    }
    for (let attempt = 1; ; attempt++) {
      let connection: McpConnection;
      try {
        connection = await this.connection();
      } catch (err) {
        return { ok: false, error: toMcpError(err, `Could not reach MCP server '${this.label}'`) };
      }
      const started = performance.now();
      const result = await connection.callTool(tool, parsed as Record<string, unknown>, { timeoutMs: this.#settings.callTimeoutMs, signal });
      this.#logger.info('MCP tool called', {
        server_label: this.label,
        tool,
        ms: Math.round(performance.now() - started),
        ...(result.ok ? {} : { error: result.error.message }),
      });
      // 404 to a request in a session: the server forgot the session (it restarted) and did not run
      // the call. The MCP spec says to start a new session; the call is then safe to send again.
      if (result.ok || attempt > 1 || result.error.type !== 'http_error' || result.error.code !== 404 || signal?.aborted) return result;
      await connection.close();
    }
  }

  close(): void {
    this.#closed = true;
    void this.#connection?.then((c) => c.close()).catch(() => undefined);
  }
}

export class McpRegistry {
  readonly #deps: McpRegistryDeps;
  readonly #settings: McpTimeouts;
  readonly #allowedUrls: readonly string[] | null;
  readonly #servers = new Map<string, McpServer>();
  #closed = false;

  constructor(deps: McpRegistryDeps) {
    this.#deps = deps;
    this.#settings = {
      connectTimeoutMs: deps.settings?.connectTimeoutMs ?? DEFAULT_MCP_CONNECT_TIMEOUT_MS,
      callTimeoutMs: deps.settings?.callTimeoutMs ?? DEFAULT_MCP_CALL_TIMEOUT_MS,
    };
    this.#allowedUrls = deps.settings?.allowedUrls ?? null;
  }

  /**
   * Refuses an `mcp` tool whose server is not on the server's allow-list (`mcp.allowed_urls`):
   * a client must not make the server connect wherever it likes. `param` is where the tools are.
   */
  checkAllowed(tools: readonly Tool[], param: string): void {
    const allowed = this.#allowedUrls;
    if (!allowed) return;
    tools.forEach((tool, index) => {
      if (tool.type !== 'mcp' || allowed.some((prefix) => (tool.server_url ?? '').startsWith(prefix))) return;
      throw new ParleyError('invalid_value', `MCP server URL '${tool.server_url ?? ''}' is not allowed on this server; allowed are URLs starting with ${allowed.map((p) => `'${p}'`).join(', ')}.`, {
        param: `${param}[${index}].server_url`,
      });
    });
  }

  /**
   * Starts listing every `mcp` tool of `tools` that is new, or whose server, credentials or
   * `allowed_tools` changed; with `retryFailed`, also those whose last listing failed (a
   * `session.update` naming the tool again is the client's way to retry). Servers listed are kept.
   */
  ensure(tools: readonly Tool[], options: { retryFailed?: boolean } = {}): void {
    if (this.#closed) return;
    for (const tool of tools) {
      if (tool.type !== 'mcp') continue;
      const existing = this.#servers.get(tool.server_label);
      if (existing && existing.identity === serverIdentity(tool) && !(options.retryFailed && existing.state === 'failed')) continue;
      existing?.close();
      const server = new McpServer(tool, this.#settings, this.#deps.logger);
      this.#servers.set(tool.server_label, server);
      this.#startListing(server);
    }
  }

  #startListing(server: McpServer): void {
    const item = server.listItem;
    this.#deps.emit({ type: 'mcp_list_tools.in_progress', item_id: item.id });
    server.ready = (async () => {
      try {
        const tools = await server.list();
        server.tools = tools;
        server.state = 'ready';
        item.tools = tools.map((tool) => ({ ...tool }));
        item.status = 'completed';
        this.#deps.addItem(item);
        this.#deps.emit({ type: 'mcp_list_tools.completed', item_id: item.id });
        this.#deps.logger.info('MCP server listed', { server_label: server.label, tools: tools.map((t) => t.name) });
      } catch (err) {
        const error = toMcpError(err, `MCP server '${server.label}' could not be listed`);
        server.state = 'failed';
        item.status = 'incomplete';
        this.#deps.addItem(item);
        this.#deps.emit({ type: 'mcp_list_tools.failed', item_id: item.id });
        // A listing cut short because the tool was replaced (or the session closed) is no error.
        if (server.closed) return;
        this.#deps.emit({ type: 'error', error: new ParleyError('mcp_server_error', error.message, { param: null }).toWire(null) });
        this.#deps.logger.warn('MCP server listing failed', { server_label: server.label, error: error.message });
      }
    })();
  }

  /** A listing item still in progress (not yet in the conversation), so `conversation.item.retrieve` can find it. */
  pendingItem(id: string): McpListToolsItem | undefined {
    for (const server of this.#servers.values()) if (server.state === 'listing' && server.listItem.id === id) return server.listItem;
    return undefined;
  }

  /**
   * The toolset of a response whose tools include `configs`: it waits for their listings, then
   * names each tool for the LLM, clear of `reserved` names (the response's function tools).
   */
  async toolset(configs: readonly McpTool[], reserved: Iterable<string>): Promise<McpToolset> {
    if (configs.length === 0) return EMPTY_TOOLSET;
    const taken = new Set(reserved);
    const byName = new Map<string, McpToolRef>();
    const byTool = new Map<string, McpToolRef>();
    const llmTools: LlmTool[] = [];
    for (const config of configs) {
      const server = this.#servers.get(config.server_label);
      if (!server) continue;
      await server.ready;
      for (const tool of server.tools) {
        const llmName = uniqueName(mcpChatToolName(server.label, tool.name), taken);
        taken.add(llmName);
        const ref: McpToolRef = { llmName, server, tool, needsApproval: requiresApproval(config, tool) };
        byName.set(llmName, ref);
        byTool.set(JSON.stringify([server.label, tool.name]), ref);
        const description = config.server_description ? `${tool.description}\n(From ${config.server_description})` : tool.description;
        llmTools.push({ name: llmName, description: description || undefined, parameters: tool.input_schema });
      }
    }
    return {
      llmTools,
      resolve: (llmName) => byName.get(llmName),
      find: (label, name) => byTool.get(JSON.stringify([label, name])),
    };
  }

  close(): void {
    this.#closed = true;
    for (const server of this.#servers.values()) server.close();
    this.#servers.clear();
  }
}
