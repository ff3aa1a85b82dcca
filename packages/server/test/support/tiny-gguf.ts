/**
 * Writes a tiny llama-architecture GGUF with random weights (docs: shared reference
 * components.md, appendix), for driving the llama.cpp engine in tests without a real model.
 * It loads in ~20 ms and decodes thousands of tokens a second; its output is gibberish.
 *
 * What is in it: GGUF v3, `general.architecture=llama`, an SPM tokenizer (3 specials, 256
 * `<0xXX>` byte tokens, single characters, `▁x` pieces, a few words; token strings must be
 * unique or llama.cpp aborts the process), a Jinja `tokenizer.chat_template`, and F32 tensors.
 * The same seed gives the same bytes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;
type Scalar = typeof T.UINT32 | typeof T.INT32 | typeof T.FLOAT32 | typeof T.BOOL | typeof T.STRING;

export interface TinyLlamaOptions {
  nEmbd?: number;
  nLayer?: number;
  nHead?: number;
  nHeadKv?: number;
  nFf?: number;
  /** `llama.context_length`: the model's training context, which caps the engine's default context. */
  nCtx?: number;
  seed?: number;
  /** The Jinja chat template; default a minimal `<|role|>` one. */
  chatTemplate?: string;
}

/**
 * Each message ends with `<|end|>`. (The reference template ended them with a bare newline,
 * which node-llama-cpp then takes as the end of the assistant's turn: a newline inside
 * grammar-constrained JSON would stop the generation.)
 */
export const TINY_CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

export function buildTinyLlama(options: TinyLlamaOptions = {}): Buffer {
  const { nEmbd = 64, nLayer = 2, nHead = 4, nHeadKv = 4, nFf = 128, nCtx = 2048, seed = 42, chatTemplate = TINY_CHAT_TEMPLATE } = options;
  const parts: Buffer[] = [];
  let len = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    len += b.length;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    push(b);
  };
  const i32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    push(b);
  };
  const u64 = (v: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    push(b);
  };
  const f32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    push(b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    u64(b.length);
    push(b);
  };
  const val = (t: Scalar, v: unknown) => {
    if (t === T.UINT32) u32(v as number);
    else if (t === T.INT32) i32(v as number);
    else if (t === T.FLOAT32) f32(v as number);
    else if (t === T.STRING) str(v as string);
    else push(Buffer.from([v ? 1 : 0]));
  };
  const pad = (a: number) => {
    const r = len % a;
    if (r) push(Buffer.alloc(a - r));
  };

  // SPM vocabulary. Every string must be unique.
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  const scores = [0, 0, 0];
  for (let i = 0; i < 256; i++) {
    tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
    scores.push(0);
  }
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'-:;";
  for (const c of ['▁', ...chars]) {
    tokens.push(c);
    types.push(1);
    scores.push(-1000);
  }
  for (const c of chars) {
    tokens.push(`▁${c}`);
    types.push(1);
    scores.push(-900);
  }
  let s = -10;
  for (const w of ['the', 'hello', 'how', 'can', 'help', 'you']) {
    if (!tokens.includes(`▁${w}`)) {
      tokens.push(`▁${w}`);
      types.push(1);
      scores.push((s -= 0.5));
    }
  }

  let state = seed >>> 0;
  const rnd = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  const tensors: { name: string; dims: number[]; data: Float32Array }[] = [];
  const add = (name: string, dims: number[], ones = false) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = ones ? 1 : rnd() * 0.2;
    tensors.push({ name, dims, data });
  };
  const hd = nEmbd / nHead;
  const nVocab = tokens.length;
  add('token_embd.weight', [nEmbd, nVocab]); // ggml dims: ne[0] first
  for (let l = 0; l < nLayer; l++) {
    add(`blk.${l}.attn_norm.weight`, [nEmbd], true);
    add(`blk.${l}.attn_q.weight`, [nEmbd, nEmbd]);
    add(`blk.${l}.attn_k.weight`, [nEmbd, hd * nHeadKv]);
    add(`blk.${l}.attn_v.weight`, [nEmbd, hd * nHeadKv]);
    add(`blk.${l}.attn_output.weight`, [nEmbd, nEmbd]);
    add(`blk.${l}.ffn_norm.weight`, [nEmbd], true);
    add(`blk.${l}.ffn_gate.weight`, [nEmbd, nFf]);
    add(`blk.${l}.ffn_up.weight`, [nEmbd, nFf]);
    add(`blk.${l}.ffn_down.weight`, [nFf, nEmbd]);
  }
  add('output_norm.weight', [nEmbd], true);
  add('output.weight', [nEmbd, nVocab]);

  const kvs: [string, number, unknown, Scalar?][] = [
    ['general.architecture', T.STRING, 'llama'],
    ['general.name', T.STRING, 'tiny-random-llama'],
    ['general.alignment', T.UINT32, 32],
    ['general.file_type', T.UINT32, 0],
    ['llama.context_length', T.UINT32, nCtx],
    ['llama.embedding_length', T.UINT32, nEmbd],
    ['llama.block_count', T.UINT32, nLayer],
    ['llama.feed_forward_length', T.UINT32, nFf],
    ['llama.attention.head_count', T.UINT32, nHead],
    ['llama.attention.head_count_kv', T.UINT32, nHeadKv],
    ['llama.rope.dimension_count', T.UINT32, hd],
    ['llama.attention.layer_norm_rms_epsilon', T.FLOAT32, 1e-5],
    ['tokenizer.ggml.model', T.STRING, 'llama'],
    ['tokenizer.ggml.tokens', T.ARRAY, tokens, T.STRING],
    ['tokenizer.ggml.scores', T.ARRAY, scores, T.FLOAT32],
    ['tokenizer.ggml.token_type', T.ARRAY, types, T.INT32],
    ['tokenizer.ggml.bos_token_id', T.UINT32, 1],
    ['tokenizer.ggml.eos_token_id', T.UINT32, 2],
    ['tokenizer.ggml.unknown_token_id', T.UINT32, 0],
    ['tokenizer.ggml.add_bos_token', T.BOOL, true],
    ['tokenizer.chat_template', T.STRING, chatTemplate],
  ];
  u32(0x46554747); // "GGUF"
  u32(3);
  u64(tensors.length);
  u64(kvs.length);
  for (const [key, type, value, elementType] of kvs) {
    str(key);
    u32(type);
    if (type === T.ARRAY) {
      const items = value as unknown[];
      u32(elementType as number);
      u64(items.length);
      for (const item of items) val(elementType as Scalar, item);
    } else {
      val(type as Scalar, value);
    }
  }
  let offset = 0;
  for (const t of tensors) {
    str(t.name);
    u32(t.dims.length);
    for (const d of t.dims) u64(d);
    u32(0); // F32
    u64(offset);
    offset = Math.ceil((offset + t.data.byteLength) / 32) * 32;
  }
  pad(32);
  for (const t of tensors) {
    push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    pad(32);
  }
  return Buffer.concat(parts);
}

/** Writes the tiny model into a fresh directory under the OS temp dir and returns its path. */
export function writeTinyLlama(options: TinyLlamaOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-tiny-gguf-'));
  const path = join(dir, 'tiny-random-llama.gguf');
  writeFileSync(path, buildTinyLlama(options));
  return path;
}
