/**
 * Writes a tiny llama-architecture GGUF with random weights (docs: shared reference
 * components.md, appendix), for driving the llama.cpp engine in tests and benchmarks without a
 * real model. It loads in ~20 ms and decodes thousands of tokens a second; its output is gibberish.
 *
 * What is in it: GGUF v3, `general.architecture=llama`, an SPM tokenizer (3 specials, 256
 * `<0xXX>` byte tokens, single characters, `▁x` pieces, a few words; token strings must be
 * unique or llama.cpp aborts the process), a Jinja `tokenizer.chat_template`, and F32 tensors.
 * The same seed gives the same bytes.
 *
 * Plain JS so the benchmarks run it without a TypeScript loader; the tests use it through
 * packages/server/test/support/tiny-gguf.ts, which gives it types.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 };
/**
 * Each message ends with `<|end|>`. (The reference template ended them with a bare newline,
 * which node-llama-cpp then takes as the end of the assistant's turn: a newline inside
 * grammar-constrained JSON would stop the generation.)
 */
const TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

export function buildTinyLlama({ nEmbd = 64, nLayer = 2, nHead = 4, nHeadKv = 4, nFf = 128, nCtx = 2048, seed = 42 } = {}) {
  const parts = [];
  let len = 0;
  const push = (b) => {
    parts.push(b);
    len += b.length;
  };
  const num = (size, write) => (v) => {
    const b = Buffer.alloc(size);
    write(b, v);
    push(b);
  };
  const u32 = num(4, (b, v) => b.writeUInt32LE(v));
  const i32 = num(4, (b, v) => b.writeInt32LE(v));
  const u64 = num(8, (b, v) => b.writeBigUInt64LE(BigInt(v)));
  const f32 = num(4, (b, v) => b.writeFloatLE(v));
  const str = (s) => {
    const b = Buffer.from(s, 'utf8');
    u64(b.length);
    push(b);
  };
  const val = (t, v) => (t === T.UINT32 ? u32(v) : t === T.INT32 ? i32(v) : t === T.FLOAT32 ? f32(v) : t === T.STRING ? str(v) : push(Buffer.from([v ? 1 : 0])));
  const pad = (a) => {
    const r = len % a;
    if (r) push(Buffer.alloc(a - r));
  };
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  const scores = [0, 0, 0];
  for (let i = 0; i < 256; i++) {
    tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
    scores.push(0);
  }
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'-:;";
  for (const c of ['▁', ...chars]) (tokens.push(c), types.push(1), scores.push(-1000));
  for (const c of chars) (tokens.push(`▁${c}`), types.push(1), scores.push(-900));
  let s = -10;
  for (const w of ['the', 'hello', 'how', 'can', 'help', 'you']) if (!tokens.includes(`▁${w}`)) (tokens.push(`▁${w}`), types.push(1), scores.push((s -= 0.5)));
  let st = seed >>> 0;
  const rnd = () => {
    st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
    return st / 4294967296 - 0.5;
  };
  const tensors = [];
  const add = (name, dims, ones) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = ones ? 1 : rnd() * 0.2;
    tensors.push({ name, dims, d });
  };
  const hd = nEmbd / nHead;
  add('token_embd.weight', [nEmbd, tokens.length]);
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
  add('output.weight', [nEmbd, tokens.length]);
  const kvs = [
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
    ['tokenizer.chat_template', T.STRING, TEMPLATE],
  ];
  u32(0x46554747);
  u32(3);
  u64(tensors.length);
  u64(kvs.length);
  for (const [k, t, v, et] of kvs) {
    str(k);
    u32(t);
    if (t === T.ARRAY) {
      u32(et);
      u64(v.length);
      for (const x of v) val(et, x);
    } else val(t, v);
  }
  let off = 0;
  for (const t of tensors) {
    str(t.name);
    u32(t.dims.length);
    for (const d of t.dims) u64(d);
    u32(0);
    u64(off);
    off = Math.ceil((off + t.d.byteLength) / 32) * 32;
  }
  pad(32);
  for (const t of tensors) {
    push(Buffer.from(t.d.buffer));
    pad(32);
  }
  return Buffer.concat(parts);
}

/** Writes the tiny model into a fresh directory under the OS temp dir and returns its path. */
export function writeTinyLlama(options) {
  const path = join(mkdtempSync(join(tmpdir(), 'parley-bench-gguf-')), 'tiny-random-llama.gguf');
  writeFileSync(path, buildTinyLlama(options));
  return path;
}
