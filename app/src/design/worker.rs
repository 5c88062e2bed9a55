//! Analysis in a Web Worker for large projects. The worker
//! (`public/analysis-worker.js`) loads this same WASM module and calls
//! [`analyze_project_for_worker`]; the page posts the files and receives the result as
//! JSON, so a multi-megabyte document never blocks typing.

use serde::{Deserialize, Serialize};

/// Projects larger than this (in bytes) are analysed in the worker.
pub const WORKER_THRESHOLD_BYTES: usize = 256 * 1024;

/// What the worker sends back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerAnalysis {
    pub diagnostics: Vec<spec::Diagnostic>,
    pub model: Option<spec::Model>,
    pub millis: f64,
}

/// Entry point for the worker: files as a JSON object of path -> text.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = portico_analyze_project)]
pub fn analyze_project_for_worker(files_json: &str, main: &str) -> String {
    let started = super::workspace::now_millis();
    let files: std::collections::BTreeMap<String, String> =
        serde_json::from_str(files_json).unwrap_or_default();
    let analysis = spec::analyze(&spec::Input::project(files, main));
    let result = WorkerAnalysis {
        diagnostics: analysis.diagnostics,
        model: analysis.model,
        millis: super::workspace::now_millis() - started,
    };
    serde_json::to_string(&result).unwrap_or_default()
}

/// The page's handle on the analysis worker: one request in flight at a time; edits
/// made meanwhile are remembered and sent when the answer arrives.
pub struct AnalysisWorker {
    worker: web_sys::Worker,
    busy: std::cell::Cell<bool>,
    pending: std::cell::Cell<bool>,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl AnalysisWorker {
    /// Starts the worker; `on_result` receives each answer's JSON. `None` where workers
    /// cannot run (the caller then analyses on the main thread).
    pub fn start(on_result: impl Fn(String) + 'static) -> Option<AnalysisWorker> {
        use wasm_bindgen::JsCast;
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options("/analysis-worker.js", &options).ok()?;
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let result = js_sys::Reflect::get(&event.data(), &"result".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                on_result(result);
            },
        );
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(AnalysisWorker {
            worker,
            busy: std::cell::Cell::new(false),
            pending: std::cell::Cell::new(false),
            _on_message: on_message,
        })
    }

    /// Posts an analysis request, or remembers that one is due when the worker is busy.
    pub fn request(&self, files: &std::collections::BTreeMap<String, String>, main: &str) -> bool {
        if self.busy.get() {
            self.pending.set(true);
            return true;
        }
        let message = js_sys::Object::new();
        let files_js = js_sys::Object::new();
        for (path, text) in files {
            let _ = js_sys::Reflect::set(&files_js, &path.into(), &text.into());
        }
        let _ = js_sys::Reflect::set(&message, &"files".into(), &files_js);
        let _ = js_sys::Reflect::set(&message, &"main".into(), &main.into());
        if self.worker.post_message(&message).is_err() {
            return false;
        }
        self.busy.set(true);
        true
    }

    /// Called when an answer arrived: frees the worker and says whether edits are waiting.
    pub fn take_pending(&self) -> bool {
        self.busy.set(false);
        self.pending.replace(false)
    }
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
