//! Publishing a design project to the exchange from the editor: a dialog that suggests
//! the next version, and a server function that runs the exchange's one publish path.
//! A project of several files is published as one bundled document.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::workspace::{Workspace, restart};
use crate::error::AppError;
use portico_types::Lifecycle;
use portico_types::dependencies::BrokenDependent;
use portico_types::diff::{Change, PublishPreview};

/// What the dialog needs to suggest a coordinate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishOptions {
    /// Organisations where the user may publish.
    pub groups: Vec<String>,
    /// Versions already used by `group/asset` (newest first), deleted ones included.
    pub taken_versions: Vec<String>,
}

/// Where a publish ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedAt {
    pub path: String,
    /// False when the identical document was already there (nothing new was stored).
    pub created: bool,
    /// For a breaking change: the dependents it breaks.
    pub breaks: Vec<BrokenDependent>,
}

/// The organisations the user may publish to and the versions `group/asset` already has.
#[server(prefix = "/rpc", endpoint = "design_publish_options")]
pub async fn load_publish_options(
    group: String,
    asset: String,
) -> Result<PublishOptions, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let (groups, taken_versions) =
        portico_core::design::publish_options(&ctx.db, &user, &group, &asset).await?;
    Ok(PublishOptions {
        groups,
        taken_versions,
    })
}

/// What publishing the project as `group/asset/version` would change against the
/// release before it (`None` for a first release or a version still being typed).
#[server(prefix = "/rpc", endpoint = "design_publish_preview")]
pub async fn load_publish_preview(
    id: String,
    group: String,
    asset: String,
    version: String,
) -> Result<Option<PublishPreview>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let coordinate = (group.as_str(), asset.as_str(), version.as_str());
    Ok(portico_core::design::publish_preview(&ctx.db, &user, &id, coordinate).await?)
}

/// Publishes the project as saved on the server.
#[server(prefix = "/rpc", endpoint = "design_publish")]
pub async fn publish_project(
    id: String,
    group: String,
    asset: String,
    version: String,
    lifecycle: Lifecycle,
    override_reason: Option<String>,
) -> Result<PublishedAt, AppError> {
    use portico_core::exchange::gate::Override;
    use portico_core::repo::assets::PublishOutcome;

    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let coordinate = (group.as_str(), asset.as_str(), version.as_str());
    let gate = match override_reason {
        Some(reason) => Override::Breaking { reason },
        None => Override::None,
    };
    let published =
        portico_core::design::publish(&ctx.db, &user, &id, coordinate, lifecycle, gate).await?;
    Ok(PublishedAt {
        path: format!(
            "/exchange/{}/{}/{}",
            published.gav.group, published.gav.asset, published.gav.version
        ),
        created: matches!(published.outcome, PublishOutcome::Created),
        breaks: published.compared.map(|c| c.breaks).unwrap_or_default(),
    })
}

/// The next patch and minor versions after the highest taken one (1.0.0 for a new asset).
pub fn suggested_versions(taken: &[String]) -> Vec<String> {
    let highest = taken
        .iter()
        .filter_map(|v| semver::Version::parse(v).ok())
        .filter(|v| v.pre.is_empty())
        .max();
    match highest {
        None => vec!["1.0.0".to_owned(), "0.1.0".to_owned()],
        Some(v) => vec![
            format!("{}.{}.{}", v.major, v.minor, v.patch + 1),
            format!("{}.{}.0", v.major, v.minor + 1),
            format!("{}.0.0", v.major + 1),
        ],
    }
}

/// A lowercase id made from a project name: the asset id the Publish dialog suggests,
/// and the name of the project's ZIP download.
pub fn asset_id_from(name: &str) -> String {
    let mut id = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_owned();
    if id.is_empty() { "api".to_owned() } else { id }
}

/// How long the coordinate must stay as typed before the dialog asks what it would change.
const PREVIEW_DELAY: std::time::Duration = std::time::Duration::from_millis(350);

/// The Publish dialog of the editor.
#[component]
pub fn PublishDialog(
    project_name: String,
    default_group: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let group = RwSignal::new(default_group);
    let asset = RwSignal::new(asset_id_from(&project_name));
    let version = RwSignal::new("1.0.0".to_owned());
    let lifecycle = RwSignal::new(Lifecycle::Stable);
    let error = RwSignal::new(None::<String>);
    let problems = RwSignal::new(Vec::<portico_types::DocumentDiagnostic>::new());
    let changes = RwSignal::new(Vec::<Change>::new());
    let breaks = RwSignal::new(Vec::<BrokenDependent>::new());
    let done = RwSignal::new(None::<PublishedAt>);
    let busy = RwSignal::new(false);
    let target = Resource::new(
        move || (group.get(), asset.get()),
        |(g, a)| load_publish_options(g, a),
    );
    // What this coordinate would change, against the release before it: asked once the
    // coordinate stops changing for a moment (each answer is a whole comparison on the
    // server, not worth one per keystroke). The project is saved by then or being saved.
    let settled = RwSignal::new((
        group.get_untracked(),
        asset.get_untracked(),
        version.get_untracked(),
    ));
    let settle_timer = StoredValue::new(None);
    Effect::new(move |_| {
        let typed = (group.get(), asset.get(), version.get());
        if typed != settled.get_untracked() {
            restart(settle_timer, PREVIEW_DELAY, move || settled.set(typed));
        }
    });
    let project_id = ws.project_id.get_value();
    let preview = Resource::new(
        move || settled.get(),
        move |(g, a, v)| load_publish_preview(project_id.clone(), g, a, v),
    );
    // Each time the coordinate changes, suggest the next free version.
    Effect::new(move |_| {
        if let Some(Ok(target)) = target.get() {
            let suggestions = suggested_versions(&target.taken_versions);
            if let Some(first) = suggestions.first() {
                version.set(first.clone());
            }
        }
    });
    let has_errors = move || {
        ws.analysis.with(|a| {
            a.diagnostics
                .iter()
                .any(|d| d.severity == spec_engine::Severity::Error)
        })
    };
    let submit = move |_| {
        busy.set(true);
        error.set(None);
        problems.set(Vec::new());
        changes.set(Vec::new());
        breaks.set(Vec::new());
        spawn_local(async move {
            // Publish what the editor shows: wait for a save in flight, then save the rest.
            for _ in 0..100 {
                if !ws.saving_in_progress() {
                    break;
                }
                sleep_ms(100).await;
            }
            ws.save_all(false).await;
            if ws
                .files
                .with_untracked(|files| files.iter().any(|f| f.dirty()))
            {
                busy.set(false);
                error.set(Some(
                    "The project could not be saved, so it was not published; see the save state."
                        .into(),
                ));
                return;
            }
            let result = publish_project(
                ws.project_id.get_value(),
                group.get_untracked(),
                asset.get_untracked(),
                version.get_untracked(),
                lifecycle.get_untracked(),
                None,
            )
            .await;
            busy.set(false);
            match result {
                Ok(at) => done.set(Some(at)),
                Err(AppError::Server(portico_types::Error::InvalidDocument(list))) => {
                    let governed = list.iter().any(|d| d.rule.is_some());
                    error.set(Some(if governed {
                        "The document breaks rules the organisation's governance profile blocks on; fix them and publish again.".into()
                    } else {
                        "The document has problems; fix them and publish again.".into()
                    }));
                    problems.set(list);
                }
                Err(AppError::Server(portico_types::Error::BreakingChange {
                    message,
                    report,
                    breaks: broken,
                    ..
                })) => {
                    error.set(Some(message));
                    changes.set(report.changes);
                    breaks.set(broken);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="dialog-backdrop">
            <section class="dialog card" role="dialog" aria-label="Publish to the exchange">
                <h2>"Publish to the exchange"</h2>
                {move || match done.get() {
                    Some(at) => view! {
                        <p data-testid="published">
                            {if at.created { "Published: " } else { "Already published with this content: " }}
                            <a href=at.path.clone()>{at.path.clone()}</a>
                        </p>
                        {(!at.breaks.is_empty()).then(|| view! { <BrokenDependents breaks=at.breaks.clone()/> })}
                        <button type="button" on:click=move |_| on_close.run(())>"Close"</button>
                    }.into_any(),
                    None => view! {
                        {move || has_errors().then(|| view! {
                            <p class="form-error">"The document has errors (see Problems); the exchange will refuse it."</p>
                        })}
                        <label>"Organisation"
                            <select on:change=move |ev| group.set(event_target_value(&ev)) prop:value=group>
                                {move || target.get().and_then(Result::ok).map(|t| t.groups).unwrap_or_default().into_iter().map(|g| {
                                    view! { <option value=g.clone() selected=g == group.get_untracked()>{g.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label>"Asset id"<input type="text" prop:value=asset on:input=move |ev| asset.set(event_target_value(&ev))/></label>
                        <label>"Version"<input type="text" prop:value=version on:input=move |ev| version.set(event_target_value(&ev))/></label>
                        <p class="muted suggestions">"Suggested: "
                            {move || target.get().and_then(Result::ok).map(|t| suggested_versions(&t.taken_versions)).unwrap_or_default().into_iter().map(|v| {
                                let pick = v.clone();
                                view! { <button type="button" class="link-button" on:click=move |_| version.set(pick.clone())>{v}</button>" " }
                            }).collect_view()}
                        </p>
                        <Transition fallback=|| ()>
                            {move || preview.get().and_then(Result::ok).flatten().map(|p| {
                                let suggested = p.suggested_version.clone();
                                let pick = suggested.clone();
                                view! {
                                    <div class="publish-preview" data-testid="publish-preview">
                                        <p class=if p.refused { "form-error" } else { "muted" }>
                                            {format!(
                                                "Changes since {}: {} breaking, {} in all.",
                                                p.base,
                                                p.report.changes.iter().filter(|c| c.severity == portico_types::diff::Severity::Breaking).count(),
                                                p.report.changes.len(),
                                            )}
                                            {p.refused.then_some(" This version number does not allow a breaking change.")}
                                            " The changes call for "
                                            <button type="button" class="link-button" data-testid="suggested-by-changes"
                                                on:click=move |_| version.set(pick.clone())>{suggested}</button>"."
                                        </p>
                                        {(!p.breaks.is_empty()).then(|| view! { <BrokenDependents breaks=p.breaks.clone()/> })}
                                        <ChangeList changes=p.report.changes/>
                                    </div>
                                }
                            })}
                        </Transition>
                        <label>"Lifecycle"
                            <select on:change=move |ev| lifecycle.set(Lifecycle::parse(&event_target_value(&ev)).unwrap_or(Lifecycle::Stable))>
                                <option value="stable" selected=true>"stable (never changes once published)"</option>
                                <option value="development">"development (may be overwritten)"</option>
                            </select>
                        </label>
                        <div class="dialog-actions">
                            <button type="button" class="primary" disabled=move || busy.get() on:click=submit>"Publish"</button>
                            <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                        </div>
                    }.into_any(),
                }}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <ul class="publish-problems">
                    {move || problems.get().into_iter().map(|d| view! {
                        <li>
                            {format!("line {}: {}", d.line.unwrap_or(1), d.message)}
                            {d.rule.map(|rule| view! { " "<code class="rule-id">{rule}</code> })}
                        </li>
                    }).collect_view()}
                </ul>
                {move || (!breaks.get().is_empty()).then(|| view! { <BrokenDependents breaks=breaks.get()/> })}
                {move || (!changes.get().is_empty()).then(|| view! { <ChangeList changes=changes.get()/> })}
            </section>
        </div>
    }
    .into_any()
}

/// Changes of a diff, breaking first, each with its sentence and where it is written
/// (the new version's file and line, or the old one's for what was removed).
#[component]
pub fn ChangeList(changes: Vec<Change>) -> impl IntoView {
    view! {
        <ul class="change-list" data-testid="change-list">
            {changes.into_iter().map(|c| {
                let place = c.new.as_ref().or(c.old.as_ref()).map(|l| match l.line {
                    Some(line) => format!("{}:{line}", l.file),
                    None => l.file.clone(),
                }).unwrap_or_default();
                view! {
                    <li class=format!("change {}", c.severity.as_str()) data-rule=c.rule.clone()>
                        <span class="badge">{c.severity.as_str()}</span>" "{c.message}" "
                        <span class="muted">{place}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The dependents a breaking change breaks: the assets whose newest version pinned an
/// older version of this one, and what the break means for each.
#[component]
pub fn BrokenDependents(breaks: Vec<BrokenDependent>) -> impl IntoView {
    let count = breaks.len();
    view! {
        <div class="broken-dependents" data-testid="broken-dependents">
            <p class="form-error">
                {format!("This breaking change breaks {count} dependent{}:", if count == 1 { "" } else { "s" })}
            </p>
            <ul>
                {breaks.into_iter().map(|b| {
                    let d = b.dependent;
                    let name = format!("{}/{} {}", d.group, d.asset, d.version);
                    let href = format!("/exchange/{}/{}/{}", d.group, d.asset, d.version);
                    let effect = if b.accepts_new {
                        "its requirement takes the new version: published again, it gets the break"
                    } else {
                        "it has to adapt to move to the new version"
                    };
                    view! {
                        <li data-dependent=format!("{}/{}", d.group, d.asset)>
                            <a href=href>{name}</a>
                            {format!(" uses {} ({}): {effect}.", d.pinned, d.requirement)}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Waits in the browser (a `setTimeout` promise).
async fn sleep_ms(millis: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_the_highest_release() {
        assert_eq!(suggested_versions(&[]), ["1.0.0", "0.1.0"]);
        let taken = vec![
            "1.0.0".to_owned(),
            "1.2.3".to_owned(),
            "2.0.0-rc.1".to_owned(),
        ];
        assert_eq!(suggested_versions(&taken), ["1.2.4", "1.3.0", "2.0.0"]);
    }

    #[test]
    fn asset_ids_are_made_from_names() {
        assert_eq!(asset_id_from("Order Service"), "order-service");
        assert_eq!(asset_id_from("  ***  "), "api");
        assert_eq!(asset_id_from("Orders v2!"), "orders-v2");
    }
}
