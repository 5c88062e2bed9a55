//! `portico lint FILE... [--format text|json]`: checks documents with the spec engine.
//! Exit 0 when no file has an error, 1 when some file has one, 2 for usage or I/O
//! problems. A root file's relative references are read from its folder and nowhere else.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

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
}

/// Most files one root document may pull in through references.
const MAX_PROJECT_FILES: usize = 20_000;

/// Runs the linter over every file and returns the process exit code.
pub fn run(args: &LintArgs) -> ExitCode {
    let mut any_error = false;
    let mut any_io_problem = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        match lint_file(path) {
            Ok(analysis) => {
                any_error |= analysis.has_errors();
                let _ = match args.format {
                    LintFormat::Json => writeln!(out, "{}", json_line(path, &analysis)),
                    LintFormat::Text => write!(out, "{}", text_report(path, &analysis)),
                };
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

/// Reads the root file, then the project files its references name (inside its folder
/// only), until nothing more is missing.
fn lint_file(path: &Path) -> Result<spec::Analysis, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let main = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| "not a file".to_owned())?;
    let mut files = BTreeMap::from([(main.clone(), text)]);
    loop {
        let analysis = spec::analyze(&spec::Input::project(files.clone(), &main));
        let missing = analysis
            .documents
            .as_ref()
            .map(|d| d.missing.clone())
            .unwrap_or_default();
        let mut added = false;
        for relative in missing {
            if files.len() >= MAX_PROJECT_FILES || files.contains_key(&relative) {
                continue;
            }
            // Paths come normalised from the engine; refuse anything that is not plain.
            let plain = Path::new(&relative)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
            if !plain {
                continue;
            }
            if let Ok(content) = std::fs::read_to_string(folder.join(&relative)) {
                files.insert(relative, content);
                added = true;
            }
        }
        if !added {
            return Ok(analysis);
        }
    }
}

fn json_line(path: &Path, analysis: &spec::Analysis) -> String {
    json!({
        "file": path.display().to_string(),
        "kind": analysis.kind.map(spec::Kind::as_str),
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

fn text_report(path: &Path, analysis: &spec::Analysis) -> String {
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
        .filter(|d| d.severity == spec::Severity::Error)
        .count();
    let warnings = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == spec::Severity::Warning)
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
