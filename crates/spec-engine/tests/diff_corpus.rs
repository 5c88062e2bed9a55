//! The diff over the corpus (../shared/corpus/MANIFEST.tsv, every `document` row that
//! parses with a known kind): each document compared with itself and with its YAML<->JSON
//! conversion has no change, and each valid AsyncAPI 2.x document compared with its 3.0
//! upgrade has no breaking change; and the model the diff reads (the outline) is the full
//! model without the values it copies.

mod support;

use std::path::{Path, PathBuf};
use std::time::Instant;
use support::{corpus_dir, project_files};

use spec_engine::{
    DiffOptions, Format, Input, Model, Parameter, analyze, analyze_outline, diff_analyzed,
};

struct Row {
    file: String,
    valid: bool,
    version: String,
}

fn rows(corpus: &Path) -> Option<Vec<Row>> {
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).ok()?;
    Some(
        manifest
            .lines()
            .skip(1)
            .filter_map(|line| {
                let columns: Vec<&str> = line.split('\t').collect();
                (columns.len() >= 8 && columns[7] == "document").then(|| Row {
                    file: columns[0].to_owned(),
                    valid: columns[6] == "valid",
                    version: columns[4].to_owned(),
                })
            })
            .collect(),
    )
}

fn describe(report: &spec_engine::DiffReport) -> String {
    report
        .changes
        .iter()
        .take(5)
        .map(|c| format!("{} {}: {}", c.rule, c.severity.as_str(), c.message))
        .collect::<Vec<_>>()
        .join("\n    ")
}

/// The model as [`analyze_outline`] builds it: the same parts and sources, without the
/// values it copies out of the document.
fn without_copies(mut model: Model) -> Model {
    fn parameters(list: &mut [Parameter]) {
        list.iter_mut().for_each(|p| p.schema = None);
    }
    for server in &mut model.servers {
        server.bindings = None;
        parameters(&mut server.variables);
    }
    for channel in &mut model.channels {
        channel.bindings = None;
        parameters(&mut channel.parameters);
    }
    for operation in model.operations.iter_mut().chain(&mut model.webhooks) {
        parameters(&mut operation.parameters);
        let bodies = operation.request_body.iter_mut().map(|b| &mut b.content);
        let responses = operation.responses.iter_mut().map(|r| {
            parameters(&mut r.headers);
            &mut r.content
        });
        for media in bodies.chain(responses).flatten() {
            media.schema = None;
            media.example = None;
        }
    }
    for message in &mut model.messages {
        (message.headers, message.payload, message.bindings) = (None, None, None);
        for example in &mut message.examples {
            (example.headers, example.payload) = (None, None);
        }
    }
    for schema in &mut model.schemas {
        schema.schema = serde_json::Value::Null;
    }
    model
}

#[test]
fn corpus_documents_have_no_changes_against_themselves_their_conversion_and_upgrade() {
    let corpus = corpus_dir();
    let Some(rows) = rows(&corpus) else {
        eprintln!("skipped: the corpus is missing at {}", corpus.display());
        return;
    };
    let started = Instant::now();
    let options = DiffOptions::default();
    let (mut compared, mut upgraded, mut lossy) = (0, 0, 0);
    let mut problems = Vec::new();
    for row in rows {
        let source: PathBuf = Path::new(&row.file).components().take(3).collect();
        let folder = corpus.join(source);
        let files = project_files(&folder);
        let main = corpus
            .join(&row.file)
            .strip_prefix(&folder)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let input = Input::project(files.clone(), &main);
        let analysis = analyze(&input);
        if analysis.model.is_none() {
            continue;
        }
        compared += 1;
        let file = &row.file;
        let outline = analyze_outline(&input).model;
        if outline != analysis.model.clone().map(without_copies) {
            problems.push(format!(
                "{file}: its outline is not its model without schemas, examples and bindings"
            ));
        }
        match diff_analyzed(&input, &analysis, &input, &analysis, &options) {
            Ok(report) if report.changes.is_empty() => {}
            Ok(report) => {
                problems.push(format!("{file} against itself:\n    {}", describe(&report)))
            }
            Err(error) => problems.push(format!("{file} against itself: {error}")),
        }
        let Some(root) = analysis
            .documents
            .as_ref()
            .and_then(|d| d.files.get(&main))
            .map(|f| f.value.clone())
        else {
            continue;
        };
        let converted = match analysis.format {
            Some(Format::Json) => spec_engine::to_yaml(&root),
            _ => spec_engine::to_json(&root),
        };
        // The conversion itself must keep the document, or there is nothing to compare.
        let kept = spec_engine::parse_text(&converted, &spec_engine::Limits::default())
            .is_ok_and(|(value, _)| value == root);
        if !kept {
            eprintln!(
                "not compared with its conversion (the YAML/JSON conversion changes it): {file}"
            );
            lossy += 1;
        }
        let mut other = files.clone();
        other.insert(main.clone(), converted);
        let other = Input::project(other, &main);
        let other_analysis = analyze(&other);
        match diff_analyzed(&input, &analysis, &other, &other_analysis, &options) {
            _ if !kept => {}
            Ok(report) if report.changes.is_empty() => {}
            Ok(report) => problems.push(format!(
                "{file} against its conversion:\n    {}",
                describe(&report)
            )),
            Err(error) => problems.push(format!("{file} against its conversion: {error}")),
        }
        if row.valid && row.version.starts_with("asyncapi 2.") {
            let Some(bundled) = analysis.documents.as_ref().and_then(|d| d.bundled()) else {
                continue;
            };
            let Ok(v3) = spec_engine::convert_asyncapi_to_v3(&bundled) else {
                continue;
            };
            let upgrade = Input::single("upgraded.yaml", &spec_engine::to_yaml(&v3));
            let upgrade_analysis = analyze(&upgrade);
            upgraded += 1;
            match diff_analyzed(&input, &analysis, &upgrade, &upgrade_analysis, &options) {
                Ok(report) if !report.breaking => {}
                Ok(report) => problems.push(format!(
                    "{file} against its 3.0 upgrade:\n    {}",
                    describe(&report)
                )),
                Err(error) => problems.push(format!("{file} against its 3.0 upgrade: {error}")),
            }
        }
    }
    eprintln!(
        "{compared} documents compared ({upgraded} with their 3.0 upgrade, {lossy} not with a conversion that loses content) in {:.1?}",
        started.elapsed()
    );
    assert!(lossy <= 5, "{lossy} conversions lose content");
    assert!(compared >= 150, "only {compared} documents compared");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
