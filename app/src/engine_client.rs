//! The page's handle on the spec engine, which runs in a Web Worker
//! (`/engine-worker.js` loading the `spec-worker` crate's WASM): the page's own WASM
//! carries no parser, validator or official schemas, and no analysis ever blocks typing.
//! One worker per page, started on first use; every call is answered in order of its id.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

pub use spec_engine::{Converted, ProjectAnalysis};

/// Why the engine gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError(pub String);

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the spec engine did not answer: {}", self.0)
    }
}

struct EngineWorker {
    worker: web_sys::Worker,
    /// It reported an error: the next call starts a new one (a broken deployment may
    /// have been mended; the failed worker is dropped there, not inside its own callback).
    failed: bool,
    next_id: u32,
    waiting: HashMap<u32, js_sys::Function>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

thread_local! {
    static ENGINE: RefCell<Option<EngineWorker>> = const { RefCell::new(None) };
}

fn field(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Answers every waiting call with `error` and marks the worker failed (it could not
/// load or it crashed).
fn fail_all(error: &str) {
    let waiting: Vec<js_sys::Function> = ENGINE.with_borrow_mut(|engine| {
        engine
            .as_mut()
            .map(|e| {
                e.failed = true;
                e.waiting.drain().map(|(_, resolve)| resolve).collect()
            })
            .unwrap_or_default()
    });
    let answer = JsValue::from(serde_json::json!({ "error": error }).to_string());
    for resolve in waiting {
        let _ = resolve.call1(&JsValue::NULL, &answer);
    }
}

fn start() -> Result<EngineWorker, EngineError> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options("/engine-worker.js", &options)
        .map_err(|error| EngineError(format!("{error:?}")))?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let id = field(&data, "id").as_f64().unwrap_or(-1.0) as u32;
            let failed = field(&data, "failed").as_bool().unwrap_or(false);
            let resolve = ENGINE.with_borrow_mut(|engine| {
                engine.as_mut().and_then(|e| {
                    e.failed |= failed;
                    e.waiting.remove(&id)
                })
            });
            if let Some(resolve) = resolve {
                let _ = resolve.call1(&JsValue::NULL, &field(&data, "result"));
            }
        });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
        fail_all("the engine worker failed to load or stopped");
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(EngineWorker {
        worker,
        failed: false,
        next_id: 0,
        waiting: HashMap::new(),
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Runs `op(args…)` in the worker and returns its text answer.
async fn call(op: &str, args: js_sys::Array) -> Result<String, EngineError> {
    let mut resolve_slot = None;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| resolve_slot = Some(resolve));
    let resolve = resolve_slot.expect("the Promise executor runs at once");
    let posted = ENGINE.with_borrow_mut(|engine| -> Result<(), EngineError> {
        if engine.as_ref().is_none_or(|e| e.failed) {
            *engine = Some(start()?);
        }
        let engine = engine.as_mut().expect("just started");
        let id = engine.next_id;
        engine.next_id = engine.next_id.wrapping_add(1);
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"id".into(), &id.into());
        let _ = js_sys::Reflect::set(&message, &"op".into(), &op.into());
        let _ = js_sys::Reflect::set(&message, &"args".into(), &args);
        engine
            .worker
            .post_message(&message)
            .map_err(|error| EngineError(format!("{error:?}")))?;
        engine.waiting.insert(id, resolve);
        Ok(())
    });
    posted?;
    let answer = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|error| EngineError(format!("{error:?}")))?;
    answer
        .as_string()
        .ok_or_else(|| EngineError("an answer that is not text".into()))
}

/// Decodes an answer, or the `{"error": …}` the worker sends when an entry point failed.
fn decode<T: DeserializeOwned>(answer: &str) -> Result<T, EngineError> {
    serde_json::from_str(answer).map_err(|decode_error| {
        let reported = serde_json::from_str::<serde_json::Value>(answer)
            .ok()
            .and_then(|v| v.get("error")?.as_str().map(str::to_owned));
        EngineError(reported.unwrap_or_else(|| decode_error.to_string()))
    })
}

/// The files of a project as the object [`analyze`] sends: each text is copied once,
/// straight into a JavaScript string (the worker serialises the object itself).
pub fn project_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (path, text) in files {
        let _ = js_sys::Reflect::set(&object, &path.into(), &text.into());
    }
    object
}

/// Diagnostics and model of a project; `files` comes from [`project_files`].
/// `profile` is the organisation's governance profile as JSON (empty for none): its
/// rulesets run beside the schema checks.
pub async fn analyze(
    files: js_sys::Object,
    main: &str,
    profile: &str,
) -> Result<ProjectAnalysis, EngineError> {
    let answer = call(
        "analyze",
        js_sys::Array::of3(&files, &main.into(), &profile.into()),
    )
    .await?;
    // A large answer takes tens of milliseconds to copy in, as long to read and as long
    // again to show: each is a task of its own, so that they never add up to one long
    // task.
    let large = answer.len() > SPLIT_FROM_BYTES;
    if large {
        next_task().await;
    }
    let decoded = decode(&answer);
    if large {
        drop(answer);
        next_task().await;
    }
    decoded
}

/// Answers from this size on are copied in, read and shown in separate tasks (Stripe's
/// 4 MB spec gives 2.3 MB); below, the hops between tasks would only add latency.
const SPLIT_FROM_BYTES: usize = 1024 * 1024;

/// Resolves in a new task (a zero-delay timer).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("a page")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// `text` converted to JSON (`to_json`) or YAML.
pub async fn convert(text: &str, to_json: bool) -> Result<Converted, EngineError> {
    let answer = call("convert", js_sys::Array::of2(&text.into(), &to_json.into())).await?;
    decode(&answer)
}

/// An AsyncAPI 2.x `text` upgraded to AsyncAPI 3.0, in the same syntax.
pub async fn upgrade(text: &str) -> Result<Converted, EngineError> {
    let answer = call("upgrade", js_sys::Array::of1(&text.into())).await?;
    decode(&answer)
}

/// Completions at the cursor as CodeMirror takes them (a JavaScript array); `request`
/// is an object of `text`, `line`, `column` and `prefix`, serialised by the worker.
pub async fn completions(path: &str, request: &JsValue) -> Result<JsValue, EngineError> {
    let answer = call("completions", js_sys::Array::of2(&path.into(), request)).await?;
    js_sys::JSON::parse(&answer).map_err(|error| EngineError(format!("{error:?}")))
}

/// The problems of a payload against the closest of `schemas`; empty when one accepts
/// it or none can be used.
pub async fn check_payload(
    schemas: &[Option<serde_json::Value>],
    text: &str,
) -> Result<Vec<String>, EngineError> {
    let schemas_json = serde_json::to_string(schemas).unwrap_or_else(|_| "[]".into());
    let answer = call(
        "check_payload",
        js_sys::Array::of2(&schemas_json.into(), &text.into()),
    )
    .await?;
    decode(&answer)
}
