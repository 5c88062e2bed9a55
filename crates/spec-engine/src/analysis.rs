//! The analysis pipeline: text -> parsed files -> diagnostics and model.

use std::collections::{HashMap, HashSet};

use crate::detect::{self, Kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::Input;
use crate::model::{self, Detail, InlineBudget, Model};
use crate::parse::{self, Format};
use crate::refs::{self, Documents};
use crate::reparse::ParseCache;
use crate::{position, rules, validate};

/// Everything the engine found out about an input.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub kind: Option<Kind>,
    /// The spec version as written (`3.0.0`).
    pub version: Option<String>,
    /// The syntax of the main file.
    pub format: Option<Format>,
    /// Sorted by file, line, column.
    pub diagnostics: Vec<Diagnostic>,
    /// Built whenever the document could be parsed and its kind detected, even with
    /// errors, so a preview keeps working while someone types.
    pub model: Option<Model>,
    /// The parsed files, for consumers that need the raw tree (conversion, diff).
    pub documents: Option<Documents>,
}

impl Analysis {
    /// Whether the document itself has an error (a ruleset's findings, which carry a
    /// rule id, say nothing about its validity).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error && d.rule.is_none())
    }
}

/// Adds the findings of a governance ruleset to an analysis of `input`: located at
/// their lines and sorted in with the rest. Nothing happens for a document that could
/// not be read.
pub fn apply_ruleset(input: &Input, analysis: &mut Analysis, ruleset: &crate::ruleset::Ruleset) {
    let found = ruleset_findings(input, analysis, ruleset);
    analysis.diagnostics.extend(found);
    sort_diagnostics(&input.main, &mut analysis.diagnostics);
}

/// The findings of a governance ruleset on an analysed input, located at their lines
/// and sorted (none for a document that could not be read).
pub fn ruleset_findings(
    input: &Input,
    analysis: &Analysis,
    ruleset: &crate::ruleset::Ruleset,
) -> Vec<Diagnostic> {
    let Some(documents) = &analysis.documents else {
        return Vec::new();
    };
    let mut found = crate::ruleset::lint(documents, ruleset);
    // A published asset's document answers to its own organisation's rulesets, checked
    // when it was published; only what the project itself says is judged here.
    found.retain(|finding| !crate::dependency::is_dependency(&finding.file));
    locate_all(input, &mut found);
    sort_diagnostics(&input.main, &mut found);
    found
}

/// Main file first, then by file, line, column and message; exact repeats dropped.
fn sort_diagnostics(main: &str, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.file != main, &a.file, a.line, a.column, &a.message).cmp(&(
            b.file != main,
            &b.file,
            b.line,
            b.column,
            &b.message,
        ))
    });
    diagnostics.dedup();
}

/// Analyses a document or design project: diagnostics and the model.
pub fn analyze(input: &Input) -> Analysis {
    run(input, Some(Detail::Full), None)
}

/// [`analyze`] with a model that outlines the document (every part and where it is
/// written, no copies of schemas, examples and bindings): what the diff reads.
pub fn analyze_outline(input: &Input) -> Analysis {
    run(input, Some(Detail::Outline), None)
}

/// [`analyze`] for an editor, which analyses the same project after every edit: the
/// main file is parsed again only where it changed since the analysis `cache` saw last.
pub fn analyze_cached(input: &Input, cache: &mut ParseCache) -> Analysis {
    run(input, Some(Detail::Full), Some(cache))
}

/// The diagnostics of a document or design project without its model: what `portico
/// lint` reports (on Stripe's spec the model adds another 60 % to the checks).
pub fn check(input: &Input) -> Analysis {
    run(input, None, None)
}

/// From this size on, schema validation and the other walks over the main file run on
/// two threads (where there are threads): on Stripe's 4 MB spec each takes ~7 ms.
pub(crate) const PARALLEL_FROM_BYTES: usize = 256 * 1024;

/// Runs `a` and `b`, side by side when `parallel` and the target has threads.
pub(crate) fn both<A: Send, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    if parallel {
        return std::thread::scope(|scope| {
            let a = scope.spawn(a);
            let b = b();
            (
                a.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                b,
            )
        });
    }
    let _ = parallel;
    (a(), b())
}

fn run(input: &Input, detail: Option<Detail>, cache: Option<&mut ParseCache>) -> Analysis {
    let mut analysis = Analysis {
        kind: None,
        version: None,
        format: None,
        diagnostics: Vec::new(),
        model: None,
        documents: None,
    };
    let Some(text) = input.files.get(&input.main) else {
        analysis.diagnostics.push(Diagnostic::error(
            &input.main,
            "",
            format!("The main file {:?} is not in the project.", input.main),
        ));
        return analysis;
    };
    let parsed = match cache {
        Some(cache) => cache.parse(&input.main, text, &input.limits),
        None => parse::parse_text(text, &input.limits),
    };
    let (root, format) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            analysis.diagnostics.push(
                Diagnostic::error(&input.main, "", error.message).at(error.line, error.column),
            );
            return analysis;
        }
    };
    analysis.format = Some(format);
    let detected = match detect::detect(&root) {
        Ok(detected) => detected,
        Err(message) => {
            let pointer = if root.get("asyncapi").is_some() {
                "/asyncapi"
            } else if root.get("openapi").is_some() {
                "/openapi"
            } else {
                ""
            };
            analysis
                .diagnostics
                .push(Diagnostic::error(&input.main, pointer, message));
            locate_all(input, &mut analysis.diagnostics);
            // Rulesets still read it (rules without `formats` apply to any document).
            analysis.documents = Some(Documents::single(&input.main, root, format));
            return analysis;
        }
    };
    analysis.kind = Some(detected.kind);
    analysis.version = Some(detected.version.clone());
    let policy = match detected.kind {
        Kind::AsyncApi => refs::ExternalPolicy::Error,
        Kind::OpenApi => refs::ExternalPolicy::Warning,
    };
    // The main file's schema validation, reference collection and file rules only read
    // it, so they run side by side before the project is loaded around it.
    let (schema_errors, (main_references, main_file_rules)) = both(
        text.len() >= PARALLEL_FROM_BYTES,
        || validate::schema_diagnostics(&root, detected.schema, &input.main),
        || (refs::collect(&root), rules::check_file(&input.main, &root)),
    );
    let (documents, ref_diagnostics) = refs::load(input, root, format, main_references, policy);
    analysis.diagnostics.extend(schema_errors);
    if let Some(bundled) = crate::bundle::bundle(&documents) {
        // Content from other files is checked where it is used.
        for diagnostic in validate::schema_diagnostics(&bundled, detected.schema, &input.main) {
            if !analysis.diagnostics.contains(&diagnostic) {
                analysis.diagnostics.push(diagnostic);
            }
        }
    }
    analysis.diagnostics.extend(ref_diagnostics);
    analysis.diagnostics.extend(main_file_rules);
    // One budget for every schema the rules and the model inline, however many
    // messages reference it: the project may grow to its expansion ratio.
    let project_bytes = input.files.values().map(String::len).sum();
    let budget = InlineBudget::new(input.limits.max_expanded_bytes(project_bytes));
    analysis
        .diagnostics
        .extend(rules::check(&detected, &documents, &budget));
    if let Some(detail) = detail {
        analysis.model = Some(model::build(&detected, &documents, &budget, detail));
    }
    if budget.ran_out() {
        analysis.diagnostics.push(Diagnostic::new(
            Severity::Warning,
            &input.main,
            "",
            format!(
                "Inlining the schemas' references would copy more than {} bytes ({}x the \
                 document); past that, schemas in the documentation and example checks keep \
                 their references. Reference large schemas from fewer messages.",
                budget.limit(),
                input.limits.max_expansion_ratio
            ),
        ));
    }
    analysis.documents = Some(documents);
    locate_all(input, &mut analysis.diagnostics);
    sort_diagnostics(&input.main, &mut analysis.diagnostics);
    analysis
}

/// Fills in line and column for every diagnostic that has none, from its pointer (or
/// the nearest ancestor that exists in the source).
fn locate_all(input: &Input, diagnostics: &mut [Diagnostic]) {
    let mut wanted: HashMap<&str, HashSet<String>> = HashMap::new();
    for d in diagnostics.iter().filter(|d| d.line.is_none()) {
        let set = wanted.entry(d.file.as_str()).or_default();
        let mut pointer = d.pointer.as_str();
        loop {
            set.insert(pointer.to_owned());
            match pointer.rfind('/') {
                Some(index) => pointer = &pointer[..index],
                None => break,
            }
        }
    }
    let mut found: HashMap<String, HashMap<String, (u32, u32)>> = HashMap::new();
    for (file, pointers) in wanted {
        if let Some(text) = input.files.get(file) {
            found.insert(file.to_owned(), position::locate(text, &pointers));
        }
    }
    for d in diagnostics.iter_mut().filter(|d| d.line.is_none()) {
        let Some(positions) = found.get(&d.file) else {
            continue;
        };
        let mut pointer = d.pointer.as_str();
        loop {
            if let Some(&(line, column)) = positions.get(pointer) {
                d.line = Some(line);
                d.column = Some(column);
                break;
            }
            match pointer.rfind('/') {
                Some(index) => pointer = &pointer[..index],
                None => {
                    d.line = Some(1);
                    d.column = Some(1);
                    break;
                }
            }
        }
    }
}
