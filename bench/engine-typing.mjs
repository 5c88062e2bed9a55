// The engine worker's `analyze` while someone types in a ~100 KB AsyncAPI document, in
// Node on the worker's own WASM: the first analysis, then the median of 60 one-character
// edits of the title line (each followed by `release`, as the worker does after posting).
// Usage: node bench/engine-typing.mjs [site root, default target/site]
// (build the engine first: bash scripts/build-engine.sh <site root>)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hundredKilobytes } from './documents.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const engine = path.resolve(process.argv[2] ?? path.join(root, 'target/site'), 'engine');
const mod = await import(path.join(engine, 'portico_engine.js'));
await mod.default({ module_or_path: readFileSync(path.join(engine, 'portico_engine_bg.wasm')) });

const analyze = (text) => {
  const started = performance.now();
  mod.analyze(JSON.stringify({ 'big.yaml': text }), 'big.yaml');
  const took = performance.now() - started;
  mod.release?.(); // builds before session 9 have none: they can be compared too
  return took;
};
let text = hundredKilobytes();
const first = analyze(text);
const typing = [];
for (let i = 0; i < 60; i++) {
  text = text.replace(/title: Big Service\d*/, `title: Big Service${'0123456789'.slice(0, (i % 10) + 1)}`);
  typing.push(analyze(text));
}
const median = [...typing].sort((a, b) => a - b)[typing.length >> 1];
console.log(`engine analyze, ${Math.round(text.length / 1024)} KB AsyncAPI: first ${first.toFixed(1)} ms, while typing median ${median.toFixed(2)} ms`);
