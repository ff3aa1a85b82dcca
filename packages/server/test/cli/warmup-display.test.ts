/** The warm-up display on a terminal: one line per engine, redrawn in place from loading to ready, logs above it. */
import { describe, expect, it } from 'vitest';
import { WarmupDisplay } from '../../src/cli/warmup-display.js';
import { createProgressBar } from '../../src/models/progress-bar.js';
import { TerminalScreen } from './terminal-screen.js';

function terminal(columns = 100) {
  const screen = new TerminalScreen();
  return { screen, stream: { isTTY: true, columns, write: (text: string) => screen.write(text) } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WarmupDisplay', () => {
  it('shows each engine loading, then ready with its time, in place; log lines go above the block', async () => {
    const { screen, stream } = terminal();
    const display = new WarmupDisplay(stream);
    const tts = display.start('speech synthesis flite');
    const stt = display.start('speech recognition pocketsphinx');
    expect(screen.text).toEqual([expect.stringMatching(/^ {2}\S loading +\d+ ms {2}speech synthesis flite$/), expect.stringMatching(/^ {2}\S loading +\d+ ms {2}speech recognition pocketsphinx$/)]);

    await sleep(60);
    tts.ready();
    display.print('2026-01-01T00:00:00.000Z ERROR pocketsphinx is unavailable');
    stt.unavailable();

    expect(screen.text).toEqual([
      '2026-01-01T00:00:00.000Z ERROR pocketsphinx is unavailable',
      expect.stringMatching(/^ {2}✓ ready +\d+ ms {2}speech synthesis flite$/),
      expect.stringMatching(/^ {2}✗ unavailable +\d+ ms {2}speech recognition pocketsphinx$/),
    ]);
    expect(Number(/(\d+) ms/.exec(screen.text[1]!)![1])).toBeGreaterThanOrEqual(50);

    // Every engine done: the block stays, and what follows is written below it.
    display.print('listening');
    expect(screen.text.at(-1)).toBe('listening');
    expect(screen.text).toHaveLength(4);
  });

  it('a download shows its progress bar in its engine’s line, then the engine’s time', () => {
    const { screen, stream } = terminal(90);
    const display = new WarmupDisplay(stream);
    const llm = display.start('language model llama-cpp(/models/qwen.gguf)');
    const bar = createProgressBar({ label: 'qwen.gguf', stream: llm.progressStream!, redrawMs: 0 });
    bar.update({ received: 48_000_000, total: 100_000_000, bytesPerSecond: 8_000_000, resumedFrom: 0, done: false });

    expect(screen.text).toEqual([expect.stringMatching(/^ {2}↓ qwen\.gguf \[█+░+\] {2}48% {2}48\.0 MB\/100\.0 MB {2}8\.0 MB\/s {2}ETA 7s$/)]);
    expect(screen.text[0]!.length).toBeLessThan(90);

    bar.update({ received: 100_000_000, total: 100_000_000, bytesPerSecond: 8_000_000, resumedFrom: 0, done: true });
    bar.finish();
    llm.ready();
    expect(screen.text).toEqual([expect.stringMatching(/^ {2}✓ ready +\d+ ms {2}language model llama-cpp\(\/models\/qwen\.gguf\)$/)]);
  });

  it('lines never wrap: a long name is cut at the terminal’s width', () => {
    const { screen, stream } = terminal(40);
    const display = new WarmupDisplay(stream);
    display.start('language model llama-cpp(/a/very/long/path/to/some/model/file.gguf)').ready();

    expect(screen.text).toHaveLength(1);
    expect(screen.text[0]!.length).toBe(39);
  });
});
