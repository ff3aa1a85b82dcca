/**
 * The MCP tools the server has listed (`mcp_list_tools` items), per server, and which of them
 * the current agent can use: those of its own MCP servers.
 */
import type { McpToolInfo } from '@parley/protocol';
import type { RealtimeMcpToolInfo } from './mcp-server.js';

export class McpToolListings {
  readonly #byServer = new Map<string, RealtimeMcpToolInfo[]>();
  #reported = '[]';

  listed(serverLabel: string, tools: readonly McpToolInfo[]): void {
    this.#byServer.set(
      serverLabel,
      tools.map((tool) => ({ ...tool, server_label: serverLabel })),
    );
  }

  available(serverLabels: readonly string[]): RealtimeMcpToolInfo[] {
    return serverLabels.flatMap((label) => this.#byServer.get(label) ?? []);
  }

  /** The tools available to `serverLabels`, when they differ from those reported last. */
  changed(serverLabels: readonly string[]): RealtimeMcpToolInfo[] | undefined {
    const tools = this.available(serverLabels);
    const key = JSON.stringify(tools.map((tool) => [tool.server_label, tool.name]));
    if (key === this.#reported) return undefined;
    this.#reported = key;
    return tools;
  }

  clear(): void {
    this.#byServer.clear();
    this.#reported = '[]';
  }
}
