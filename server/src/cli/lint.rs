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
    /// Largest file accepted, in bytes (the server's default for published documents).
    #[arg(long, default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,
}

/// The same default as `portico serve --max-document-bytes` and the engine's limit.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// Most files one root document may pull in through references.
const MAX_PROJECT_FILES: usize = 20_000;

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
                free(analysis, bytes);
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

/// Files from this size on are freed on a helper thread.
const FREE_ASIDE_FROM_BYTES: u64 = 256 * 1024;

/// Freeing the parsed tree of a multi-megabyte document takes milliseconds; for a large
/// file a helper thread does it while the next file is read (or the process exits).
fn free(analysis: spec_engine::Analysis, bytes: u64) {
    if bytes >= FREE_ASIDE_FROM_BYTES {
        std::thread::spawn(move || drop(analysis));
    }
}

/// Checks the root file (diagnostics, no model), reading the project files its
/// references name (inside its folder only) until nothing more is missing. A file
/// larger than `max_bytes` is not read: the analysis holds one error saying so. Also
/// returns the root file's size.
pub fn lint_file(path: &Path, max_bytes: usize) -> Result<(spec_engine::Analysis, u64), String> {
    let limits = spec_engine::Limits {
        max_file_bytes: max_bytes,
        ..spec_engine::Limits::default()
    };
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let main = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| "not a file".to_owned())?;
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > max_bytes as u64 {
        return Ok((oversize(&main, size, max_bytes), size));
    }
    let text = read_text(path)?;
    let mut input = spec_engine::Input::project(BTreeMap::from([(main.clone(), text)]), &main);
    input.limits = limits;
    loop {
        let analysis = spec_engine::check(&input);
        let missing = analysis
            .documents
            .as_ref()
            .map(|d| d.missing.clone())
            .unwrap_or_default();
        let mut added = false;
        for relative in missing {
            if input.files.len() >= MAX_PROJECT_FILES || input.files.contains_key(&relative) {
                continue;
            }
            // Paths come normalised from the engine; refuse anything that is not plain.
            let plain = Path::new(&relative)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
            if !plain {
                continue;
            }
            let file = folder.join(&relative);
            // Oversize project files are left out; the engine reports the reference.
            let small = std::fs::metadata(&file).is_ok_and(|m| m.len() <= max_bytes as u64);
            if small && let Ok(content) = read_text(&file) {
                input.files.insert(relative, content);
                added = true;
            }
        }
        if !added {
            return Ok((analysis, size));
        }
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); save the document as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The verdict on a file too large to read.
fn oversize(main: &str, size: u64, max_bytes: usize) -> spec_engine::Analysis {
    let message = format!(
        "The file is {size} bytes; at most {max_bytes} are accepted (raise --max-document-bytes to check it)."
    );
    spec_engine::Analysis {
        kind: None,
        version: None,
        format: None,
        diagnostics: vec![spec_engine::Diagnostic::error(main, "", message).at(1, 1)],
        model: None,
        documents: None,
    }
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
