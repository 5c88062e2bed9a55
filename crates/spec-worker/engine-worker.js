// Runs Portico's spec engine (the `engine` crate's WASM, built into /engine/) off the
// page's thread: analysis, conversion, completions and payload checks. The page's own
// WASM carries none of it. Each request is { id, op, args } and is answered with
// { id, result, failed }: the entry point's text, and whether the page should replace
// this worker.
import init, * as engine from '/engine/portico_engine.js';

const ready = init({ module_or_path: '/engine/portico_engine_bg.wasm' });
const ops = {
  // The page sends files and requests as objects; serialising them here keeps that off
  // its thread.
  analyze: (files, main, profile) => engine.analyze(JSON.stringify(files), main, profile || ''),
  convert: engine.convert,
  upgrade: engine.upgrade,
  completions: (path, request) => engine.completions(path, JSON.stringify(request)),
  check_payload: engine.check_payload,
};

self.onmessage = async (event) => {
  const { id, op, args } = event.data;
  let result;
  let failed = false;
  try {
    await ready;
    const run = ops[op];
    result = run ? run(...args) : JSON.stringify({ error: `unknown operation ${op}` });
  } catch (error) {
    // The engine did not load, or it trapped (a panic aborts): its memory may be left
    // half-updated, so the page starts a new worker for the next request.
    result = JSON.stringify({ error: String(error) });
    failed = true;
  }
  self.postMessage({ id, result, failed });
  // The page reads the answer meanwhile.
  if (!failed) engine.release();
};
