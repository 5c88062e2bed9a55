// The engine worker's `analyze` while someone types, in Node on the worker's own WASM:
// 400 one-character edits of the title line of a ~100 KB AsyncAPI document, then 10
// analyses of Stripe's spec3.json (4.2 MB), each followed by `release` as the worker does
// after posting. Given several site roots, it loads each build's engine into this one
// process and alternates between them call by call, so a noisy machine slows every build
// alike and the figures can be compared side by side.
// Usage: node bench/engine-typing.mjs [site root ...] (default target/site; build the
// engine first: bash scripts/build-engine.sh <site root>)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hundredKilobytes } from './documents.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const roots = process.argv.length > 2 ? process.argv.slice(2) : [path.join(root, 'target/site')];
const stripePath = path.join(root, '../shared/corpus/openapi/valid/large/stripe-spec3-2022-04-12.json');

const load = async (site) => {
  const engine = path.resolve(site, 'engine');
  // The query keeps two builds' glue modules apart in Node's module cache.
  const mod = await import(`${path.join(engine, 'portico_engine.js')}?${engine}`);
  await mod.default({ module_or_path: readFileSync(path.join(engine, 'portico_engine_bg.wasm')) });
  return mod;
};
const engines = await Promise.all(roots.map(load));

const timed = (mod, name, text) => {
  const started = performance.now();
  mod.analyze(JSON.stringify({ [name]: text }), name);
  const took = performance.now() - started;
  mod.release?.(); // builds before session 9 have none: they can be compared too
  return took;
};
// Each round runs every build once, starting with a different one each time.
const rounds = (count, input) => {
  const times = engines.map(() => []);
  for (let round = 0; round < count; round++) {
    const [name, text] = input(round);
    for (let k = 0; k < engines.length; k++) {
      const which = (k + round) % engines.length;
      times[which].push(timed(engines[which], name, text));
    }
  }
  return times;
};
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)];

let text = hundredKilobytes();
const first = engines.map((mod) => timed(mod, 'big.yaml', text));
const typing = rounds(400, (i) => {
  text = text.replace(/title: Big Service\d*/, `title: Big Service${'0123456789'.slice(0, (i % 10) + 1)}`);
  return ['big.yaml', text];
});
const stripe = existsSync(stripePath) ? readFileSync(stripePath, 'utf8') : null;
const large = stripe ? rounds(10, (i) => ['spec3.json', stripe + ' '.repeat(i)]) : null;

roots.forEach((site, k) => {
  const ms = (value) => `${value.toFixed(2)} ms`;
  let line = `${site}: 98 KB AsyncAPI first ${ms(first[k])}, while typing p10 ${ms(quantile(typing[k], 0.1))} median ${ms(quantile(typing[k], 0.5))}`;
  if (large) line += `; Stripe 4.2 MB p10 ${ms(quantile(large[k], 0.1))} median ${ms(quantile(large[k], 0.5))}`;
  console.log(line);
});
