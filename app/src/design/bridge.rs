//! The thin bridge to the CodeMirror bundle (`public/editor/portico-editor.js`, global
//! `PorticoEditor`): text goes in, edits come out through callbacks, diagnostics go in.
//! Only ever called in the browser; on the server the page renders an empty host element.

use js_sys::{Function, JSON, Reflect};
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// A diagnostic as the editor draws it (1-based).
#[derive(Debug, Clone, Serialize)]
pub struct EditorMark {
    pub line: u32,
    pub column: u32,
    pub severity: &'static str,
    pub message: String,
}

/// What the page hands the editor when mounting it.
pub struct EditorCallbacks {
    pub on_change: Box<dyn Fn(String)>,
    pub on_save: Box<dyn Fn()>,
    /// Takes the request (an object of `text`, `line`, `column`, `prefix`) and resolves
    /// with CodeMirror's completion items.
    pub completions: Box<dyn Fn(JsValue) -> js_sys::Promise>,
}

/// A mounted editor. Dropping it does not destroy the editor; call [`Editor::destroy`].
pub struct Editor {
    handle: JsValue,
    // Kept alive as long as the editor may call them.
    _callbacks: Vec<Box<dyn std::any::Any>>,
}

/// Whether the bundle has loaded.
pub fn editor_available() -> bool {
    Reflect::get(&js_sys::global(), &"PorticoEditor".into()).is_ok_and(|v| v.is_object())
}

/// A ZIP archive of `files` (an object of path -> text), made by the editor bundle.
pub fn zip_files(files: &js_sys::Object) -> Option<js_sys::Uint8Array> {
    let api = Reflect::get(&js_sys::global(), &"PorticoEditor".into()).ok()?;
    call(&api, "zipFiles", &[files.into()])?.dyn_into().ok()
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Option<JsValue> {
    let function = Reflect::get(target, &method.into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    let array: js_sys::Array = args.iter().collect();
    function.apply(target, &array).ok()
}

impl Editor {
    /// Mounts an editor into `element`; `None` when the bundle is not loaded.
    pub fn mount(
        element: &web_sys::HtmlElement,
        text: &str,
        language: &str,
        read_only: bool,
        callbacks: EditorCallbacks,
    ) -> Option<Editor> {
        let api = Reflect::get(&js_sys::global(), &"PorticoEditor".into()).ok()?;
        let options = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&options, &key.into(), value);
        };
        set("text", &text.into());
        set("language", &language.into());
        set("readOnly", &read_only.into());
        let EditorCallbacks {
            on_change,
            on_save,
            completions,
        } = callbacks;
        let on_change = Closure::<dyn Fn(String)>::wrap(on_change);
        let on_save = Closure::<dyn Fn()>::wrap(on_save);
        let completions = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |context: JsValue| {
            // The request goes on as a JavaScript object: the document's text (megabytes,
            // maybe) is never copied into this WASM's memory.
            let request = js_sys::Object::new();
            for key in ["text", "line", "column", "prefix"] {
                let value = Reflect::get(&context, &key.into()).unwrap_or(JsValue::NULL);
                let _ = Reflect::set(&request, &key.into(), &value);
            }
            completions(request.into()).into()
        });
        set("onChange", on_change.as_ref());
        set("onSave", on_save.as_ref());
        set("completions", completions.as_ref());
        let handle = call(&api, "mount", &[element.clone().into(), options.into()])?;
        Some(Editor {
            handle,
            _callbacks: vec![
                Box::new(on_change),
                Box::new(on_save),
                Box::new(completions),
            ],
        })
    }

    /// Loads a text without firing the change callback for it (a pending edit of the
    /// user's is reported first, see [`Editor::flush`]).
    pub fn set_text(&self, text: &str) {
        call(&self.handle, "setText", &[text.into()]);
    }

    /// Replaces the text with a new version of the same file (a conversion): one step
    /// the user can undo, and no change callback for it (the page records it itself).
    pub fn replace_text(&self, text: &str) {
        call(&self.handle, "replaceText", &[text.into()]);
    }

    /// The current text.
    pub fn text(&self) -> String {
        call(&self.handle, "getText", &[])
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }

    /// Switches syntax highlighting.
    pub fn set_language(&self, language: &str) {
        call(&self.handle, "setLanguage", &[language.into()]);
    }

    /// Replaces the diagnostics shown in the gutter.
    pub fn set_diagnostics(&self, marks: &[EditorMark]) {
        call(&self.handle, "setDiagnostics", &[to_js(marks)]);
    }

    /// Moves the cursor there and scrolls it into view.
    pub fn goto(&self, line: u32, column: u32) {
        call(&self.handle, "goto", &[line.into(), column.into()]);
    }

    /// Reports an edit now that a large document would report after a pause in typing.
    pub fn flush(&self) {
        call(&self.handle, "flush", &[]);
    }

    /// Removes the editor from the page (reporting a pending edit first).
    pub fn destroy(&self) {
        call(&self.handle, "destroy", &[]);
    }
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|json| JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL)
}
