// Portico's code editor: CodeMirror 6 behind a small global API, `window.PorticoEditor`,
// that the Leptos design-center page drives through wasm-bindgen. The page owns the
// document and the diagnostics; this bundle only edits text and shows what it is told.
//
// Contract (kept in step with the Leptos bridge; change both together):
//   PorticoEditor.mount(element, {
//     text, language: 'yaml'|'json', readOnly?, onChange?(text), onSave?(),
//     onCursor?(line, column), completions?({ text, line, column, pos, prefix }) -> items or Promise<items>
//   }) -> handle
//   PorticoEditor.zipFiles({ path: text }) -> Uint8Array (a ZIP archive)
//   handle.getText() / setText(text) / replaceText(text) / setLanguage(lang) / setDiagnostics(list)
//         / goto(line, column) / focus() / flush() / destroy()
// Lines and columns are 1-based everywhere; columns count UTF-16 code units.
//
// onChange follows every edit of the user's at once, except in large documents (from
// LARGE_DOCUMENT_CHARS on): there it follows a pause of CHANGE_PAUSE_MS, because building
// a 4 MB string and handing it to the page cost 20-50 ms per keystroke. A pending change
// is always reported before anything could lose it: flush(), setText(), Mod-s (before
// onSave) and destroy() report it first. Nothing else here walks the whole document
// per keystroke, and the text is cached so getText() right after onChange costs nothing.

import { Annotation, Compartment, EditorState, Prec } from '@codemirror/state';
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, foldGutter, foldKeymap, indentOnInput, indentUnit } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { lintGutter, lintKeymap, setDiagnostics as lintSetDiagnostics } from '@codemirror/lint';
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { yaml } from '@codemirror/lang-yaml';
import { json } from '@codemirror/lang-json';
import { strToU8, zipSync } from 'fflate';

import { pageTheme, themeExtension } from './theme.js';
import { drafts } from './drafts.js';

/** From this many characters on, onChange waits for a pause in typing. */
const LARGE_DOCUMENT_CHARS = 512 * 1024;
/** The pause after which a large document's edits are reported. */
const CHANGE_PAUSE_MS = 100;

/** Marks transactions made by the page (setText) so they do not echo back through onChange. */
const fromPage = Annotation.define();

const languages = { yaml: yaml(), json: json() };

function languageExtension(name) {
  return name === 'json' ? languages.json : languages.yaml;
}

function clamp(n, lo, hi) {
  return Math.min(Math.max(n, lo), hi);
}

/** Document position of a 1-based line and column, clamped into the document. */
function positionOf(doc, line, column) {
  const l = doc.line(clamp(Math.floor(Number(line)) || 1, 1, doc.lines));
  const col = clamp(Math.floor(Number(column)) || 1, 1, l.length + 1);
  return l.from + col - 1;
}

/** 1-based line and column of a document position. */
function lineColumnOf(doc, pos) {
  const l = doc.lineAt(pos);
  return { line: l.number, column: pos - l.from + 1 };
}

// A "token" for a diagnostic without an end: a run of characters that are not space,
// brackets or commas (a YAML/JSON key, scalar or $ref), without a trailing ':'.
const tokenAtStart = /^[^\s,{}[\]]+/;

/** End of the token that starts at `from`, else the end of the line's text. */
function tokenEnd(doc, from) {
  const l = doc.lineAt(from);
  // Look at a bounded slice: a minified JSON line can be megabytes long.
  const rest = doc.sliceString(from, Math.min(l.to, from + 512));
  const m = tokenAtStart.exec(rest);
  if (m) {
    let len = m[0].length;
    if (len > 1 && m[0].endsWith(':')) len -= 1;
    return from + len;
  }
  // At spaces or punctuation: mark to the end of the line, trailing blanks left out.
  const tail = doc.sliceString(from, Math.min(l.to, from + 4096));
  const trimmed = tail.replace(/\s+$/, '');
  return from + (trimmed.length > 0 ? trimmed.length : Math.min(1, l.to - from));
}

const severities = new Set(['error', 'warning', 'info']);

/** Converts the page's diagnostics to CodeMirror's, clamped into the current document. */
function toCmDiagnostics(doc, list) {
  const out = [];
  for (const d of Array.isArray(list) ? list : []) {
    if (!d) continue;
    const from = positionOf(doc, d.line, d.column);
    let to;
    if (d.endLine != null) {
      to = d.endColumn != null
        ? positionOf(doc, d.endLine, d.endColumn)
        : doc.line(clamp(Math.floor(Number(d.endLine)) || 1, 1, doc.lines)).to;
    } else {
      to = tokenEnd(doc, from);
    }
    if (to < from) to = from;
    out.push({
      from,
      to,
      severity: severities.has(d.severity) ? d.severity : 'error',
      message: String(d.message ?? ''),
    });
  }
  return out;
}

/** Wraps the page's completions(context) (items, or a Promise of them) as a CodeMirror completion source. */
function completionSource(completions, textOf) {
  // The word being typed: keys, scalars, `$ref`, and `#/a/b` pointers.
  const word = /[\w$#/.~%-]*/;
  const segmentChars = /^[\w$.~%-]*$/;
  return async (context) => {
    const match = context.matchBefore(word);
    if (!match || (match.from === match.to && !context.explicit)) return null;
    const doc = context.state.doc;
    const { line, column } = lineColumnOf(doc, context.pos);
    const request = { line, column, pos: context.pos, prefix: match.text };
    // The whole text only when the page asks for it: it costs a copy of the document.
    Object.defineProperty(request, 'text', { enumerable: true, get: () => textOf(doc) });
    let items;
    try {
      items = await completions(request);
    } catch (err) {
      console.error('PorticoEditor: completions() threw', err);
      return null;
    }
    if (!Array.isArray(items) || items.length === 0) return null;
    const options = [];
    for (const item of items) {
      if (!item || item.label == null) continue;
      const option = { label: String(item.label) };
      if (item.type != null) option.type = String(item.type);
      if (item.detail != null) option.detail = String(item.detail);
      if (typeof item.apply === 'string' || typeof item.apply === 'function') option.apply = item.apply;
      options.push(option);
    }
    if (options.length === 0) return null;
    // Reuse the list (CodeMirror filters it) while the user goes on typing within one
    // path segment; a '/', or deleting back past the prefix, asks the page again.
    const prefix = match.text;
    const validFor = (typed) => typed.startsWith(prefix) && segmentChars.test(typed.slice(prefix.length));
    return { from: match.from, options, validFor };
  };
}

/** Mounts an editor into `element`; returns the handle the page drives it with. */
function mount(element, options = {}) {
  if (!(element instanceof Element)) throw new TypeError('PorticoEditor.mount: element must be a DOM element');
  const opts = options || {};
  const language = new Compartment();
  const undo = new Compartment();
  const theme = new Compartment();
  const readOnly = new Compartment();

  // One cached copy of the text per document version: onChange and getText share it.
  let cachedDoc = null;
  let cachedText = '';
  const textOf = (doc) => {
    if (doc !== cachedDoc) {
      cachedText = doc.toString();
      cachedDoc = doc;
    }
    return cachedText;
  };

  // onCursor is reported in a microtask, after the editor has settled, so a handle call
  // such as goto() never re-enters the page's code while the page is still inside it.
  // onChange only ever follows the user's edits (never a handle call), so it is called
  // at once; it may call the handle (setDiagnostics, getText...) synchronously.
  let cursorQueued = false;
  let lastCursor = '';
  let destroyed = false;
  const reportCursor = () => {
    cursorQueued = false;
    if (destroyed || typeof opts.onCursor !== 'function') return;
    const state = view.state;
    const { line, column } = lineColumnOf(state.doc, state.selection.main.head);
    const key = line + ':' + column;
    if (key === lastCursor) return;
    lastCursor = key;
    opts.onCursor(line, column);
  };

  // A large document's edit not yet reported through onChange.
  let changePending = false;
  let changeTimer = 0;
  const reportChange = () => {
    clearTimeout(changeTimer);
    changeTimer = 0;
    if (!changePending) return;
    changePending = false;
    if (!destroyed) opts.onChange(textOf(view.state.doc));
  };

  const listener = EditorView.updateListener.of((update) => {
    if (update.docChanged && typeof opts.onChange === 'function'
      && update.transactions.some((tr) => tr.docChanged && !tr.annotation(fromPage))) {
      changePending = true;
      if (update.state.doc.length >= LARGE_DOCUMENT_CHARS) {
        clearTimeout(changeTimer);
        changeTimer = setTimeout(reportChange, CHANGE_PAUSE_MS);
      } else {
        reportChange();
      }
    }
    if ((update.selectionSet || update.docChanged) && !cursorQueued && typeof opts.onCursor === 'function') {
      cursorQueued = true;
      queueMicrotask(reportCursor);
    }
  });

  const save = Prec.highest(keymap.of([{
    key: 'Mod-s',
    preventDefault: true,
    run: () => {
      reportChange();
      if (typeof opts.onSave === 'function') opts.onSave();
      return true;
    },
  }]));

  const completion = typeof opts.completions === 'function'
    ? autocompletion({ override: [completionSource(opts.completions, textOf)] })
    : autocompletion();

  const state = EditorState.create({
    doc: typeof opts.text === 'string' ? opts.text : String(opts.text ?? ''),
    extensions: [
      save,
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      undo.of(history()),
      foldGutter(),
      lintGutter(),
      drawSelection(),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      bracketMatching(),
      rectangularSelection(),
      crosshairCursor(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      completion,
      EditorState.tabSize.of(2),
      indentUnit.of('  '),
      keymap.of([
        ...completionKeymap,
        ...defaultKeymap,
        ...searchKeymap,
        ...historyKeymap,
        ...foldKeymap,
        ...lintKeymap,
        indentWithTab,
      ]),
      language.of(languageExtension(opts.language)),
      theme.of(themeExtension(pageTheme())),
      readOnly.of(EditorState.readOnly.of(!!opts.readOnly)),
      EditorView.editorAttributes.of({ 'data-testid': 'code-editor' }),
      EditorView.contentAttributes.of({ 'aria-label': 'Code editor' }),
      listener,
    ],
  });

  const view = new EditorView({ state, parent: element });

  // Follow the page's theme switch (and the system's, when the page has not chosen).
  let shownTheme = pageTheme();
  const applyTheme = () => {
    const next = pageTheme();
    if (next === shownTheme || destroyed) return;
    shownTheme = next;
    view.dispatch({ effects: theme.reconfigure(themeExtension(next)) });
  };
  const observer = new MutationObserver(applyTheme);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  media?.addEventListener?.('change', applyTheme);

  // setText and replaceText: the differing middle part only, marked as the page's.
  const replaceWith = (text, undoable) => {
    if (destroyed) return;
    reportChange();
    const next = typeof text === 'string' ? text : String(text ?? '');
    const doc = view.state.doc;
    const current = textOf(doc);
    if (current === next) return;
    let start = 0;
    const max = Math.min(current.length, next.length);
    while (start < max && current.charCodeAt(start) === next.charCodeAt(start)) start++;
    let endCur = current.length;
    let endNext = next.length;
    while (endCur > start && endNext > start
      && current.charCodeAt(endCur - 1) === next.charCodeAt(endNext - 1)) {
      endCur--;
      endNext--;
    }
    const changes = { from: start, to: endCur, insert: next.slice(start, endNext) };
    if (undoable) {
      view.dispatch({ changes, annotations: fromPage.of(true), userEvent: 'input.replace' });
    } else {
      view.dispatch({ changes, annotations: fromPage.of(true), effects: undo.reconfigure([]) });
      view.dispatch({ effects: undo.reconfigure(history()) });
    }
    // The new document is exactly `next`: keep it as the cached text.
    cachedDoc = view.state.doc;
    cachedText = next;
  };

  const handle = {
    /** The current text. */
    getText() {
      return destroyed ? cachedText : textOf(view.state.doc);
    },

    /**
     * Replaces the text without calling onChange for it, like loading a file (an edit
     * of the user's still pending is reported first): the undo history starts afresh
     * (undo must never bring back another file's text). Only the part that differs is
     * replaced, so scroll position, cursor and folds outside it stay put.
     */
    setText(text) {
      replaceWith(text, false);
    },

    /**
     * Like setText, for a new version of the same file (a conversion the page made): the
     * replacement is one step of the undo history, so Ctrl/Cmd-Z brings the text before
     * it back (and reports it through onChange, as any undo).
     */
    replaceText(text) {
      replaceWith(text, true);
    },

    /** Switches the syntax: 'yaml' or 'json'. */
    setLanguage(name) {
      if (destroyed) return;
      view.dispatch({ effects: language.reconfigure(languageExtension(name)) });
    },

    /**
     * Shows diagnostics in the lint gutter and as underlines, replacing earlier ones.
     * Items: { line, column, endLine?, endColumn?, severity, message }, 1-based; the end
     * is exclusive; without an end the token at (line, column) is marked (else the rest
     * of the line). Positions outside the document are clamped into it.
     */
    setDiagnostics(list) {
      if (destroyed) return;
      view.dispatch(lintSetDiagnostics(view.state, toCmDiagnostics(view.state.doc, list)));
    },

    /** Puts the cursor at (line, column), scrolls it into the middle of the view, focuses. */
    goto(line, column) {
      if (destroyed) return;
      const pos = positionOf(view.state.doc, line, column);
      view.dispatch({
        selection: { anchor: pos },
        effects: EditorView.scrollIntoView(pos, { y: 'center' }),
        userEvent: 'select',
      });
      view.focus();
    },

    /** Focuses the editor. */
    focus() {
      if (!destroyed) view.focus();
    },

    /** Reports an edit still waiting for a pause through onChange now. */
    flush() {
      reportChange();
    },

    /**
     * Removes the editor from the page and stops following the theme, after reporting a
     * pending edit. Safe to call twice.
     */
    destroy() {
      if (destroyed) return;
      reportChange();
      destroyed = true;
      cachedText = textOf(view.state.doc);
      observer.disconnect();
      media?.removeEventListener?.('change', applyTheme);
      view.destroy();
    },
  };
  return handle;
}

/**
 * A ZIP archive (bytes) of files given as { path: text }, each at its path: "download the
 * project". Deflated; the times are those of the download.
 */
function zipFiles(files) {
  const entries = {};
  for (const [path, text] of Object.entries(files)) entries[path] = strToU8(String(text));
  return zipSync(entries, { level: 6 });
}

window.PorticoEditor = Object.freeze({ mount, zipFiles, version: '1' });
window.PorticoDrafts = drafts;
// For a page whose script runs before this bundle has loaded.
window.dispatchEvent(new Event('portico-editor-ready'));
