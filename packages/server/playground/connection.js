/**
 * One realtime session with the server, in the OpenAI GA dialect: JSON events both ways over a
 * WebSocket, each stamped with the milliseconds since the connection opened.
 */

/** `v1/realtime` beside the page (so a proxy's path prefix is kept), as ws:// or wss://. */
export function realtimeUrl(pageUrl, model) {
  const url = new URL('v1/realtime', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  if (model) url.searchParams.set('model', model);
  return url.href;
}

/** Browsers cannot set headers on a WebSocket, so the key travels as a subprotocol. */
export function subprotocolsFor(apiKey) {
  return apiKey ? ['realtime', `openai-insecure-api-key.${apiKey}`] : ['realtime'];
}

export class RealtimeConnection {
  #ws;
  #openedAt;
  #handlers = new Map();
  #traffic = new Set();
  #closeHandlers = new Set();

  /** Resolves once open; rejects when the server refuses (a wrong key, an unreachable server). */
  static open(url, apiKey) {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(url, subprotocolsFor(apiKey));
      } catch (error) {
        reject(error);
        return;
      }
      const connection = new RealtimeConnection();
      connection.#ws = ws;
      ws.onopen = () => {
        connection.#openedAt = performance.now();
        resolve(connection);
      };
      ws.onerror = () => reject(new Error(`Could not connect to ${url}${apiKey ? '' : ' (does the server want an API key?)'}.`));
      ws.onmessage = ({ data }) => connection.#receive(JSON.parse(data));
      ws.onclose = (event) => {
        for (const handler of connection.#closeHandlers) handler(event.code, event.reason);
      };
    });
  }

  /** Milliseconds since the connection opened. */
  now() {
    return performance.now() - this.#openedAt;
  }

  get open() {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  send(event) {
    if (!this.open) return;
    this.#ws.send(JSON.stringify(event));
    for (const watch of this.#traffic) watch('sent', event, this.now());
  }

  /** `handler(event, atMs)` for each server event of `type`. */
  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
  }

  /** `watch(direction, event, atMs)` for every event sent and received. */
  onTraffic(watch) {
    this.#traffic.add(watch);
  }

  /** `handler(code, reason)` when the socket closes, from either side. */
  onClose(handler) {
    this.#closeHandlers.add(handler);
  }

  close() {
    this.#ws.close(1000);
  }

  #receive(event) {
    const at = this.now();
    for (const watch of this.#traffic) watch('received', event, at);
    for (const handler of this.#handlers.get(event.type) ?? []) handler(event, at);
  }
}
