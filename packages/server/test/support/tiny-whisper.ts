/**
 * A tiny whisper.cpp ggml model with random weights, written at test time (no real whisper
 * weights can be had offline here). whisper.cpp loads it and runs its whole pipeline on it —
 * log-mel, encoder, decoder, token timestamps — so the whisper-cpp engine's real decoding path
 * (threads, queue, abort, result parsing) is tested. What it "hears" is gibberish made of the
 * made-up vocabulary below (`kalo42`, ` mido151`…): tests must never check its words.
 *
 * The file is whisper.cpp's legacy ggml format (whisper.cpp `whisper_model_load`):
 *   magic 0x67676d6c, 11 int32 hyper-parameters, the mel filter bank (n_mel, n_fft, floats),
 *   the vocabulary (count, then length-prefixed strings), then tensors (n_dims, name length,
 *   type, dims, name, data), all little-endian, F32.
 * Constraints found on the way: the vocabulary size must be an English model's 51864 (special
 * token ids are derived from it), `n_audio_ctx` must be 1500 (30 s windows), and the strings
 * " ", " -" and " '" must be tokens (whisper.cpp looks them up while decoding).
 *
 * ~7.8 MB; writing takes ~0.2 s, loading ~0.04 s, transcribing a few seconds ~0.2 s on 2 cores.
 */
import { writeFile } from 'node:fs/promises';

export interface TinyWhisperOptions {
  /** Width of the encoder and decoder. */
  nState?: number;
  nHead?: number;
  nAudioLayer?: number;
  nTextLayer?: number;
  seed?: number;
}

const N_VOCAB = 51864; // an English-only model: 50256 text tokens, then specials and timestamps
const N_TEXT_TOKENS = 50256;
const N_AUDIO_CTX = 1500;
const N_TEXT_CTX = 448;
const N_MELS = 80;
const N_FFT = 201;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'be', 'do'];

/** The token strings: made-up syllables, a leading space on every third, plus the ones whisper.cpp looks up. */
function token(i: number): string {
  if (i === 220) return ' ';
  if (i === 532) return ' -';
  if (i === 705) return " '";
  return (i % 3 === 0 ? ' ' : '') + SYLLABLES[i % 10]! + SYLLABLES[Math.floor(i / 10) % 10]! + (i >= 100 ? String(i) : '');
}

export function buildTinyWhisper(options: TinyWhisperOptions = {}): Buffer {
  const { nState = 32, nHead = 2, nAudioLayer = 1, nTextLayer = 1, seed = 7 } = options;
  const parts: Buffer[] = [];
  const i32 = (...values: number[]) => {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeInt32LE(v, 4 * i));
    parts.push(b);
  };
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  const floats = (n: number, value: (i: number) => number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = value(i);
    parts.push(Buffer.from(a.buffer));
  };

  // Hyper-parameters: n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
  // n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype (0 = F32).
  i32(0x67676d6c, N_VOCAB, N_AUDIO_CTX, nState, nHead, nAudioLayer, N_TEXT_CTX, nState, nHead, nTextLayer, N_MELS, 0);
  // A sparse mel filter bank: mel band m takes FFT bin 2m.
  i32(N_MELS, N_FFT);
  floats(N_MELS * N_FFT, (i) => (i % N_FFT === Math.floor(i / N_FFT) * 2 ? 1 : 0));
  // The text tokens; whisper.cpp names the special and timestamp tokens after them itself.
  i32(N_TEXT_TOKENS);
  for (let i = 0; i < N_TEXT_TOKENS; i++) {
    const bytes = Buffer.from(token(i), 'utf8');
    i32(bytes.length);
    parts.push(bytes);
  }
  const tensor = (name: string, dims: number[], init: 'random' | 'one' | 'zero' = 'random') => {
    const n = dims.reduce((a, b) => a * b, 1);
    const bytes = Buffer.from(name, 'utf8');
    i32(dims.length, bytes.length, 0, ...dims);
    parts.push(bytes);
    floats(n, init === 'one' ? () => 1 : init === 'zero' ? () => 0 : () => random() * 0.2);
  };
  const S = nState;
  tensor('encoder.positional_embedding', [S, N_AUDIO_CTX]);
  tensor('encoder.conv1.weight', [3, N_MELS, S]);
  tensor('encoder.conv1.bias', [1, S], 'zero');
  tensor('encoder.conv2.weight', [3, S, S]);
  tensor('encoder.conv2.bias', [1, S], 'zero');
  tensor('encoder.ln_post.weight', [S], 'one');
  tensor('encoder.ln_post.bias', [S], 'zero');
  const block = (prefix: string, attentions: string[]) => {
    tensor(`${prefix}.mlp_ln.weight`, [S], 'one');
    tensor(`${prefix}.mlp_ln.bias`, [S], 'zero');
    tensor(`${prefix}.mlp.0.weight`, [S, 4 * S]);
    tensor(`${prefix}.mlp.0.bias`, [4 * S], 'zero');
    tensor(`${prefix}.mlp.2.weight`, [4 * S, S]);
    tensor(`${prefix}.mlp.2.bias`, [S], 'zero');
    for (const a of attentions) {
      tensor(`${prefix}.${a}_ln.weight`, [S], 'one');
      tensor(`${prefix}.${a}_ln.bias`, [S], 'zero');
      tensor(`${prefix}.${a}.query.weight`, [S, S]);
      tensor(`${prefix}.${a}.query.bias`, [S], 'zero');
      tensor(`${prefix}.${a}.key.weight`, [S, S]);
      tensor(`${prefix}.${a}.value.weight`, [S, S]);
      tensor(`${prefix}.${a}.value.bias`, [S], 'zero');
      tensor(`${prefix}.${a}.out.weight`, [S, S]);
      tensor(`${prefix}.${a}.out.bias`, [S], 'zero');
    }
  };
  for (let l = 0; l < nAudioLayer; l++) block(`encoder.blocks.${l}`, ['attn']);
  tensor('decoder.positional_embedding', [S, N_TEXT_CTX]);
  tensor('decoder.token_embedding.weight', [S, N_VOCAB]);
  tensor('decoder.ln.weight', [S], 'one');
  tensor('decoder.ln.bias', [S], 'zero');
  for (let l = 0; l < nTextLayer; l++) block(`decoder.blocks.${l}`, ['attn', 'cross_attn']);
  return Buffer.concat(parts);
}

/** Writes the tiny model to `path` (name it `*.en.bin`: it is an English-only model). */
export async function writeTinyWhisper(path: string, options?: TinyWhisperOptions): Promise<string> {
  await writeFile(path, buildTinyWhisper(options));
  return path;
}

/** The size of the header, filter bank and vocabulary: a file cut there loads as an "empty" model. */
export function tinyWhisperHeaderBytes(): number {
  let bytes = 4 * 12 + 8 + N_MELS * N_FFT * 4 + 4;
  for (let i = 0; i < N_TEXT_TOKENS; i++) bytes += 4 + Buffer.byteLength(token(i), 'utf8');
  return bytes;
}
