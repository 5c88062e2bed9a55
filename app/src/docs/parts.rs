//! Small pieces both halves of the documentation use: parameter tables, pretty JSON,
//! security schemes.

use leptos::prelude::*;
use serde_json::Value;
use spec_engine::{Parameter, SecurityScheme};

use super::markdown::Markdown;
use super::schema::type_label;

/// Longest pretty-printed value shown inline; longer ones are cut with a note.
const MAX_PRETTY_BYTES: usize = 16 * 1024;

/// Parameters as a table: name, where, type, required, description.
#[component]
pub fn ParameterTable(parameters: Vec<Parameter>) -> impl IntoView {
    view! {
        <table class="table params">
            <thead><tr><th>"Name"</th><th>"In"</th><th>"Type"</th><th>"Required"</th><th>"Description"</th></tr></thead>
            <tbody>
                {parameters.into_iter().map(|p| {
                    let mut kind = p.schema.as_ref().map(type_label).unwrap_or_default();
                    if !p.enum_values.is_empty() {
                        kind = format!("{} ({})", if kind.is_empty() { "enum" } else { &kind }, p.enum_values.join(" | "));
                    }
                    view! {
                        <tr>
                            <td><code>{p.name}</code></td>
                            <td>{p.location}</td>
                            <td>{kind}{p.default.map(|d| format!(" = {d}"))}</td>
                            <td>{if p.required { "yes" } else { "no" }}</td>
                            <td>{p.description.map(|d| view! { <Markdown text=d/> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A JSON value, pretty-printed as text (never as HTML).
#[component]
pub fn Pretty(value: Value) -> impl IntoView {
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    if text.len() > MAX_PRETTY_BYTES {
        let mut end = MAX_PRETTY_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("\n… (cut; see the source)");
    }
    view! { <pre class="code"><code>{text}</code></pre> }
}

/// The security schemes of a document.
#[component]
pub fn SecuritySchemes(schemes: Vec<SecurityScheme>) -> impl IntoView {
    view! {
        <section class="doc-group" id="security">
            <h2>"Security"</h2>
            {schemes.into_iter().map(|scheme| view! {
                <div class="security-scheme">
                    <p><strong>{scheme.name}</strong>" "<span class="badge">{scheme.scheme_type}</span></p>
                    {scheme.description.map(|d| view! { <Markdown text=d/> })}
                    {(!scheme.details.is_null() && scheme.details.as_object().is_none_or(|m| !m.is_empty()))
                        .then(|| view! { <Pretty value=scheme.details.clone()/> })}
                </div>
            }).collect_view()}
        </section>
    }
    .into_any()
}
