// Drafts of large files, kept in IndexedDB: `window.PorticoDrafts`, driven by the page's
// draft module (app/src/design/draft.rs). localStorage would block the page for 35-80 ms
// per write of a 4 MB text, and its quota (about 5 million characters per site) does not
// hold two such drafts; IndexedDB writes it off the main thread. The page hands the text
// over as a Blob of its UTF-8 bytes (cheap to store: no string to decode and clone).
//
//   PorticoDrafts.put(key, content (Blob or string), baseRevision | null, keptAt) -> Promise
//   PorticoDrafts.get(key) -> Promise<{ content, baseRevision, keptAt } | undefined>
//   PorticoDrafts.remove(key) -> Promise
// Requests run in the order they are made (one store, read-write transactions queue).

const DATABASE = 'portico-drafts';
const STORE = 'drafts';

let opened = null;

function database() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('the draft database is blocked by another tab'));
    });
    // A failed open is retried by the next request instead of failing forever.
    opened.catch(() => { opened = null; });
  }
  return opened;
}

function run(mode, work) {
  return database().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('the draft was not written'));
  }));
}

export const drafts = Object.freeze({
  put(key, content, baseRevision, keptAt) {
    return run('readwrite', (store) => store.put({ content, baseRevision, keptAt }, key));
  },
  async get(key) {
    const kept = await run('readonly', (store) => store.get(key));
    if (kept && typeof kept.content !== 'string') {
      return { ...kept, content: await kept.content.text() };
    }
    return kept;
  },
  remove(key) {
    return run('readwrite', (store) => store.delete(key));
  },
});
