// Light and dark looks for the editor. Colours come from the page's CSS variables
// (style/main.css) where it has them, with fallbacks so the bundle also looks right on a
// bare page such as the smoke test's.

import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

const base = {
  '&': {
    height: '100%',
    fontSize: '13px',
    backgroundColor: 'var(--surface, VAR_BG)',
    color: 'var(--text, VAR_FG)',
  },
  '.cm-scroller': {
    fontFamily: 'var(--mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
    lineHeight: '1.5',
    overflow: 'auto',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-content': { caretColor: 'VAR_CARET' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'VAR_CARET' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg, VAR_GUTTER_BG)',
    color: 'var(--muted, VAR_MUTED)',
    borderRight: '1px solid var(--border, VAR_BORDER)',
  },
  '.cm-activeLine': { backgroundColor: 'VAR_ACTIVE_LINE' },
  '.cm-activeLineGutter': { backgroundColor: 'VAR_ACTIVE_LINE', color: 'var(--text, VAR_FG)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
    { backgroundColor: 'VAR_SELECTION' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'VAR_BRACKET', outline: '1px solid VAR_BRACKET_OUTLINE' },
  '&.cm-focused .cm-nonmatchingBracket': { backgroundColor: 'var(--danger-bg, VAR_DANGER_BG)' },
  '.cm-searchMatch': { backgroundColor: 'VAR_SEARCH', outline: '1px solid VAR_SEARCH_OUTLINE' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'VAR_SEARCH_SELECTED' },
  '.cm-foldPlaceholder': {
    backgroundColor: 'transparent',
    border: '1px solid var(--border, VAR_BORDER)',
    color: 'var(--muted, VAR_MUTED)',
    padding: '0 4px',
  },
  '.cm-foldGutter .cm-gutterElement': { cursor: 'pointer', padding: '0 4px', opacity: '0.55' },
  '.cm-foldGutter .cm-gutterElement:hover': { opacity: '1' },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface, VAR_BG)',
    color: 'var(--text, VAR_FG)',
    border: '1px solid var(--border, VAR_BORDER)',
    borderRadius: '4px',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent, VAR_ACCENT)',
    color: 'var(--accent-text, VAR_ACCENT_TEXT)',
  },
  '.cm-completionDetail': { color: 'var(--muted, VAR_MUTED)', fontStyle: 'normal', marginLeft: '1em' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected] .cm-completionDetail': { color: 'inherit', opacity: '0.8' },
  '.cm-panels': {
    backgroundColor: 'var(--bg, VAR_GUTTER_BG)',
    color: 'var(--text, VAR_FG)',
  },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--border, VAR_BORDER)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--border, VAR_BORDER)' },
  '.cm-textfield': {
    backgroundColor: 'var(--surface, VAR_BG)',
    color: 'var(--text, VAR_FG)',
    border: '1px solid var(--border, VAR_BORDER)',
  },
};

const palettes = {
  light: {
    VAR_BG: '#ffffff', VAR_FG: '#1d2327', VAR_MUTED: '#5b6670', VAR_BORDER: '#dde1e4',
    VAR_GUTTER_BG: '#f7f7f5', VAR_CARET: '#1d2327', VAR_ACTIVE_LINE: 'rgba(35, 88, 196, 0.06)',
    VAR_SELECTION: 'rgba(35, 88, 196, 0.22)', VAR_BRACKET: 'rgba(35, 160, 80, 0.18)',
    VAR_BRACKET_OUTLINE: 'rgba(35, 160, 80, 0.5)', VAR_DANGER_BG: '#fdecea',
    VAR_SEARCH: 'rgba(255, 200, 0, 0.35)', VAR_SEARCH_OUTLINE: 'rgba(200, 150, 0, 0.6)',
    VAR_SEARCH_SELECTED: 'rgba(255, 140, 0, 0.45)', VAR_ACCENT: '#2358c4', VAR_ACCENT_TEXT: '#ffffff',
  },
  dark: {
    VAR_BG: '#1c2024', VAR_FG: '#e6e8ea', VAR_MUTED: '#9aa4ad', VAR_BORDER: '#2e343a',
    VAR_GUTTER_BG: '#14171a', VAR_CARET: '#e6e8ea', VAR_ACTIVE_LINE: 'rgba(122, 165, 255, 0.07)',
    VAR_SELECTION: 'rgba(122, 165, 255, 0.28)', VAR_BRACKET: 'rgba(120, 220, 150, 0.18)',
    VAR_BRACKET_OUTLINE: 'rgba(120, 220, 150, 0.5)', VAR_DANGER_BG: '#3a1d1b',
    VAR_SEARCH: 'rgba(255, 210, 60, 0.22)', VAR_SEARCH_OUTLINE: 'rgba(255, 210, 60, 0.5)',
    VAR_SEARCH_SELECTED: 'rgba(255, 150, 40, 0.4)', VAR_ACCENT: '#7aa5ff', VAR_ACCENT_TEXT: '#0b1220',
  },
};

// Fills the VAR_* placeholders of the shared spec with one palette.
function fill(spec, palette) {
  const out = {};
  for (const [selector, rules] of Object.entries(spec)) {
    const filled = {};
    for (const [prop, value] of Object.entries(rules)) {
      filled[prop] = value.replace(/VAR_[A-Z_]+/g, (name) => palette[name] ?? name);
    }
    out[selector] = filled;
  }
  return out;
}

const lightHighlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: '#1a4fa8' },
  { tag: [t.string, t.special(t.string)], color: '#0a7a3e' },
  { tag: [t.number, t.bool, t.null, t.atom], color: '#a3490a' },
  { tag: [t.keyword, t.typeName], color: '#7a2bb3' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: '#6b7580', fontStyle: 'italic' },
  { tag: [t.meta, t.labelName, t.annotation], color: '#8a5a00' },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: '#5b6670' },
  { tag: t.invalid, color: '#b42318' },
]);

const darkHighlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: '#8cb8ff' },
  { tag: [t.string, t.special(t.string)], color: '#8fe0aa' },
  { tag: [t.number, t.bool, t.null, t.atom], color: '#f6c87a' },
  { tag: [t.keyword, t.typeName], color: '#d2a8ff' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: '#8b949e', fontStyle: 'italic' },
  { tag: [t.meta, t.labelName, t.annotation], color: '#e3b341' },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: '#9aa4ad' },
  { tag: t.invalid, color: '#ff8a80' },
], { themeType: 'dark' });

const themes = {
  light: [EditorView.theme(fill(base, palettes.light), { dark: false }), syntaxHighlighting(lightHighlight)],
  dark: [EditorView.theme(fill(base, palettes.dark), { dark: true }), syntaxHighlighting(darkHighlight)],
};

/** The extensions for 'light' or 'dark' (anything else is light). */
export function themeExtension(name) {
  return name === 'dark' ? themes.dark : themes.light;
}

/** The theme the page shows now: its data-theme attribute, else the system's preference. */
export function pageTheme() {
  const attr = document.documentElement.getAttribute('data-theme');
  if (attr === 'dark' || attr === 'light') return attr;
  return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
