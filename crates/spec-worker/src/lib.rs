//! The spec engine as the browser runs it: in a Web Worker (`engine-worker.js` beside
//! this crate, copied to the site root by `scripts/build-engine.sh`), so the page's own
//! WASM carries no parser, validator or official schemas and typing never waits for an
//! analysis. Every entry point takes and returns text (JSON where
//! structured) because the worker passes strings across `postMessage`.

use std::collections::BTreeMap;

use serde_json::Value;
use spec_engine::Converted;
use wasm_bindgen::prelude::wasm_bindgen;

/// Diagnostics and model of a project: `files_json` is an object of path -> text (the
/// page adds the documents of the published assets it references as `portico:…` files);
/// `profile_json` the organisation's governance profile whose rulesets run too (a
/// `portico_types::governance::GovernanceProfile`, empty for none).
#[wasm_bindgen]
pub fn analyze(files_json: &str, main: &str, profile_json: &str) -> String {
    let started = js_sys::Date::now();
    let files: BTreeMap<String, String> = serde_json::from_str(files_json).unwrap_or_default();
    let input = spec_engine::Input::project(files, main);
    let mut analysis = PARSED.with_borrow_mut(|cache| spec_engine::analyze_cached(&input, cache));
    if !profile_json.is_empty() {
        governance::apply(profile_json, &input, &mut analysis);
    }
    let missing_dependencies = analysis
        .documents
        .as_ref()
        .map(|documents| {
            documents
                .missing
                .iter()
                .filter(|file| spec_engine::dependency::is_dependency(file))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let result = spec_engine::ProjectAnalysis {
        diagnostics: std::mem::take(&mut analysis.diagnostics),
        model: analysis.model.take(),
        millis: js_sys::Date::now() - started,
        missing_dependencies,
    };
    let answer = serde_json::to_string(&result).unwrap_or_default();
    SPENT.set(Some((analysis, result)));
    answer
}

mod governance;

thread_local! {
    /// The main file's last parse: the page sends the whole project after every edit.
    static PARSED: std::cell::RefCell<spec_engine::ParseCache> = std::cell::RefCell::default();
    /// The last analysis's trees, kept until [`release`]: freeing them is a tenth of the
    /// analysis of a large document, work the answer need not wait for.
    static SPENT: std::cell::Cell<Option<(spec_engine::Analysis, spec_engine::ProjectAnalysis)>> =
        const { std::cell::Cell::new(None) };
}

/// Frees what the last [`analyze`] left; the worker calls it once the answer is posted.
#[wasm_bindgen]
pub fn release() {
    SPENT.take();
}

/// `text` in the other syntax: JSON when `to_json`, else YAML.
#[wasm_bindgen]
pub fn convert(text: &str, to_json: bool) -> String {
    rewrite(text, |value, _| {
        Ok(if to_json {
            spec_engine::to_json(value)
        } else {
            spec_engine::to_yaml(value)
        })
    })
}

/// An AsyncAPI 2.x document `text` upgraded to AsyncAPI 3.0, in the syntax it was written
/// in; references to other files are left as they are.
#[wasm_bindgen]
pub fn upgrade(text: &str) -> String {
    rewrite(text, |value, format| {
        let upgraded = spec_engine::convert_asyncapi_to_v3(value)?;
        Ok(match format {
            spec_engine::Format::Json => spec_engine::to_json(&upgraded),
            spec_engine::Format::Yaml => spec_engine::to_yaml(&upgraded),
        })
    })
}

/// Parses `text` and answers with what `make` writes of it, or why there is nothing.
fn rewrite(
    text: &str,
    make: impl FnOnce(&Value, spec_engine::Format) -> Result<String, String>,
) -> String {
    let converted = match spec_engine::parse_text(text, &spec_engine::Limits::default()) {
        Ok((value, format)) => match make(&value, format) {
            Ok(text) => Converted::Text(text),
            Err(error) => Converted::Error(error),
        },
        Err(error) => Converted::Error(format!("line {}: {}", error.line, error.message)),
    };
    serde_json::to_string(&converted).unwrap_or_default()
}

/// The completions at the cursor for the file at `path`; `request_json` is a
/// [`spec_engine::completion::CompletionRequest`].
#[wasm_bindgen]
pub fn completions(path: &str, request_json: &str) -> String {
    let items = serde_json::from_str(request_json)
        .map(|request| spec_engine::completion::completions_at(path, &request))
        .unwrap_or_default();
    serde_json::to_string(&items).unwrap_or_default()
}

/// Checks a payload against the schemas of a channel's messages: `schemas_json` is an
/// array with one (inlined) JSON Schema per message, `null` for a message whose payload
/// cannot be checked. An empty array when some message accepts `text`, otherwise the
/// problems of the closest one, as the server's console says them.
#[wasm_bindgen]
pub fn check_payload(schemas_json: &str, text: &str) -> String {
    let schemas: Vec<Option<Value>> = serde_json::from_str(schemas_json).unwrap_or_default();
    serde_json::to_string(&payload_problems(&schemas, text)).unwrap_or_default()
}

/// The problems of the closest schema as messages; empty when one accepts.
pub fn payload_problems(schemas: &[Option<Value>], text: &str) -> Vec<String> {
    let compiled: Vec<Option<spec_engine::PayloadSchema>> = schemas
        .iter()
        .map(|schema| {
            schema
                .as_ref()
                .and_then(|s| spec_engine::PayloadSchema::compile(s).ok())
        })
        .collect();
    let json = serde_json::from_str::<Value>(text).ok();
    spec_engine::closest_problems(&compiled, json.as_ref())
        .into_iter()
        .map(|p| p.message)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upgraded(text: &str) -> Converted {
        serde_json::from_str(&upgrade(text)).expect("an answer")
    }

    #[test]
    fn an_asyncapi_2_document_upgrades_in_its_own_syntax() {
        let yaml = "asyncapi: 2.6.0\ninfo:\n  title: T\n  version: '1'\nchannels:\n  order:\n    subscribe:\n      operationId: sendOrder\n      message:\n        payload:\n          type: object\n";
        let Converted::Text(text) = upgraded(yaml) else {
            panic!("{:?}", upgraded(yaml));
        };
        assert!(text.starts_with("asyncapi: 3.0.0"), "{text}");
        assert!(text.contains("action: send"), "{text}");

        let json =
            r#"{"asyncapi": "2.6.0", "info": {"title": "T", "version": "1"}, "channels": {}}"#;
        let Converted::Text(text) = upgraded(json) else {
            panic!("{:?}", upgraded(json));
        };
        let value: Value = serde_json::from_str(&text).expect("JSON stays JSON");
        assert_eq!(value["asyncapi"], "3.0.0");
    }

    #[test]
    fn what_cannot_be_upgraded_says_why() {
        let Converted::Error(error) = upgraded("asyncapi: 3.0.0\ninfo: {}\n") else {
            panic!("a 3.0 document is not upgraded");
        };
        assert!(error.contains("only AsyncAPI 2.x"), "{error}");
        let Converted::Error(error) = upgraded("asyncapi: [\n") else {
            panic!("broken YAML is not upgraded");
        };
        assert!(error.starts_with("line "), "{error}");
    }
}
