//! `portico lint FILE... [--ruleset NAME|FILE]... [--format text|json|sarif]
//! [--fail-severity error|warning|info|hint] [--root DIR]`: checks documents with the
//! spec engine and, when named, governance rulesets (Spectral's format; see
//! `spec_engine::ruleset`). Exit 0 when nothing reaches the fail severity, 1 when
//! something does, 2 for usage or I/O problems (an unreadable ruleset included).
//!
//! A document's relative references are read wherever they lead, as every other tool
//! reads them, unless `--root` confines them to a folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use spec_engine::ruleset::{Ruleset, RulesetReader};
use spec_engine::{Analysis, Diagnostic, Severity};

use super::project::{free_aside, read_project};

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LintFormat {
    /// `file:line:column: severity: message (pointer) [rule]` lines and a summary per file.
    Text,
    /// One JSON object per file, one per line.
    Json,
    /// One SARIF 2.1.0 log for all files, for code-scanning views.
    Sarif,
}

/// The least serious finding that fails the run.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailSeverity {
    Error,
    Warning,
    Info,
    Hint,
}

impl FailSeverity {
    fn threshold(self) -> Severity {
        match self {
            FailSeverity::Error => Severity::Error,
            FailSeverity::Warning => Severity::Warning,
            FailSeverity::Info => Severity::Info,
            FailSeverity::Hint => Severity::Hint,
        }
    }
}

/// Arguments of `lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// AsyncAPI or OpenAPI documents (YAML or JSON).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: LintFormat,
    /// A ruleset to apply: a built-in name (portico:oas, portico:asyncapi, portico:owasp,
    /// portico:recommended) or a ruleset file in Spectral's format. Repeatable.
    #[arg(long = "ruleset", value_name = "NAME|FILE")]
    pub rulesets: Vec<String>,
    /// The least serious finding that makes the exit code 1.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_severity: FailSeverity,
    /// Read referenced files only inside this folder.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Largest file accepted, in bytes (the server's default for published documents).
    #[arg(long, default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,
}

/// The same default as `portico serve --max-document-bytes` and the engine's limit.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// Reads ruleset files from disk, relative to the ruleset that names them (or the
/// working folder for the command line's).
pub struct FileRulesets;

impl RulesetReader for FileRulesets {
    fn read(&self, reference: &str, from: Option<&str>) -> Result<(String, String), String> {
        let path = match from.map(Path::new).and_then(Path::parent) {
            Some(folder) if !from.unwrap_or_default().is_empty() => folder.join(reference),
            _ => PathBuf::from(reference),
        };
        let canonical = path
            .canonicalize()
            .map_err(|e| format!("cannot read the ruleset {}: {e}", path.display()))?;
        let text = super::project::read_text(&canonical)
            .map_err(|e| format!("the ruleset {}: {e}", path.display()))?;
        Ok((canonical.to_string_lossy().into_owned(), text))
    }
}

/// One linted file, ready to print.
struct Linted {
    shown: String,
    folder: PathBuf,
    analysis: Analysis,
}

/// Runs the linter over every file and returns the process exit code.
pub fn run(args: &LintArgs) -> ExitCode {
    let ruleset = if args.rulesets.is_empty() {
        None
    } else {
        match Ruleset::load_all(&args.rulesets, &FileRulesets) {
            Ok(ruleset) => Some(ruleset),
            Err(error) => {
                eprintln!("portico lint: {error}");
                return ExitCode::from(2);
            }
        }
    };
    if let Some(ruleset) = &ruleset {
        for unsupported in ruleset.unsupported() {
            eprintln!(
                "portico lint: rule {:?} needs the custom function {:?} (JavaScript), which Portico cannot run; the rule was not checked",
                unsupported.rule, unsupported.function
            );
        }
    }
    let threshold = args.fail_severity.threshold();
    let mut failed = false;
    let mut io_problem = false;
    let mut sarif_files: Vec<Linted> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        let linted = match lint_file(path, args, ruleset.as_ref()) {
            Ok(linted) => linted,
            Err(message) => {
                io_problem = true;
                eprintln!("portico lint: {}: {message}", path.display());
                continue;
            }
        };
        failed |= linted
            .analysis
            .diagnostics
            .iter()
            .any(|d| d.severity <= threshold);
        match args.format {
            LintFormat::Json => {
                let _ = writeln!(out, "{}", json_line(&linted));
            }
            LintFormat::Text => {
                let _ = write!(out, "{}", text_report(&linted));
            }
            LintFormat::Sarif => {
                sarif_files.push(linted);
                continue;
            }
        }
        free_aside(linted.analysis, 1 << 20);
    }
    if args.format == LintFormat::Sarif {
        let _ = writeln!(out, "{}", sarif(&sarif_files, ruleset.as_ref()));
    }
    if io_problem {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn lint_file(path: &Path, args: &LintArgs, ruleset: Option<&Ruleset>) -> Result<Linted, String> {
    let base = args.root.clone().unwrap_or_else(|| PathBuf::from("/"));
    let project = read_project(
        path,
        args.max_document_bytes,
        spec_engine::check,
        Some(&base),
    )?;
    let mut analysis = project.analysis;
    if let Some(ruleset) = ruleset {
        let applied = ruleset
            .for_document(&path.to_string_lossy(), &FileRulesets)
            .map_err(|e| e.to_string())?;
        spec_engine::apply_ruleset(&project.input, &mut analysis, &applied);
    }
    free_aside(project.input, project.size);
    Ok(Linted {
        shown: path.display().to_string(),
        folder: project.folder,
        analysis,
    })
}

/// A project file as the user can open it: relative to the working folder when inside it.
fn shown_file(folder: &Path, file: &str) -> String {
    let full = folder.join(file);
    let cwd = std::env::current_dir().unwrap_or_default();
    full.strip_prefix(&cwd)
        .map(|relative| relative.display().to_string())
        .unwrap_or_else(|_| full.display().to_string())
}

fn json_line(linted: &Linted) -> String {
    let analysis = &linted.analysis;
    json!({
        "file": linted.shown,
        "kind": analysis.kind.map(spec_engine::Kind::as_str),
        "version": analysis.version,
        "valid": !analysis.has_errors(),
        "diagnostics": analysis.diagnostics.iter().map(|d| json!({
            "severity": d.severity.to_string(),
            "message": d.message,
            "pointer": d.pointer,
            "line": d.line,
            "column": d.column,
            "file": shown_file(&linted.folder, &d.file),
            "rule": d.rule,
        })).collect::<Vec<_>>(),
    })
    .to_string()
}

fn text_report(linted: &Linted) -> String {
    let analysis = &linted.analysis;
    let mut report = String::new();
    for d in &analysis.diagnostics {
        report.push_str(&format!(
            "{}:{}:{}: {}: {} ({}){}\n",
            shown_file(&linted.folder, &d.file),
            d.line.unwrap_or(1),
            d.column.unwrap_or(1),
            d.severity,
            d.message,
            if d.pointer.is_empty() {
                "/"
            } else {
                &d.pointer
            },
            d.rule
                .as_ref()
                .map(|r| format!(" [{r}]"))
                .unwrap_or_default()
        ));
    }
    let count = |severity: Severity| {
        analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let what = match (analysis.kind, &analysis.version) {
        (Some(kind), Some(version)) => format!("{} {version}", kind.as_str()),
        _ => "unknown document".to_owned(),
    };
    let verdict = if analysis.has_errors() {
        "invalid"
    } else {
        "valid"
    };
    let mut counts = format!(
        "{} error(s), {} warning(s)",
        count(Severity::Error),
        count(Severity::Warning)
    );
    let (info, hints) = (count(Severity::Info), count(Severity::Hint));
    if info + hints > 0 {
        counts.push_str(&format!(", {info} info, {hints} hint(s)"));
    }
    report.push_str(&format!("{}: {verdict} {what} ({counts})\n", linted.shown));
    report
}

/// A SARIF 2.1.0 log: one run, the rules that reported, one result per finding.
fn sarif(files: &[Linted], ruleset: Option<&Ruleset>) -> Value {
    let mut rule_ids: Vec<String> = files
        .iter()
        .flat_map(|f| f.analysis.diagnostics.iter())
        .map(sarif_rule)
        .collect();
    rule_ids.sort();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let rule = ruleset.and_then(|r| r.rules.iter().find(|rule| &rule.name == id));
            let mut entry = json!({ "id": id });
            let description = rule.and_then(|r| r.description.clone()).unwrap_or_else(|| {
                if id == SCHEMA_RULE {
                    "The document follows its specification's JSON Schema and rules.".to_owned()
                } else {
                    id.clone()
                }
            });
            entry["shortDescription"] = json!({ "text": description });
            if let Some(url) = rule.and_then(|r| r.documentation_url.clone()) {
                entry["helpUri"] = json!(url);
            }
            entry
        })
        .collect();
    let results: Vec<Value> = files
        .iter()
        .flat_map(|linted| {
            linted.analysis.diagnostics.iter().map(move |d| {
                json!({
                    "ruleId": sarif_rule(d),
                    "level": match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info | Severity::Hint => "note",
                    },
                    "message": { "text": d.message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": shown_file(&linted.folder, &d.file).replace('\\', "/") },
                            "region": {
                                "startLine": d.line.unwrap_or(1),
                                "startColumn": d.column.unwrap_or(1),
                            }
                        },
                        "logicalLocations": [{ "fullyQualifiedName": d.pointer }],
                    }],
                })
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "portico",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// The rule id SARIF shows for the document's own checks (which have no ruleset rule).
const SCHEMA_RULE: &str = "portico-schema";

fn sarif_rule(diagnostic: &Diagnostic) -> String {
    diagnostic
        .rule
        .clone()
        .unwrap_or_else(|| SCHEMA_RULE.to_owned())
}
