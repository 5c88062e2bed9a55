//! Realistic before/after pairs (tests/diff/<case>/old.yaml, new.yaml) with the verdict
//! each should get (`expected`: breaking or compatible). The same pairs were run through
//! `redocly diff` and `@asyncapi/diff`; the README of the folder says where they differ.

use std::path::Path;

use spec_engine::{DiffOptions, Input, diff};

#[test]
fn fixture_pairs_get_their_expected_verdict() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "fixtures missing in {}", root.display());
    let mut problems = Vec::new();
    for case in cases {
        let read = |name: &str| std::fs::read_to_string(case.join(name)).unwrap();
        let expected = read("expected");
        let (old, new) = (
            Input::single("old.yaml", &read("old.yaml")),
            Input::single("new.yaml", &read("new.yaml")),
        );
        let report = diff(&old, &new, &DiffOptions::default()).unwrap();
        let verdict = if report.breaking {
            "breaking"
        } else {
            "compatible"
        };
        if verdict != expected.trim() || report.changes.is_empty() {
            problems.push(format!(
                "{}: {verdict}, expected {}:\n{}",
                case.display(),
                expected.trim(),
                report.to_text()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
