/** Debian's Chromium, headless, through playwright-core, with a WAV file as its microphone. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const haveChromium = existsSync(CHROMIUM_PATH);

/**
 * WebRTC to 127.0.0.1: Chromium gathers no loopback candidates unless allowed, and hides its
 * host addresses behind mDNS `.local` names a werift server cannot resolve (components.md §6).
 */
export const WEBRTC_LOOPBACK_ARGS = ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required'];

/** `extraArgs`: e.g. WEBRTC_LOOPBACK_ARGS for a WebRTC call to a server on this machine. */
export function launchChromium(microphoneWav: string, extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      // Tests here and in CI run as root, and Chromium refuses to run as root with its sandbox
      // ("Running as root without --no-sandbox is not supported"); it only loads our own page.
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${microphoneWav}`,
      ...extraArgs,
    ],
  });
}
