//! `portico convert FILE [--to json|yaml] [--asyncapi-v3]`: prints a document in the
//! other syntax, or upgraded from AsyncAPI 2.x to 3.0, on stdout. Exit 0 when the
//! output is a valid document, 1 when the input cannot be converted or the output has
//! errors (it is still printed, with the errors on stderr), 2 for usage or I/O problems.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::lint::DEFAULT_MAX_DOCUMENT_BYTES;
use super::project::read_project;

/// Output syntaxes.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// Arguments of `convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// An AsyncAPI or OpenAPI document (YAML or JSON).
    pub file: PathBuf,
    /// Output syntax. Default: the other one, or the input's own with --asyncapi-v3.
    #[arg(long, value_enum)]
    pub to: Option<Syntax>,
    /// Upgrade an AsyncAPI 2.x document to 3.0.0 (files it references are inlined).
    #[arg(long)]
    pub asyncapi_v3: bool,
    /// Largest file accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,
}

/// Converts the file and returns the process exit code.
pub fn run(args: &ConvertArgs) -> ExitCode {
    let shown = args.file.display();
    // Relative references are read wherever they lead, as `lint` reads them.
    let root = std::path::Path::new("/");
    let analysis = match read_project(
        &args.file,
        args.max_document_bytes,
        spec_engine::check,
        Some(root),
    ) {
        Ok(project) => project.analysis,
        Err(message) => {
            eprintln!("portico convert: {shown}: {message}");
            return ExitCode::from(2);
        }
    };
    let Some(documents) = analysis
        .documents
        .as_ref()
        .filter(|_| analysis.kind.is_some())
    else {
        // Not parseable, or not an API document: say why, as lint would.
        for d in &analysis.diagnostics {
            eprintln!(
                "{shown}:{}:{}: {}: {}",
                d.line.unwrap_or(1),
                d.column.unwrap_or(1),
                d.severity,
                d.message
            );
        }
        return ExitCode::from(1);
    };
    let input_syntax = match analysis.format {
        Some(spec_engine::Format::Json) => Syntax::Json,
        _ => Syntax::Yaml,
    };
    let (tree, target) = if args.asyncapi_v3 {
        let is_v2 = analysis.kind == Some(spec_engine::Kind::AsyncApi)
            && analysis
                .version
                .as_deref()
                .is_some_and(|v| v.starts_with("2."));
        if !is_v2 {
            let what = match (analysis.kind, &analysis.version) {
                (Some(kind), Some(version)) => format!("{} {version}", kind.as_str()),
                _ => "not an AsyncAPI document".to_owned(),
            };
            eprintln!(
                "portico convert: {shown}: --asyncapi-v3 upgrades AsyncAPI 2.x documents; this is {what}."
            );
            return ExitCode::from(1);
        }
        let Some(bundled) = documents.bundled() else {
            eprintln!("portico convert: {shown}: the document could not be read");
            return ExitCode::from(1);
        };
        match spec_engine::convert_asyncapi_to_v3(&bundled) {
            Ok(v3) => (v3, args.to.unwrap_or(input_syntax)),
            Err(reason) => {
                eprintln!("portico convert: {shown}: {reason}");
                return ExitCode::from(1);
            }
        }
    } else {
        let Some(main) = documents.files.get(&documents.main) else {
            return ExitCode::from(1);
        };
        let other = match input_syntax {
            Syntax::Json => Syntax::Yaml,
            Syntax::Yaml => Syntax::Json,
        };
        (main.value.clone(), args.to.unwrap_or(other))
    };
    let text = match target {
        Syntax::Json => spec_engine::to_json(&tree),
        Syntax::Yaml => spec_engine::to_yaml(&tree),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if !args.asyncapi_v3 {
        return if analysis.has_errors() {
            report_errors(&shown.to_string(), "the document", &analysis);
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    // Check what was produced, so an upgrade that yields an invalid 3.0 document is
    // noticed (bindings the 2.x schemas never checked, for instance).
    let name = format!("{}.v3", args.file.display());
    let check = spec_engine::analyze(&spec_engine::Input::single(&name, &text));
    if check.has_errors() {
        report_errors(&shown.to_string(), "the converted 3.0.0 document", &check);
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn report_errors(shown: &str, what: &str, analysis: &spec_engine::Analysis) {
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == spec_engine::Severity::Error)
        .collect();
    eprintln!(
        "portico convert: {shown}: {what} has {} error(s):",
        errors.len()
    );
    for d in errors {
        eprintln!(
            "  line {}: {} ({})",
            d.line.unwrap_or(1),
            d.message,
            if d.pointer.is_empty() {
                "/"
            } else {
                &d.pointer
            }
        );
    }
}
