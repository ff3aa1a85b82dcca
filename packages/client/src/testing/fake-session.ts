/** A plausible canonical session object for `session.created` from the in-memory server. */
import { defaultSession, type SessionObject } from '@parley/protocol';

let sessions = 0;

export function fakeSession(overrides: Partial<SessionObject> = {}): SessionObject {
  sessions++;
  const session = defaultSession(`sess_fake_${sessions}`, { model: 'gpt-realtime', instructions: '', voice: 'alloy', maxDurationMs: 3_600_000 });
  return { ...session, ...overrides };
}
