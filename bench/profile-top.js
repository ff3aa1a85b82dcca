/**
 * The hot spots of a V8 CPU profile (`node --cpu-prof`, e.g. `node bench/load.js --cpu-prof`):
 * the functions with the most self time, then the most inclusive time, as % of the busy
 * (non-idle) time.
 *
 *   node bench/profile-top.js bench/profiles/CPU.<...>.cpuprofile [rows]
 */
import { readFileSync } from 'node:fs';

const [file, rowsArg = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.js <file.cpuprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

const nameOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').slice(-3).join('/')}${url ? `:${lineNumber + 1}` : ''}`;
};

const sampled = new Map();
profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const self = new Map();
const inclusive = new Map();
let busy = 0;
for (const [id, us] of sampled) {
  const name = nameOf(nodes.get(id));
  if (name.startsWith('(idle)')) continue;
  busy += us;
  self.set(name, (self.get(name) ?? 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const frame = nameOf(nodes.get(at));
    if (!seen.has(frame)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
    seen.add(frame);
  }
}

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
console.log(`${file}: ${(busy / 1000).toFixed(0)} ms busy`);
print('Self time', self);
print('Inclusive time', inclusive);
