/**
 * The local programs that can play the replies, found on PATH: PipeWire's pw-play, PulseAudio's
 * paplay, ALSA's aplay, SoX's play, and macOS's afplay. All but afplay read raw PCM16 on stdin,
 * so replies play as they stream; afplay needs a file, so each reply plays once it is complete.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface AudioPlayer {
  name: string;
  /** The executable found on PATH. */
  path: string;
  /** `stdin`: raw PCM16 mono streamed in; `file`: a WAV file named last on the command line. */
  input: 'stdin' | 'file';
  args(sampleRate: number): string[];
}

type Candidate = Omit<AudioPlayer, 'path'>;

const PW_PLAY: Candidate = { name: 'pw-play', input: 'stdin', args: (rate) => ['--format', 's16', '--rate', String(rate), '--channels', '1', '-'] };
const PAPLAY: Candidate = { name: 'paplay', input: 'stdin', args: (rate) => ['--raw', '--format=s16le', `--rate=${rate}`, '--channels=1'] };
const APLAY: Candidate = { name: 'aplay', input: 'stdin', args: (rate) => ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(rate), '-c', '1', '-'] };
const SOX_PLAY: Candidate = { name: 'play', input: 'stdin', args: (rate) => ['-q', '-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-c', '1', '-'] };
const AFPLAY: Candidate = { name: 'afplay', input: 'file', args: () => [] };

/** In the order they are tried on each platform. */
export function playerCandidates(platform: NodeJS.Platform = process.platform): Candidate[] {
  return platform === 'darwin' ? [SOX_PLAY, AFPLAY] : [PW_PLAY, PAPLAY, APLAY, SOX_PLAY];
}

function executableOnPath(name: string, pathVariable: string): string | null {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

export function findAudioPlayer(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): AudioPlayer | null {
  for (const candidate of playerCandidates(platform)) {
    const path = executableOnPath(candidate.name, env.PATH ?? '');
    if (path) return { ...candidate, path };
  }
  return null;
}

export function noPlayerMessage(platform: NodeJS.Platform = process.platform): string {
  const names = playerCandidates(platform).map((c) => c.name);
  const install = platform === 'darwin' ? 'afplay comes with macOS; or brew install sox' : 'install one with: sudo apt-get install alsa-utils (aplay) or pulseaudio-utils (paplay)';
  return `No audio player found on PATH (looked for ${names.join(', ')}): replies are shown as text only. To hear them, ${install}.`;
}
