//! `portico diff OLD NEW [--format text|json|markdown] [--fail-on breaking|warning]
//! [--rules FILE] [--server URL] [--token T]` and `portico diff --list-rules`: the
//! semantic diff of two versions of an API for a terminal, a script or a pull request.
//!
//! OLD and NEW are files (read with the files their relative references name, from their
//! own folder) or `group/asset/version` of a version published on a Portico server.
//! Exit 1 when a change meets `--fail-on`, 0 otherwise, 2 for usage or input errors
//! (a side that cannot be read or does not parse, AsyncAPI against OpenAPI).

mod catalog;
mod side;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use portico_types::Gav;
use spec_engine::diff::{DiffError, DiffOptions, DiffReport, RuleOverrides, Severity, Side};

use super::lint::DEFAULT_MAX_DOCUMENT_BYTES;
use super::project::read_text;
use super::remote::Remote;
use side::{Loaded, Source, Text};

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// One change per line, most severe first, then a summary.
    Text,
    /// One object: `{"breaking","suggested_bump","changes","warnings"}`.
    Json,
    /// A report made for a pull-request comment.
    Markdown,
}

/// The least severe change that makes `diff` exit 1.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    /// Fail on a breaking change.
    Breaking,
    /// Fail on a breaking change or a warning.
    Warning,
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a file, or `group/asset/version` on the server.
    #[arg(required_unless_present = "list_rules")]
    pub old: Option<PathBuf>,
    /// The new version: a file, or `group/asset/version` on the server.
    #[arg(required_unless_present = "list_rules")]
    pub new: Option<PathBuf>,
    /// Output format (of the report, or of the catalog with --list-rules).
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Exit 1 when a change at least this severe is found.
    #[arg(long, value_enum, default_value = "breaking")]
    pub fail_on: FailOn,
    /// Severity overrides, YAML or JSON: `rules: {RULE-ID: breaking|warning|info|off}`.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Print the rule catalog (id, default severity, direction, description) and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// The Portico server that `group/asset/version` arguments are fetched from.
    #[arg(long, env = "PORTICO_SERVER")]
    pub server: Option<String>,
    /// A personal access token with the read scope, for versions that are not public.
    #[arg(long, env = "PORTICO_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Largest document accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,
}

/// Exit code when a change meets `--fail-on`.
const FAILED: u8 = 1;
/// Exit code for usage and input errors.
const UNUSABLE: u8 = 2;

/// Compares the two sides (or lists the catalog) and returns the process exit code.
pub fn run(args: &DiffArgs) -> ExitCode {
    if args.list_rules {
        return print(&catalog::render(args.format));
    }
    match compare(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("portico diff: {message}");
            ExitCode::from(UNUSABLE)
        }
    }
}

/// Writes `text` to stdout; a closed pipe is not worth a panic.
fn print(text: &str) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    ExitCode::SUCCESS
}

fn compare(args: &DiffArgs) -> Result<ExitCode, String> {
    let (Some(old), Some(new)) = (&args.old, &args.new) else {
        return Err("OLD and NEW are required (or --list-rules).".to_owned());
    };
    let options = DiffOptions {
        overrides: match &args.rules {
            Some(path) => overrides(path)?,
            None => RuleOverrides::default(),
        },
    };
    let sources = [Source::classify(old), Source::classify(new)];
    let [old_label, new_label] = sources.each_ref().map(Source::label);
    let [old_text, new_text] = texts(args, sources)?;
    let max_bytes = args.max_document_bytes;
    // The two sides are independent: each is read and analysed on its own thread.
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(move || side::load(old_text, max_bytes));
        let new = side::load(new_text, max_bytes);
        let old = old
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (old, new)
    });
    let old = old.map_err(|e| format!("{old_label}: {e}"))?;
    let new = new.map_err(|e| format!("{new_label}: {e}"))?;
    let result = spec_engine::diff_analyzed(
        &old.input,
        &old.analysis,
        &new.input,
        &new.analysis,
        &options,
    );
    let outcome = match result {
        Ok(mut report) => {
            relabel(&mut report, &old, &new);
            let rendered = match args.format {
                DiffFormat::Text => report.to_text(),
                DiffFormat::Markdown => report.to_markdown(),
                DiffFormat::Json => {
                    let json = serde_json::to_string(&report)
                        .map_err(|e| format!("cannot write the report as JSON: {e}"))?;
                    json + "\n"
                }
            };
            print(&rendered);
            Ok(if fails(&report, args.fail_on) {
                ExitCode::from(FAILED)
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(DiffError::Unreadable { side, diagnostics }) => {
            let (loaded, label) = if side == "old" {
                (&old, &old_label)
            } else {
                (&new, &new_label)
            };
            for d in &diagnostics {
                eprintln!(
                    "{}:{}:{}: {}: {}",
                    loaded.shown(&d.file),
                    d.line.unwrap_or(1),
                    d.column.unwrap_or(1),
                    d.severity,
                    d.message
                );
            }
            Err(format!(
                "{label}: the {side} side cannot be compared: it is not an AsyncAPI or OpenAPI document that parses."
            ))
        }
        Err(mismatch @ DiffError::KindMismatch { .. }) => Err(mismatch.to_string()),
    };
    old.free();
    new.free();
    outcome
}

/// Reads and checks the `--rules` file.
fn overrides(path: &Path) -> Result<RuleOverrides, String> {
    let text = read_text(path).map_err(|e| format!("{}: {e}", path.display()))?;
    RuleOverrides::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What each side's text is: files stay paths (read beside their analysis); published
/// versions are downloaded first, side by side, from the server.
fn texts(args: &DiffArgs, sources: [Source; 2]) -> Result<[Text; 2], String> {
    let [old, new] = sources.map(Source::into_local);
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => return Ok([old, new]),
        sides => sides,
    };
    let Some(server) = args.server.as_deref() else {
        let gav = [&old, &new]
            .into_iter()
            .find_map(|side| side.as_ref().err());
        let label = gav.map(side::label).unwrap_or_default();
        return Err(format!(
            "{label} is not a file; to compare that published version give --server URL (or set PORTICO_SERVER)."
        ));
    };
    let remote =
        Remote::new(server, args.token.as_deref()).map_err(|e| format!("{server}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let max_bytes = args.max_document_bytes;
    let fetch = |side: Result<Text, Gav>| {
        let remote = &remote;
        async move {
            match side {
                Ok(text) => Ok(text),
                Err(gav) => side::download(remote, &gav, max_bytes)
                    .await
                    .map_err(|e| format!("{}: {e}", side::label(&gav))),
            }
        }
    };
    let (old, new) = runtime.block_on(async { tokio::join!(fetch(old), fetch(new)) });
    Ok([old?, new?])
}

/// Names every file in the report as the person gave it: a path beside the root file
/// they named, or the coordinate of a published version.
fn relabel(report: &mut DiffReport, old: &Loaded, new: &Loaded) {
    for change in &mut report.changes {
        if let Some(location) = &mut change.old {
            location.file = old.shown(&location.file);
        }
        if let Some(location) = &mut change.new {
            location.file = new.shown(&location.file);
        }
    }
    for warning in &mut report.warnings {
        let loaded = match warning.side {
            Some(Side::Old) => old,
            Some(Side::New) => new,
            None => continue,
        };
        if let Some(file) = &mut warning.file {
            *file = loaded.shown(file);
        }
    }
}

/// Whether the report meets the `--fail-on` threshold.
fn fails(report: &DiffReport, fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Breaking => report.breaking,
        FailOn::Warning => report
            .changes
            .iter()
            .any(|c| matches!(c.severity, Severity::Breaking | Severity::Warning)),
    }
}
