//! The OpenAPI half of the documentation: servers, then operations grouped by tag with
//! method badges, parameters, request bodies and responses as schema trees.

use leptos::prelude::*;
use spec_engine::{Body, MediaType, Model, Operation, Response};

use super::asyncapi::action_label;
use super::fold::{Fold, slug};
use super::keyed::{Generations, keyed_list, model_list};
use super::markdown::Markdown;
use super::parts::{ParameterTable, Pretty};
use super::schema::SchemaTree;
use super::servers::ServersSection;

/// Name of the group for operations without a tag.
pub const UNTAGGED: &str = "Other operations";

/// Operations (their indexes in the model) grouped by their first tag, in the order tags
/// are declared (then the order they first appear), untagged ones last.
pub fn operations_by_tag(model: &Model) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = model
        .tags
        .iter()
        .map(|t| (t.name.clone(), Vec::new()))
        .collect();
    let mut untagged = Vec::new();
    for (index, operation) in model.operations.iter().enumerate() {
        match operation.tags.first() {
            Some(tag) => match groups.iter_mut().find(|(name, _)| name == tag) {
                Some((_, list)) => list.push(index),
                None => groups.push((tag.clone(), vec![index])),
            },
            None => untagged.push(index),
        }
    }
    groups.retain(|(_, list)| !list.is_empty());
    if !untagged.is_empty() {
        groups.push((UNTAGGED.to_owned(), untagged));
    }
    groups
}

/// Servers, operations by tag, and webhooks of an OpenAPI document; every list keyed, so
/// a new model rebuilds only what changed (see [`keyed`](super::keyed)).
#[component]
pub fn OpenApiSections(model: Signal<Model>) -> impl IntoView {
    let servers = Memo::new(move |_| model.with(|m| m.servers.clone()));
    let groups = Memo::new(move |_| model.with(operations_by_tag));
    let has_webhooks = Memo::new(move |_| model.with(|m| !m.webhooks.is_empty()));
    // Keyed by name and occurrence: a declared tag named like the group of untagged
    // operations is a second group of that name.
    let group_keys = move || {
        groups.with(|groups| {
            (0..groups.len())
                .map(|index| {
                    let (tag, occurrence) = group_name(groups, index);
                    ((tag, occurrence as u64), index)
                })
                .collect()
        })
    };
    let group = move |index: usize| groups.with_untracked(|groups| group_name(groups, index));
    let tag_section = move |(tag, occurrence): (String, usize)| {
        let description = {
            let tag = tag.clone();
            Memo::new(move |_| {
                model.with(|m| {
                    m.tags
                        .iter()
                        .find(|t| t.name == tag)
                        .and_then(|t| t.description.clone())
                })
            })
        };
        let generations = StoredValue::new(Generations::<Operation>::default());
        let keys = {
            let tag = tag.clone();
            move || {
                groups.with(|groups| {
                    let mut named = groups.iter().filter(|(t, _)| *t == tag);
                    let Some((_, indexes)) = named.nth(occurrence) else {
                        return Vec::new();
                    };
                    model.with(|m| {
                        let items = indexes.iter().map(|&i| {
                            let operation = &m.operations[i];
                            (i, operation.id.as_str(), operation)
                        });
                        generations
                            .try_update_value(|g| g.keys(items))
                            .unwrap_or_default()
                    })
                })
            }
        };
        let operation = move |index: usize| model.with_untracked(|m| m.operations[index].clone());
        let anchor = slug("tag", &tag);
        view! {
            <section class="doc-group" id=anchor>
                <h2>{tag}</h2>
                {move || description.get().map(|d| view! { <Markdown text=d/> })}
                {keyed_list(keys, operation, |operation| view! { <HttpOperation operation/> })}
            </section>
        }
    };
    view! {
        {move || view! { <ServersSection servers=servers.get()/> }}
        {keyed_list(group_keys, group, tag_section)}
        {move || has_webhooks.get().then(|| view! {
            <section class="doc-group" id="webhooks">
                <h2>"Webhooks"</h2>
                {model_list(model, |m| &m.webhooks, |o| &o.id,
                    |operation| view! { <HttpOperation operation/> })}
            </section>
        })}
    }
    .into_any()
}

/// The tag of the group at `index` and how many groups before it have that name.
fn group_name(groups: &[(String, Vec<usize>)], index: usize) -> (String, usize) {
    let tag = &groups[index].0;
    let earlier = groups[..index].iter().filter(|(t, _)| t == tag).count();
    (tag.clone(), earlier)
}

/// The anchor of an HTTP operation: its operationId, or method and path.
pub fn operation_anchor(operation: &Operation) -> String {
    slug("operation", &operation.id)
}

#[component]
fn HttpOperation(operation: Operation) -> impl IntoView {
    let method = action_label(&operation.action).to_owned();
    let summary = view! {
        <span class=format!("badge method method-{method}")>{method.to_uppercase()}</span>
        <code class="path">{operation.path.clone().unwrap_or_default()}</code>
        {operation.summary.clone().map(|s| view! { <span class="fold-summary">{s}</span> })}
        {operation.deprecated.then(|| view! { <span class="badge lifecycle-deprecated">"deprecated"</span> })}
    }
    .into_any();
    let id = operation_anchor(&operation);
    let body = StoredValue::new(operation);
    view! {
        <Fold id class="operation" summary>
            {move || {
                let operation = body.get_value();
                view! {
                    <p class="muted">"Operation id: "<code>{operation.id.clone()}</code></p>
                    {operation.description.clone().map(|d| view! { <Markdown text=d/> })}
                    {(!operation.security.is_empty()).then(|| view! {
                        <p class="muted">"Security: "{operation.security.join(", ")}</p>
                    })}
                    {(!operation.parameters.is_empty()).then(|| view! {
                        <h4>"Parameters"</h4>
                        <ParameterTable parameters=operation.parameters.clone()/>
                    })}
                    {operation.request_body.clone().map(|body| view! { <RequestBody body/> })}
                    {(!operation.responses.is_empty()).then(|| view! {
                        <h4>"Responses"</h4>
                        {operation.responses.iter().cloned().map(|response| view! { <ResponseView response/> }).collect_view()}
                    })}
                }
            }}
        </Fold>
    }
    .into_any()
}

#[component]
fn RequestBody(body: Body) -> impl IntoView {
    view! {
        <h4>"Request body"{body.required.then_some(" (required)")}</h4>
        {body.description.map(|d| view! { <Markdown text=d/> })}
        {body.content.into_iter().map(|media| view! { <MediaTypeView media/> }).collect_view()}
    }
    .into_any()
}

#[component]
fn ResponseView(response: Response) -> impl IntoView {
    let class = match response.status.chars().next() {
        Some('2') => "status ok",
        Some('3') => "status redirect",
        Some('4') | Some('5') => "status error",
        _ => "status",
    };
    view! {
        <div class="response">
            <div class="response-head">
                <span class=format!("badge {class}")>{response.status.clone()}</span>
                {response.description.clone().map(|d| view! { <Markdown text=d/> })}
            </div>
            {(!response.headers.is_empty()).then(|| view! { <ParameterTable parameters=response.headers.clone()/> })}
            {response.content.into_iter().map(|media| view! { <MediaTypeView media/> }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn MediaTypeView(media: MediaType) -> impl IntoView {
    view! {
        <div class="media-type">
            <p><code>{media.media_type}</code></p>
            {media.schema.map(|schema| view! { <SchemaTree schema/> })}
            {media.example.map(|example| view! { <p class="muted">"Example"</p><Pretty value=example/> })}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_group_by_first_tag_in_declared_order() {
        let text = r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},
            "tags":[{"name":"b"},{"name":"a"},{"name":"unused"}],
            "paths":{"/x":{"get":{"operationId":"one","tags":["a"],"responses":{"200":{"description":"ok"}}},
                           "post":{"operationId":"two","responses":{"200":{"description":"ok"}}}},
                     "/y":{"get":{"operationId":"three","tags":["b","a"],"responses":{"200":{"description":"ok"}}},
                           "put":{"operationId":"four","tags":["c"],"responses":{"200":{"description":"ok"}}}}}}"#;
        let model = spec_engine::analyze(&spec_engine::Input::single("t.json", text))
            .model
            .expect("model");
        let groups: Vec<(String, Vec<String>)> = operations_by_tag(&model)
            .into_iter()
            .map(|(tag, ops)| {
                (
                    tag,
                    ops.into_iter()
                        .map(|i| model.operations[i].id.clone())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            vec![
                ("b".to_owned(), vec!["three".to_owned()]),
                ("a".to_owned(), vec!["one".to_owned()]),
                ("c".to_owned(), vec!["four".to_owned()]),
                (UNTAGGED.to_owned(), vec!["two".to_owned()]),
            ]
        );
    }
}
