//! A version's governance verdict as a badge, in the versions table and on catalog hits.

use leptos::prelude::*;

/// A version's governance verdict: conformant, or its findings by severity.
#[component]
pub fn ConformanceBadge(counts: portico_types::FindingCounts) -> impl IntoView {
    if counts.total() == 0 {
        return view! { <span class="badge conformant" data-testid="version-conformance">"conformant"</span> }.into_any();
    }
    let mut parts = Vec::new();
    for (count, what) in [
        (counts.errors, "error"),
        (counts.warnings, "warning"),
        (counts.infos, "info"),
        (counts.hints, "hint"),
    ] {
        if count > 0 {
            parts.push(format!(
                "{count} {what}{}",
                if count == 1 || what == "info" {
                    ""
                } else {
                    "s"
                }
            ));
        }
    }
    let class = if counts.errors > 0 {
        "badge findings-error"
    } else {
        "badge findings"
    };
    view! { <span class=class data-testid="version-conformance">{parts.join(", ")}</span> }
        .into_any()
}
