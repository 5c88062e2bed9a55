// Runs Portico's spec engine off the main thread for large documents, so typing never
// waits for an analysis. It loads the same WASM module as the page (cached by the
// browser) and answers each request with the analysis as JSON.
import init, { portico_analyze_project } from '/pkg/portico.js';

const ready = init({ module_or_path: '/pkg/portico.wasm' });

self.onmessage = async (event) => {
  await ready;
  const { files, main } = event.data;
  let result;
  try {
    result = portico_analyze_project(JSON.stringify(files), main);
  } catch (error) {
    result = JSON.stringify({ error: String(error) });
  }
  self.postMessage({ result });
};
