/**
 * A realtime server in memory that plays the model from a script: test agents offline, with
 * no network and no model. Built on `@parley/client`'s in-memory server, so what the session
 * sends is decoded by Parley's own strict decoder, as a real Parley would.
 *
 * @example
 * const server = new ScriptedRealtimeServer();
 * server.enqueue(
 *   [{ type: 'function_call', name: 'get_weather', arguments: { city: 'Paris' } }],
 *   [{ type: 'text', text: ['It is ', 'sunny.'] }],
 * );
 * const session = new RealtimeSession(agent);
 * await session.connect(server.connectOptions());
 * session.sendMessage('Weather in Paris?');
 * await server.responsesEnded(2);
 */
import { InMemoryRealtimeServer, type RealtimeClientOptions } from '@parley/client';
import type { Dialect, ResponseObject } from '@parley/protocol';
import { ScriptedConnection, type ScriptedRequest, type ScriptHost } from './scripted-connection.js';
import type { ScriptedOutput } from './scripted-outputs.js';

export interface ScriptedMcpTool {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
}

export interface ScriptedServerOptions {
  /** Pause between streamed pieces, ms (default 0: the next timer tick). */
  delayMs?: number;
  /** Tools each MCP server (by label) lists when a session names it. */
  mcpServers?: Record<string, ScriptedMcpTool[]>;
}

const URLS: Record<Dialect, string> = {
  ga: 'ws://parley.test/v1/realtime?model=gpt-realtime',
  beta: 'ws://parley.test/openai/realtime?api-version=2024-10-01-preview&deployment=gpt-realtime',
  voicelive: 'ws://parley.test/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime',
};

export class ScriptedRealtimeServer {
  /** Every response begun: the session and the conversation the model was given. */
  readonly requests: ScriptedRequest[] = [];
  /** Every response ended, as `response.done` carried it. */
  readonly responses: ResponseObject[] = [];
  readonly connections: ScriptedConnection[] = [];
  readonly #memory = new InMemoryRealtimeServer({ sessionCreated: false });
  readonly #script: ScriptedOutput[][] = [];
  readonly #options: ScriptedServerOptions;
  readonly #waiters = new Set<() => void>();
  readonly #host: ScriptHost;

  constructor(options: ScriptedServerOptions = {}) {
    this.#options = options;
    this.#host = {
      nextResponse: () => this.#script.shift(),
      mcpTools: (label) => this.#options.mcpServers?.[label],
      started: (request) => void this.requests.push(request),
      ended: (response) => {
        this.responses.push(response);
        for (const wake of [...this.#waiters]) wake();
      },
      delayMs: options.delayMs ?? 0,
    };
  }

  /** The options to give `session.connect()`: a URL of `dialect` and the in-memory sockets. */
  connectOptions(dialect: Dialect = 'ga'): Pick<RealtimeClientOptions, 'url' | 'createSocket' | 'reconnect'> {
    return {
      url: URLS[dialect],
      reconnect: false,
      createSocket: (request, handlers) => {
        const socket = this.#memory.createSocket(request, handlers);
        const index = this.#memory.connections.length;
        void this.#memory.waitForConnection(index).then((connection) => this.connections.push(new ScriptedConnection(connection, this.#host)));
        return socket;
      },
    };
  }

  /** The latest connection. */
  get connection(): ScriptedConnection | undefined {
    return this.connections.at(-1);
  }

  /** Queues responses: each `response.create` (or approval answered) plays the next one. */
  enqueue(...responses: ScriptedOutput[][]): void {
    this.#script.push(...responses);
  }

  /** Resolves once `count` responses have ended in all. */
  responsesEnded(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.responses.length < count) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }
}
