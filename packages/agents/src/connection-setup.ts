/** Connecting a session: the credentials an API key stands for, and waiting for the server to take the agent's configuration. */
import { dialectOfPath, type Auth, type RealtimeClient, type RealtimeClientOptions } from '@parley/client';
import { UserError } from './errors.js';

/** Voice Live takes keys as `api-key`; OpenAI and Parley as bearer tokens. */
export function apiKeyAuth(apiKey: string, url: string, dialect: RealtimeClientOptions['dialect']): Auth {
  const spoken = dialect ?? dialectOfPath(url);
  return spoken === 'voicelive' ? { type: 'api-key-header', key: apiKey } : { type: 'bearer', token: apiKey };
}

/** Resolves on the `session.updated` that answers `eventId`; rejects on the error that refuses it, or a close. */
export function configured(client: RealtimeClient, eventId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs = [
      client.on('session.updated', () => finish(resolve)),
      client.on('error', (event) => {
        if (event.error.event_id !== eventId) return;
        finish(() => reject(new UserError(`The server refused the agent's session configuration: ${event.error.message}`, { cause: event.error })));
      }),
      client.on('state', (state) => {
        if (state.status === 'closed') finish(() => reject(state.error ?? new Error(`The connection closed (${state.closeCode ?? 'no close code'}) before the session was configured.`)));
      }),
    ];
    const finish = (settle: () => void) => {
      for (const off of offs) off();
      settle();
    };
  });
}
