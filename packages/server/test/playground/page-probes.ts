/** What a test reads from the playground page: its WebSocket traffic, and the answer as it plays. */
import type { Page } from 'playwright-core';

export type WireEvent = { type: string; [key: string]: unknown };

/** Every frame the page sends and receives on its realtime WebSocket, as it happens. */
export function recordWire(page: Page): { sent: WireEvent[]; received: WireEvent[] } {
  const wire = { sent: [] as WireEvent[], received: [] as WireEvent[] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => wire.sent.push(JSON.parse(String(f.payload)) as WireEvent));
    ws.on('framereceived', (f) => wire.received.push(JSON.parse(String(f.payload)) as WireEvent));
  });
  return wire;
}

export interface AnswerPlayback {
  /** Distinct outlines the mouth took while the answer played. */
  shapes: number;
  /** Distinct viseme ids the face showed. */
  visemes: string[];
  /** The played milliseconds, sampled every 20 ms from the start of playback until it stopped. */
  played: number[];
  receivedMs: number;
}

/** Samples the mouth and the playback status from when an answer starts playing until it stops. */
export function watchAnswer(page: Page): Promise<AnswerPlayback> {
  return page.evaluate(
    () =>
      new Promise<AnswerPlayback>((resolve) => {
        const mouth = document.getElementById('mouth')!;
        const playback = document.getElementById('playback')!;
        const shapes = new Set<string>();
        const visemes = new Set<string>();
        const played: number[] = [];
        const timer = setInterval(() => {
          if (playback.dataset.state !== 'playing' && played.length === 0) return;
          shapes.add(mouth.getAttribute('d')!);
          visemes.add(mouth.dataset.viseme!);
          played.push(Number(playback.dataset.playedMs));
          if (playback.dataset.state === 'idle') {
            clearInterval(timer);
            resolve({ shapes: shapes.size, visemes: [...visemes], played, receivedMs: Number(playback.dataset.receivedMs) });
          }
        }, 20);
      }),
  );
}

/** Errors the page threw or logged. */
export function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  return problems;
}

/** Opens the playground and waits for the model profiles to be listed. */
export async function openPlayground(page: Page, serverUrl: string): Promise<void> {
  await page.goto(`${serverUrl}/`);
  await page.waitForSelector('select[name=model] option[value=default]', { state: 'attached' });
}

/** Presses Connect, as a user would, and waits for the session. */
export async function clickConnect(page: Page): Promise<void> {
  await page.click('#connect');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('connected · sess_'));
}

/** Milliseconds of 24 kHz PCM16 (48 bytes a millisecond) in these audio deltas. */
export function audioMsOf(deltas: WireEvent[]): number {
  return deltas.reduce((ms, e) => ms + Buffer.from(e.delta as string, 'base64').length / 48, 0);
}
