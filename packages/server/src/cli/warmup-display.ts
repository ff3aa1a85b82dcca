/**
 * Warm-up progress on a terminal: a block of lines at the bottom, one per engine loading,
 *
 *   ⠹ loading      1.4 s  speech recognition pocketsphinx
 *   ✓ ready       812 ms  voice activity detection silero-v5
 *
 * redrawn in place as each one becomes ready (or unavailable), with a download's progress bar
 * in its engine's line. Log lines written meanwhile go through `print`, above the block. Once
 * every engine of the block is done, the block stays as plain text.
 */
import type { WarmupReporter, WarmupTask } from '../config/warmup.js';

export interface TerminalStream {
  columns?: number;
  write(text: string): unknown;
}

interface EngineLine {
  name: string;
  startedAt: number;
  state: 'loading' | 'ready' | 'unavailable';
  doneMs?: number;
  /** A download's progress bar, shown in place of the name while loading. */
  download?: string;
}

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const TICK_MS = 100;
const ESC = '\x1b[';

function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export class WarmupDisplay implements WarmupReporter {
  readonly #stream: TerminalStream;
  #lines: EngineLine[] = [];
  /** Lines of the block now on screen, above the cursor. */
  #drawn = 0;
  #ticker: NodeJS.Timeout | undefined;
  #frame = 0;

  constructor(stream: TerminalStream) {
    this.#stream = stream;
  }

  start(name: string): WarmupTask {
    const line: EngineLine = { name, startedAt: performance.now(), state: 'loading' };
    this.#lines.push(line);
    this.#ticker ??= setInterval(() => {
      this.#frame++;
      this.#redraw();
    }, TICK_MS).unref();
    this.#redraw();
    const done = (state: EngineLine['state']) => {
      if (line.state !== 'loading') return;
      line.state = state;
      line.doneMs = performance.now() - line.startedAt;
      this.#redraw();
      if (this.#lines.every((l) => l.state !== 'loading')) this.finish();
    };
    return {
      progressStream: {
        isTTY: true,
        columns: this.#columns() - 4,
        write: (text: string) => {
          const bar = text.replaceAll('\r', '').replaceAll(`${ESC}K`, '').trim();
          if (!bar || line.state !== 'loading') return;
          line.download = bar;
          this.#redraw();
        },
      },
      ready: () => done('ready'),
      unavailable: () => done('unavailable'),
    };
  }

  /** A line of log output: written above the block. */
  print(text: string): void {
    this.#stream.write(`${this.#erase()}${text}\n${this.#render()}`);
  }

  /** Leaves the block as it is, as plain text. */
  finish(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.#lines = [];
    this.#drawn = 0;
  }

  /** A terminal that does not say its width (or says 0, as a bare pty does) is taken as 80 wide. */
  #columns(): number {
    return this.#stream.columns || 80;
  }

  #redraw(): void {
    if (this.#lines.length > 0) this.#stream.write(`${this.#erase()}${this.#render()}`);
  }

  #erase(): string {
    return this.#drawn > 0 ? `${ESC}${this.#drawn}A\r${ESC}J` : '';
  }

  #render(): string {
    this.#drawn = this.#lines.length;
    const width = this.#columns() - 1;
    return this.#lines.map((line) => `${this.#describe(line).slice(0, width)}\n`).join('');
  }

  #describe(line: EngineLine): string {
    if (line.state === 'loading' && line.download) return `  ↓ ${line.download}`;
    const elapsed = formatMs(line.doneMs ?? performance.now() - line.startedAt);
    const icon = line.state === 'ready' ? '✓' : line.state === 'unavailable' ? '✗' : SPINNER[this.#frame % SPINNER.length];
    return `  ${icon} ${line.state.padEnd(11)} ${elapsed.padStart(7)}  ${line.name}`;
  }
}
