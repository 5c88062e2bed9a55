//! AsyncAPI 2.x -> 3.0 conversion over the corpus: every valid 2.x `document` row of
//! ../shared/corpus/MANIFEST.tsv, bundled and converted, is a valid 3.0.0 document whose
//! model has the same operations (id, action, channel address, message count) as the
//! original's.

mod support;

use std::path::{Path, PathBuf};
use support::{corpus_dir, project_files};

/// What a reader of the docs sees of each operation, independent of the spec version.
fn operations(
    model: &spec_engine::Model,
) -> Vec<(String, spec_engine::Action, Option<String>, usize)> {
    let mut ops: Vec<_> = model
        .operations
        .iter()
        .map(|op| {
            let address = op
                .channel
                .as_deref()
                .and_then(|id| model.channel(id))
                .and_then(|c| c.address.clone());
            (
                op.summary.clone().unwrap_or_default(),
                op.action.clone(),
                address,
                op.messages.len(),
            )
        })
        .collect();
    ops.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    ops
}

/// Documents valid as 2.x whose bindings break their binding specifications, which the
/// 2.x JSON Schemas never check but the 3.0.0 schema does. The converter copies bindings
/// as written (it drops nothing the author typed), so these stay invalid after
/// conversion; the test asserts every remaining error is inside such a binding.
const BINDINGS_THE_2X_SCHEMA_DID_NOT_CHECK: &[(&str, &str)] = &[
    (
        "asyncapi/valid/spec-examples-2.6.0/operation-security.yml",
        "HTTP operation binding has `headers`, a field of HTTP message bindings",
    ),
    (
        "asyncapi/valid/spec-examples-2.6.0/rpc-client.yml",
        "AMQP message binding has `replyTo`, a field of AMQP operation bindings",
    ),
    (
        "asyncapi/valid/spec-examples-2.6.0/rpc-server.yml",
        "AMQP message binding has `replyTo`, a field of AMQP operation bindings",
    ),
];

#[test]
fn every_valid_asyncapi_2_corpus_document_converts_to_valid_3_0() {
    let corpus = corpus_dir();
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("skipped: the corpus is missing at {}", corpus.display());
        return;
    };
    let mut converted = 0;
    let mut problems = Vec::new();
    for line in manifest.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() < 8
            || columns[7] != "document"
            || columns[6] != "valid"
            || !columns[4].starts_with("asyncapi 2.")
        {
            continue;
        }
        let file = columns[0];
        let source: PathBuf = Path::new(file).components().take(3).collect();
        let folder = corpus.join(source);
        let mut files = project_files(&folder);
        let main = corpus
            .join(file)
            .strip_prefix(&folder)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let before = spec_engine::analyze(&spec_engine::Input::project(files.clone(), &main));
        assert!(!before.has_errors(), "{file} is labelled valid");
        let bundled = before.documents.as_ref().and_then(|d| d.bundled()).unwrap();
        let v3 = match spec_engine::convert_asyncapi_to_v3(&bundled) {
            Ok(v3) => v3,
            Err(reason) => {
                problems.push(format!("{file}: not converted: {reason}"));
                continue;
            }
        };
        files.insert(main.clone(), spec_engine::to_yaml(&v3));
        let after = spec_engine::analyze(&spec_engine::Input::project(files, &main));
        converted += 1;
        if let Some((_, why)) = BINDINGS_THE_2X_SCHEMA_DID_NOT_CHECK
            .iter()
            .find(|(name, _)| *name == file)
        {
            let outside_bindings: Vec<_> = after
                .diagnostics
                .iter()
                .filter(|d| d.severity == spec_engine::Severity::Error)
                .filter(|d| !d.pointer.contains("/bindings/"))
                .map(|d| format!("{} ({})", d.message, d.pointer))
                .collect();
            if !after.has_errors() || !outside_bindings.is_empty() {
                problems.push(format!(
                    "{file}: expected only binding errors ({why}), got {outside_bindings:?}"
                ));
            }
            eprintln!("not convertible to valid 3.0: {file}: {why}");
            continue;
        }
        if after.version.as_deref() != Some("3.0.0") || after.has_errors() {
            let errors: Vec<String> = after
                .diagnostics
                .iter()
                .filter(|d| d.severity == spec_engine::Severity::Error)
                .take(4)
                .map(|d| format!("{} ({}:{})", d.message, d.pointer, d.line.unwrap_or(0)))
                .collect();
            problems.push(format!("{file}: converted document invalid: {errors:#?}"));
            continue;
        }
        let (old, new) = (before.model.unwrap(), after.model.unwrap());
        if operations(&old) != operations(&new) {
            problems.push(format!(
                "{file}: operations differ:\n  2.x {:?}\n  3.0 {:?}",
                operations(&old),
                operations(&new)
            ));
        }
    }
    assert!(converted >= 30, "only {converted} documents converted");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
