//! The state of an open project in the editor and what happens on each edit: the text
//! goes into a local draft at once, the spec engine re-analyses it shortly after (in the
//! browser's engine worker, the same code as the server), and autosave sends it to the
//! server. Nothing is dropped: a draft is forgotten only when the server holds exactly
//! that text.

use std::time::Duration;

use leptos::prelude::*;
use leptos::prelude::{TimeoutHandle, set_timeout_with_handle};
use leptos::task::spawn_local;

use super::bridge::{Editor, EditorMark};
use super::draft::{self, Draft};
use super::server::SaveFile;
use super::upload;
use crate::engine_client;
use portico_types::design::is_json;
use portico_types::{Project, SaveResult};

/// Wait after the last keystroke before autosaving.
const AUTOSAVE_DELAY: Duration = Duration::from_millis(1200);
/// Wait before retrying a save that failed (server down, network).
const RETRY_DELAY: Duration = Duration::from_secs(4);
/// Wait after a keystroke before writing the local draft.
const DRAFT_DELAY: Duration = Duration::from_millis(250);
/// Projects larger than this (in bytes) wait out a burst of keystrokes before they are
/// sent to the engine: each analysis takes longer than a keystroke's interval.
const BURST_FROM_BYTES: usize = 256 * 1024;
/// Pause after the last keystroke before a large project is sent to the engine.
const BURST_PAUSE: Duration = Duration::from_millis(150);

/// One file as the editor holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileState {
    pub path: String,
    pub content: String,
    /// The server revision `content` was loaded from or last saved as.
    pub revision: Option<i64>,
    /// The text the server holds at `revision`.
    pub saved_content: String,
}

impl FileState {
    /// Whether the file has edits the server does not hold yet.
    pub fn dirty(&self) -> bool {
        self.content != self.saved_content || self.revision.is_none()
    }
}

/// Where saving stands, as shown beside the toolbar.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    Saved,
    /// Edits not yet sent (kept in this browser).
    Pending,
    Saving,
    /// The last save failed; the text is kept in this browser and retried.
    Failed(String),
    /// Someone else saved this file first; the user chooses.
    Conflict(String),
    /// Drafts from an earlier visit were restored and will be saved.
    Restored,
}

impl SaveState {
    /// The words shown to the user.
    pub fn label(&self) -> String {
        match self {
            SaveState::Saved => "All changes saved".into(),
            SaveState::Pending => "Unsaved changes (kept in this browser)".into(),
            SaveState::Saving => "Saving…".into(),
            SaveState::Failed(reason) => {
                format!("Not saved: {reason} Your text is kept in this browser; retrying.")
            }
            SaveState::Conflict(path) => {
                format!("{path} was changed elsewhere since you opened it.")
            }
            SaveState::Restored => "Restored unsaved changes from this browser".into(),
        }
    }
}

/// Everything the editor page shares; every field is a handle, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub project_id: StoredValue<String>,
    pub can_edit: bool,
    pub files: RwSignal<Vec<FileState>>,
    pub main: RwSignal<String>,
    pub current: RwSignal<String>,
    /// What the last analysis found.
    pub analysis: RwSignal<spec_engine::ProjectAnalysis>,
    pub save_state: RwSignal<SaveState>,
    /// Key of this workspace's editor in the browser-only registry below.
    slot: u64,
    saving: StoredValue<bool>,
    save_timer: StoredValue<Option<TimeoutHandle>>,
    draft_timer: StoredValue<Option<TimeoutHandle>>,
    analysis_timer: StoredValue<Option<TimeoutHandle>>,
    /// An analysis is queued to run after the current task's code.
    analysis_queued: StoredValue<bool>,
    /// An analysis is with the engine; edits made meanwhile are sent when it answers.
    analysis_busy: StoredValue<bool>,
    /// Edits arrived while the engine was busy.
    analysis_pending: StoredValue<bool>,
    /// The organisation's governance profile as it applies here (JSON, empty for none):
    /// its rulesets run with every analysis.
    pub governance: StoredValue<String>,
    /// The organisation the project belongs to.
    pub organization: StoredValue<String>,
    /// Documents of the published assets the project references (`portico:…`), read
    /// only and never saved: see [`super::dependencies`].
    pub dependencies: StoredValue<super::dependencies::Known>,
}

/// Stops a timer that has not fired yet.
fn cancel(timer: StoredValue<Option<TimeoutHandle>>) {
    if let Some(handle) = timer.get_value() {
        handle.clear();
    }
    timer.set_value(None);
}

/// Runs `run` after `delay`, instead of what `timer` was waiting to run.
pub(crate) fn restart(
    timer: StoredValue<Option<TimeoutHandle>>,
    delay: Duration,
    run: impl FnOnce() + 'static,
) {
    cancel(timer);
    timer.set_value(set_timeout_with_handle(run, delay).ok());
}

/// How long to wait after a keystroke before re-analysing: at once unless the project
/// is large. The engine worker never blocks typing and takes one request at a time
/// (the newest text is sent when it is free); a large project also waits out a burst
/// of keystrokes, whose analyses would be stale before they finish.
fn analysis_delay(bytes: usize) -> Duration {
    if bytes > BURST_FROM_BYTES {
        BURST_PAUSE
    } else {
        Duration::ZERO
    }
}

/// Next registry key.
static NEXT_SLOT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    /// The editors of open workspaces. JavaScript objects live on the browser's one
    /// thread; keeping them here (not in reactive storage) means a page rendered on the
    /// server, where none exist, never touches them from another thread.
    static EDITORS: std::cell::RefCell<std::collections::HashMap<u64, Editor>> = Default::default();
}

impl Workspace {
    /// The workspace of a freshly loaded project (drafts are restored later, in the browser).
    pub fn new(project: &Project) -> Workspace {
        let files = project
            .files
            .iter()
            .map(|f| FileState {
                path: f.path.clone(),
                content: f.content.clone(),
                revision: Some(f.revision),
                saved_content: f.content.clone(),
            })
            .collect();
        Workspace {
            project_id: StoredValue::new(project.id.clone()),
            can_edit: project.can_edit,
            files: RwSignal::new(files),
            main: RwSignal::new(project.main_file.clone()),
            current: RwSignal::new(project.main_file.clone()),
            analysis: RwSignal::new(spec_engine::ProjectAnalysis::default()),
            save_state: RwSignal::new(SaveState::Saved),
            slot: NEXT_SLOT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            saving: StoredValue::new(false),
            save_timer: StoredValue::new(None),
            draft_timer: StoredValue::new(None),
            analysis_timer: StoredValue::new(None),
            analysis_queued: StoredValue::new(false),
            analysis_busy: StoredValue::new(false),
            analysis_pending: StoredValue::new(false),
            governance: StoredValue::new(String::new()),
            organization: StoredValue::new(project.group.clone()),
            dependencies: StoredValue::new(Default::default()),
        }
    }

    /// Runs `f` with this workspace's editor, if one is mounted (browser only).
    pub fn with_editor(&self, f: impl FnOnce(&Editor)) {
        EDITORS.with_borrow(|editors| {
            if let Some(editor) = editors.get(&self.slot) {
                f(editor);
            }
        });
    }

    /// Takes in an edit the editor holds back until a pause in typing (large documents):
    /// before anything reads, replaces or saves the files.
    pub fn flush_edits(&self) {
        self.with_editor(Editor::flush);
    }

    /// Registers the mounted editor.
    pub fn set_editor(&self, editor: Editor) {
        EDITORS.with_borrow_mut(|editors| {
            editors.insert(self.slot, editor);
        });
    }

    /// Removes the editor (the page is going away).
    pub fn close(&self) {
        if let Some(editor) = EDITORS.with_borrow_mut(|editors| editors.remove(&self.slot)) {
            editor.destroy();
        }
    }

    /// The text of a file.
    pub fn content_of(&self, path: &str) -> Option<String> {
        self.files.with_untracked(|files| {
            files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.content.clone())
        })
    }

    /// Brings back drafts kept by an earlier visit that the server does not hold (before
    /// the editor is mounted, so nothing typed can race it).
    pub async fn restore_drafts(&self) {
        let id = self.project_id.get_value();
        let paths: Vec<String> = self
            .files
            .with_untracked(|files| files.iter().map(|f| f.path.clone()).collect());
        let mut kept = Vec::new();
        for path in paths {
            if let Some(draft) = draft::load(&id, &path).await {
                kept.push((path, draft));
            }
        }
        if self.project_id.try_get_value().is_none() {
            return; // The page was left while reading.
        }
        let mut restored = false;
        self.files.update(|files| {
            for (path, kept) in kept {
                let Some(file) = files.iter_mut().find(|f| f.path == path) else {
                    continue;
                };
                if kept.content == file.saved_content {
                    draft::forget(&id, &file.path);
                } else {
                    file.content = kept.content;
                    file.revision = kept.base_revision.or(file.revision);
                    restored = true;
                }
            }
        });
        if restored {
            self.save_state.set(SaveState::Restored);
            if self.can_edit {
                self.schedule_save(AUTOSAVE_DELAY);
            }
        }
    }

    /// Called for every edit of the current file.
    pub fn on_edit(&self, text: String) {
        let path = self.current.get_untracked();
        let bytes = text.len();
        self.files.update(|files| {
            if let Some(file) = files.iter_mut().find(|f| f.path == path) {
                file.content = text;
            }
        });
        if !matches!(self.save_state.get_untracked(), SaveState::Conflict(_)) {
            self.save_state.set(SaveState::Pending);
        }
        let ws = *self;
        restart(self.draft_timer, DRAFT_DELAY, move || ws.keep_drafts());
        self.schedule_analysis(analysis_delay(bytes));
        if self.can_edit {
            self.schedule_save(AUTOSAVE_DELAY);
        }
    }

    /// Writes every dirty file to the browser's storage.
    pub fn keep_drafts(&self) {
        let id = self.project_id.get_value();
        self.files.with_untracked(|files| {
            for file in files.iter().filter(|f| f.dirty()) {
                let kept = draft::keep(
                    &id,
                    &file.path,
                    &Draft {
                        content: file.content.as_str(),
                        base_revision: file.revision,
                        kept_at: draft::now(),
                    },
                );
                if !kept {
                    leptos::logging::warn!(
                        "could not keep a draft of {} in this browser",
                        file.path
                    );
                }
            }
        });
    }

    /// Re-analyses after `delay` unless another edit comes first. Without a delay it
    /// runs right after the current task's code, before the browser paints: a timer
    /// would wait behind the frame that shows the typed character (~15 ms), and the
    /// preview would only follow a frame later.
    pub fn schedule_analysis(&self, delay: Duration) {
        let ws = *self;
        if delay.is_zero() {
            cancel(self.analysis_timer);
            if !self.analysis_queued.get_value() {
                self.analysis_queued.set_value(true);
                queue_microtask(move || {
                    // Unless the page was left meanwhile.
                    if ws.analysis_queued.try_set_value(false).is_none() {
                        ws.analyze_now();
                    }
                });
            }
            return;
        }
        restart(self.analysis_timer, delay, move || ws.analyze_now());
    }

    /// Sends the project to the engine worker and shows its answer; while an analysis
    /// is with the engine, edits are remembered and the newest text goes next.
    pub fn analyze_now(&self) {
        if self.analysis_busy.get_value() {
            self.analysis_pending.set_value(true);
            return;
        }
        let files = self.files.with_untracked(|files| {
            self.dependencies.with_value(|published| {
                let published = published
                    .iter()
                    .filter_map(|(file, text)| Some((file.as_str(), text.as_deref()?)));
                engine_client::project_files(
                    files
                        .iter()
                        .map(|f| (f.path.as_str(), f.content.as_str()))
                        .chain(published),
                )
            })
        });
        let main = self.main.get_untracked();
        let governance = self.governance.get_value();
        self.analysis_busy.set_value(true);
        let ws = *self;
        spawn_local(async move {
            let answer = engine_client::analyze(files, &main, &governance).await;
            // The page may have closed meanwhile.
            if ws.analysis_busy.try_set_value(false).is_some() {
                return;
            }
            match answer {
                Ok(analysis) => {
                    let missing = analysis.missing_dependencies.clone();
                    ws.show_analysis(analysis);
                    super::dependencies::fetch_missing(ws, missing);
                }
                // Said where the user looks; the last documentation stays.
                Err(error) => ws.analysis.update(|shown| {
                    shown.diagnostics =
                        vec![spec_engine::Diagnostic::error(&main, "", error.to_string())];
                }),
            }
            if ws.analysis_pending.get_value() {
                ws.analysis_pending.set_value(false);
                ws.analyze_now();
            }
        });
    }

    fn show_analysis(&self, view: spec_engine::ProjectAnalysis) {
        self.analysis.set(view);
        // The preview re-renders in effects that run after this task's code, in its
        // microtasks; the next task sees the updated page. On a large project the
        // editor's gutter follows in a task of its own: the preview and the gutter take
        // tens of milliseconds each there.
        let large = self.files.with_untracked(|files| {
            files.iter().map(|f| f.content.len()).sum::<usize>() >= BURST_FROM_BYTES
        });
        if large {
            let ws = *self;
            set_timeout(
                move || {
                    if ws.project_id.try_get_value().is_some() {
                        ws.show_marks();
                    }
                },
                Duration::ZERO,
            );
        } else {
            self.show_marks();
        }
        set_timeout(
            || mark_performance("portico-preview-updated"),
            Duration::ZERO,
        );
    }

    /// Hands the current file's diagnostics to the editor gutter.
    pub fn show_marks(&self) {
        let current = self.current.get_untracked();
        let marks: Vec<EditorMark> = self.analysis.with_untracked(|a| {
            a.diagnostics
                .iter()
                .filter(|d| d.file == current)
                .map(|d| EditorMark {
                    line: d.line.unwrap_or(1),
                    column: d.column.unwrap_or(1),
                    severity: match d.severity {
                        spec_engine::Severity::Error => "error",
                        spec_engine::Severity::Warning => "warning",
                        spec_engine::Severity::Info => "info",
                        spec_engine::Severity::Hint => "hint",
                    },
                    message: d.message.clone(),
                })
                .collect()
        });
        self.with_editor(|editor| {
            editor.set_diagnostics(&marks);
        });
    }

    /// Shows another file in the editor.
    pub fn open_file(&self, path: &str) {
        self.flush_edits();
        let Some(text) = self.content_of(path) else {
            return;
        };
        self.current.set(path.to_owned());
        self.with_editor(|editor| {
            editor.set_text(&text);
            editor.set_language(if is_json(path) { "json" } else { "yaml" });
        });
        self.show_marks();
    }

    /// Replaces the current file's text (a conversion), as if typed: saved like an edit,
    /// and undone with Ctrl/Cmd-Z.
    pub fn replace_current(&self, text: String) {
        self.with_editor(|editor| {
            editor.replace_text(&text);
        });
        self.on_edit(text);
    }

    /// Jumps to a place, opening its file first when needed.
    pub fn goto(&self, path: &str, line: u32, column: u32) {
        if self.current.get_untracked() != path {
            self.open_file(path);
        }
        self.with_editor(|editor| {
            editor.goto(line, column);
        });
    }

    /// Saves after `delay` unless another edit comes first.
    pub fn schedule_save(&self, delay: Duration) {
        let ws = *self;
        restart(self.save_timer, delay, move || ws.save_now(false));
    }

    /// Whether a save is on its way to the server.
    pub fn saving_in_progress(&self) -> bool {
        self.saving.get_value()
    }

    /// Saves in the background (autosave, Ctrl-S, the Save button).
    pub fn save_now(&self, force: bool) {
        let ws = *self;
        spawn_local(async move { ws.save_all(force).await });
    }

    /// Sends every dirty file to the server, one after another. `force` overwrites a
    /// newer revision on the server (the user chose to keep their text).
    pub async fn save_all(self, force: bool) {
        if !self.can_edit || self.saving.get_value() {
            return;
        }
        self.flush_edits();
        let pending: Vec<(String, String, Option<i64>)> = self.files.with_untracked(|files| {
            files
                .iter()
                .filter(|f| f.dirty())
                .map(|f| (f.path.clone(), f.content.clone(), f.revision))
                .collect()
        });
        if pending.is_empty() {
            self.save_state.set(SaveState::Saved);
            return;
        }
        // No draft is written here: the one written after the last edit (DRAFT_DELAY)
        // stays until the server confirms, and writing a multi-MB draft again would
        // hold the page.
        self.saving.set_value(true);
        self.save_state.set(SaveState::Saving);
        let ws = self;
        let id = ws.project_id.get_value();
        let mut outcome = SaveState::Saved;
        for (path, sent, base_revision) in pending {
            let args = SaveFile {
                id: id.clone(),
                path: path.clone(),
                content: sent.clone(),
                base_revision,
                force,
            };
            match upload::save(args).await {
                Ok(SaveResult::Saved { revision }) => {
                    let still_same = ws.files.try_update(|files| {
                        files.iter_mut().find(|f| f.path == path).map(|f| {
                            f.revision = Some(revision);
                            let same = f.content == sent;
                            f.saved_content = sent;
                            same
                        })
                    });
                    if still_same.flatten() == Some(true) {
                        draft::forget(&id, &path);
                    }
                }
                Ok(SaveResult::Conflict { .. }) => {
                    outcome = SaveState::Conflict(path);
                    break;
                }
                Err(error) => {
                    outcome = SaveState::Failed(error.to_string());
                    break;
                }
            }
        }
        ws.saving.set_value(false);
        let retry = matches!(outcome, SaveState::Failed(_));
        let more = ws
            .files
            .with_untracked(|files| files.iter().any(FileState::dirty));
        ws.save_state.set(match outcome {
            SaveState::Saved if more => SaveState::Pending,
            other => other,
        });
        if retry {
            ws.schedule_save(RETRY_DELAY);
        } else if more && matches!(ws.save_state.get_untracked(), SaveState::Pending) {
            ws.schedule_save(AUTOSAVE_DELAY);
        }
    }

    /// Resolves a conflict by loading the server's text of the file (the local text is
    /// dropped only after the user chose this).
    pub fn take_theirs(&self, path: String, content: String, revision: i64) {
        self.flush_edits();
        let id = self.project_id.get_value();
        self.files.update(|files| {
            if let Some(f) = files.iter_mut().find(|f| f.path == path) {
                f.content = content.clone();
                f.saved_content = content.clone();
                f.revision = Some(revision);
            }
        });
        draft::forget(&id, &path);
        if self.current.get_untracked() == path {
            self.with_editor(|editor| {
                editor.set_text(&content);
            });
        }
        self.save_state.set(SaveState::Saved);
        self.schedule_analysis(Duration::from_millis(0));
    }
}

/// Milliseconds on the page's (or the worker's) clock; 0 on the server.
pub fn now_millis() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| {
            let now = js_sys::Reflect::get(&p, &"now".into()).ok()?;
            let now: js_sys::Function = wasm_bindgen::JsCast::dyn_into(now).ok()?;
            now.call0(&p).ok()?.as_f64()
        })
        .unwrap_or(0.0)
}

/// A `performance.mark`, so benchmarks can measure keystroke-to-preview in the browser.
fn mark_performance(name: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(performance) = js_sys::Reflect::get(&window, &"performance".into()) else {
        return;
    };
    if let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into())
        && let Ok(mark) = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(mark)
    {
        let _ = mark.call1(&performance, &name.into());
    }
}
