/**
 * Shows download progress. On a terminal (`stream.isTTY`) it redraws one line in place,
 * `label [██████░░░░░░]  48%  120.3/250.0 MB  8.1 MB/s  ETA 16s`, at most every 100 ms.
 * Anywhere else (a log file, a pipe, systemd) it writes nothing to the stream and instead
 * emits one plain line at every 10 % step (every 10 MB when the size is unknown), through
 * `log` (default: a line on the stream).
 */
import type { DownloadProgress } from './download.js';

export interface ProgressBarOptions {
  /** Default `process.stderr`. */
  stream?: { isTTY?: boolean; columns?: number; write(text: string): unknown };
  /** Names the download, e.g. the model file. */
  label: string;
  /** Where the plain progress lines go when the stream is not a terminal. */
  log?: (line: string) => void;
  /** Least time between two redraws on a terminal. Default 100 ms. */
  redrawMs?: number;
  /** Plain-line step, as a fraction of the whole. Default 0.1. */
  step?: number;
}

export interface ProgressBar {
  update(progress: DownloadProgress): void;
  /** Ends the line on a terminal (call it on success and on failure). */
  finish(): void;
}

const MB = 1_000_000;
const UNKNOWN_SIZE_STEP_BYTES = 10 * MB;

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The text of a terminal line for `progress`, fitted to `columns`. */
export function renderProgressLine(label: string, p: DownloadProgress, columns = 80): string {
  const rate = p.bytesPerSecond > 0 ? `  ${formatBytes(p.bytesPerSecond)}/s` : '';
  if (p.total === undefined || p.total <= 0) return `${label}  ${formatBytes(p.received)}${rate}`.slice(0, columns - 1);
  const fraction = Math.min(1, p.received / p.total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = p.bytesPerSecond > 0 && !p.done ? `  ETA ${formatDuration((p.total - p.received) / p.bytesPerSecond)}` : '';
  const tail = ` ${percent}  ${formatBytes(p.received)}/${formatBytes(p.total)}${rate}${eta}`;
  const width = Math.max(10, Math.min(40, columns - 1 - label.length - tail.length - 3));
  const filled = Math.round(fraction * width);
  return `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${tail}`.slice(0, columns - 1);
}

export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const log = options.log ?? ((line: string) => stream.write(`${line}\n`));
  const redrawMs = options.redrawMs ?? 100;
  const step = options.step ?? 0.1;
  let lastDraw = -Infinity;
  let drawn = false;
  let lastStep = -1;
  let lastLine = '';

  return {
    update(p) {
      if (tty) {
        const now = performance.now();
        if (!p.done && now - lastDraw < redrawMs) return;
        lastDraw = now;
        const line = renderProgressLine(options.label, p, stream.columns ?? 80);
        if (line === lastLine) return;
        lastLine = line;
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      const known = p.total !== undefined && p.total > 0;
      const reached = known ? Math.floor(Math.min(1, p.received / (p.total as number)) / step + 1e-9) : Math.floor(p.received / UNKNOWN_SIZE_STEP_BYTES);
      // The first event (0 %) says the download started; then one line per step reached.
      if (reached <= lastStep) return;
      lastStep = reached;
      const rate = p.bytesPerSecond > 0 ? `, ${formatBytes(p.bytesPerSecond)}/s` : '';
      const resumed = p.resumedFrom > 0 ? `, resumed at ${formatBytes(p.resumedFrom)}` : '';
      log(
        known
          ? `${options.label}: ${Math.round(Math.min(1, p.received / (p.total as number)) * 100)}% (${formatBytes(p.received)} of ${formatBytes(p.total as number)}${rate}${resumed})`
          : `${options.label}: ${formatBytes(p.received)}${rate}${resumed}`,
      );
    },
    finish() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
