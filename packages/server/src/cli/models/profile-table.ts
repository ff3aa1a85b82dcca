/** Profiles as an aligned text table, the default one marked. */
import type { ProfileRow } from './profile-row.js';

const HEADERS = ['PROFILE', 'LLM', 'STT', 'TTS', 'VOICE'] as const;

export function profileTable(rows: readonly ProfileRow[]): string {
  const cells = rows.map((r) => [`${r.name}${r.default ? ' (default)' : ''}`, r.llm, r.stt, r.tts, r.voice]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), ...cells.map(line)].join('\n');
}
