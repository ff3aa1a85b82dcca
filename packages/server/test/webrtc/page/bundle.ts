/** Bundles the Chromium test's page script (agents-realtime included) for the browser, with rolldown. */
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

export async function bundleAgentsPage(): Promise<string> {
  const bundle = await rolldown({
    input: fileURLToPath(new URL('./agents-webrtc-page.ts', import.meta.url)),
    platform: 'browser',
    resolve: { conditionNames: ['browser', 'import', 'default'] },
    logLevel: 'silent',
  });
  const { output } = await bundle.generate({ format: 'iife' });
  await bundle.close();
  return output[0].code;
}
