//! The report for people: plain text for a terminal, Markdown for a pull-request
//! comment (a summary line, then the changes grouped by severity with `file:line`).

use std::fmt::Write as _;

use super::{Bump, Change, DiffReport, Location, Severity};

fn bump(bump: Bump) -> &'static str {
    match bump {
        Bump::Major => "major",
        Bump::Minor => "minor",
        Bump::Patch => "patch",
        Bump::None => "none",
    }
}

fn place(location: &Option<Location>) -> Option<String> {
    let location = location.as_ref()?;
    Some(match location.line {
        Some(line) => format!("{}:{line}", location.file),
        None => format!("{}#{}", location.file, location.pointer),
    })
}

/// Where a change is: the new location, else the old one (for removals).
fn where_is(change: &Change) -> String {
    match (place(&change.old), place(&change.new)) {
        (Some(old), None) => format!("{old} (removed)"),
        (_, Some(new)) => new,
        (None, None) => String::new(),
    }
}

fn summary(report: &DiffReport) -> String {
    if report.changes.is_empty() {
        return "No changes.".to_owned();
    }
    format!(
        "{} change{}: {} breaking, {} warning{}, {} info. Suggested version bump: {}.",
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
        report.count(Severity::Breaking),
        report.count(Severity::Warning),
        if report.count(Severity::Warning) == 1 {
            ""
        } else {
            "s"
        },
        report.count(Severity::Info),
        bump(report.suggested_bump)
    )
}

/// Escapes what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl DiffReport {
    /// The report as plain text, one change per line, most severe first.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let _ = writeln!(
                out,
                "{:<8} {:<8} {}  [{}]{}",
                change.severity.as_str(),
                change.direction.as_str(),
                change.message,
                change.rule,
                match where_is(change) {
                    w if w.is_empty() => String::new(),
                    w => format!("  {w}"),
                }
            );
        }
        for warning in &self.warnings {
            let at = match (&warning.file, warning.line) {
                (Some(file), Some(line)) => format!(" ({file}:{line})"),
                _ => String::new(),
            };
            let _ = writeln!(out, "note     {}{at}", warning.message);
        }
        let _ = writeln!(out, "{}", summary(self));
        out
    }

    /// The report as Markdown for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let verdict = if self.breaking {
            "**Breaking changes**"
        } else {
            "No breaking changes"
        };
        let _ = writeln!(out, "### API changes: {verdict}\n\n{}\n", summary(self));
        for (severity, title) in [
            (Severity::Breaking, "Breaking"),
            (Severity::Warning, "Warnings"),
            (Severity::Info, "Other changes"),
        ] {
            let changes: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.severity == severity)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "#### {title} ({})\n", changes.len());
            let _ = writeln!(
                out,
                "| Change | Direction | Where | Rule |\n| --- | --- | --- | --- |"
            );
            for change in changes {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | `{}` |",
                    cell(&change.message),
                    change.direction.as_str(),
                    cell(&where_is(change)),
                    change.rule
                );
            }
            out.push('\n');
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "#### Notes\n");
            for warning in &self.warnings {
                let at = match (&warning.file, warning.line) {
                    (Some(file), Some(line)) => format!(" (`{file}:{line}`)"),
                    _ => String::new(),
                };
                let _ = writeln!(out, "- {}{at}", warning.message);
            }
        }
        out
    }
}
