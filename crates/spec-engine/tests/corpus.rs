//! The corpus bar: for every `document` row of ../shared/corpus/MANIFEST.tsv the verdict
//! (valid = no error) equals `expected`. Each document is analysed as a project made of
//! the files of its folder, as `portico lint` reads them, and `spec_engine::check` (what lint
//! runs) reports exactly what `spec_engine::analyze` does.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::{corpus_dir, project_files};

/// Rows whose label contradicts a MUST of the specification, with the evidence. The test
/// asserts that Portico disagrees exactly here (and agrees everywhere else), so a change
/// of engine or label is noticed. See the issue notes.
const KNOWN_LABEL_DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "asyncapi/valid/spec-examples-3.0.0/kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml",
        "message subscriptionStatus: example 1 has status 'unsubscribed' (enum: online, maintenance, …) and pair \"XBT/EUR\" (schema: array); example 2 has depth 42 (enum: 10, 25, 100, 500, 1000). AsyncAPI 3.0 Message Example Object: payload MUST validate against the payload schema (the same rule labels ZBOS invalid)",
    ),
    (
        "asyncapi/valid/spec-examples-3.0.0/kraken-websocket-request-reply-multiple-channels-asyncapi.yml",
        "same subscriptionStatus examples as above",
    ),
    (
        "asyncapi/valid/spec-examples-3.1.0/kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml",
        "same subscriptionStatus examples as above (3.1.0 keeps the MUST)",
    ),
    (
        "asyncapi/valid/spec-examples-3.1.0/kraken-websocket-request-reply-multiple-channels-asyncapi.yml",
        "same subscriptionStatus examples as above (3.1.0 keeps the MUST)",
    ),
];

#[test]
fn every_corpus_verdict_matches_the_manifest() {
    let corpus = corpus_dir();
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        panic!("the corpus is missing at {}", corpus.display());
    };
    let mut checked = 0;
    let mut mismatches = Vec::new();
    let mut folders: BTreeMap<PathBuf, BTreeMap<String, String>> = BTreeMap::new();
    for line in manifest.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() < 8 || columns[7] != "document" {
            continue;
        }
        let (file, expected) = (columns[0], columns[6]);
        let path = corpus.join(file);
        // The project is the source folder (corpus/KIND/VERDICT/SOURCE), as the corpus
        // README lays documents out so their relative references resolve.
        let source: PathBuf = Path::new(file).components().take(3).collect();
        let folder = corpus.join(source);
        let files = folders
            .entry(folder.clone())
            .or_insert_with(|| project_files(&folder))
            .clone();
        let main = path
            .strip_prefix(&folder)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let input = spec_engine::Input::project(files, &main);
        let analysis = spec_engine::analyze(&input);
        // `portico lint` checks without building the model; the verdict must not move.
        let checked_only = spec_engine::check(&input);
        assert!(checked_only.model.is_none(), "{file}: check built a model");
        assert_eq!(
            checked_only.diagnostics, analysis.diagnostics,
            "{file}: check and analyze disagree"
        );
        let verdict = if analysis.has_errors() {
            "invalid"
        } else {
            "valid"
        };
        checked += 1;
        let disagreement = KNOWN_LABEL_DISAGREEMENTS
            .iter()
            .find(|(name, _)| *name == file);
        if let Some((_, why)) = disagreement {
            assert_ne!(
                verdict, expected,
                "{file} now agrees with its label; remove it from KNOWN_LABEL_DISAGREEMENTS ({why})"
            );
            continue;
        }
        if verdict != expected {
            let first: Vec<String> = analysis
                .diagnostics
                .iter()
                .filter(|d| d.severity == spec_engine::Severity::Error)
                .take(3)
                .map(|d| {
                    format!(
                        "{}:{}: {} ({})",
                        d.file,
                        d.line.unwrap_or(0),
                        d.message,
                        d.pointer
                    )
                })
                .collect();
            mismatches.push(format!(
                "{file}: expected {expected}, got {verdict} {first:?}"
            ));
        }
    }
    assert!(checked > 150, "only {checked} documents found");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} verdicts differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
