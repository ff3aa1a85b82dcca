/** `--json`: every server event, in its canonical (GA) shape whatever the dialect, one JSON object per line. */
import type { RealtimeClient } from '@parley/client';

/** Starts printing; returns the function that stops it. */
export function printEventsAsJson(client: RealtimeClient, output: NodeJS.WritableStream): () => void {
  return client.on('*', (event) => {
    output.write(`${JSON.stringify(event)}\n`);
  });
}
