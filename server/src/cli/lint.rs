//! `portico lint FILE... [--format text|json]`: checks documents with the spec engine.
//! Exit 0 when no file has an error, 1 when some file has one, 2 for usage or I/O
//! problems. A root file's relative references are read from its folder and nowhere else.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::project::{free_aside, read_project};

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LintFormat {
    /// `file:line:column: severity: message (pointer)` lines and a summary per file.
    Text,
    /// One JSON object per file, one per line.
    Json,
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
    /// Largest file accepted, in bytes (the server's default for published documents).
    #[arg(long, default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,
}

/// The same default as `portico serve --max-document-bytes` and the engine's limit.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// Runs the linter over every file and returns the process exit code.
pub fn run(args: &LintArgs) -> ExitCode {
    let mut any_error = false;
    let mut any_io_problem = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        match lint_file(path, args.max_document_bytes) {
            Ok((analysis, bytes)) => {
                any_error |= analysis.has_errors();
                let _ = match args.format {
                    LintFormat::Json => writeln!(out, "{}", json_line(path, &analysis)),
                    LintFormat::Text => write!(out, "{}", text_report(path, &analysis)),
                };
                free_aside(analysis, bytes);
            }
            Err(message) => {
                any_io_problem = true;
                eprintln!("portico lint: {}: {message}", path.display());
            }
        }
    }
    if any_io_problem {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks the root file (diagnostics, no model), reading the project files its
/// references name (inside its folder only). Also returns the root file's size.
pub fn lint_file(path: &Path, max_bytes: usize) -> Result<(spec_engine::Analysis, u64), String> {
    read_project(path, max_bytes, spec_engine::check)
        .map(|project| (project.analysis, project.size))
}

fn json_line(path: &Path, analysis: &spec_engine::Analysis) -> String {
    json!({
        "file": path.display().to_string(),
        "kind": analysis.kind.map(spec_engine::Kind::as_str),
        "version": analysis.version,
        "valid": !analysis.has_errors(),
        "diagnostics": analysis.diagnostics.iter().map(|d| json!({
            "severity": d.severity.to_string(),
            "message": d.message,
            "pointer": d.pointer,
            "line": d.line,
            "column": d.column,
            "file": d.file,
        })).collect::<Vec<_>>(),
    })
    .to_string()
}

fn text_report(path: &Path, analysis: &spec_engine::Analysis) -> String {
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut report = String::new();
    for d in &analysis.diagnostics {
        let shown = folder.join(&d.file);
        report.push_str(&format!(
            "{}:{}:{}: {}: {} ({})\n",
            shown.display(),
            d.line.unwrap_or(1),
            d.column.unwrap_or(1),
            d.severity,
            d.message,
            if d.pointer.is_empty() {
                "/"
            } else {
                &d.pointer
            }
        ));
    }
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == spec_engine::Severity::Error)
        .count();
    let warnings = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == spec_engine::Severity::Warning)
        .count();
    let what = match (analysis.kind, &analysis.version) {
        (Some(kind), Some(version)) => format!("{} {version}", kind.as_str()),
        _ => "unknown document".to_owned(),
    };
    let verdict = if errors == 0 { "valid" } else { "invalid" };
    report.push_str(&format!(
        "{}: {verdict} {what} ({errors} error(s), {warnings} warning(s))\n",
        path.display()
    ));
    report
}
