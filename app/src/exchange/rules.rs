//! The change rules page (`/exchange/rules`): every rule of the diff with its default
//! severity, the data it concerns and a before/after example, and the level an
//! organisation gives each rule instead. Its admins change the levels here; the publish
//! gate, the Publish dialog's preview and the compare view of its assets apply them.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use portico_types::diff::{OrganizationRuleLevels, RuleLevel, RuleLevels, RuleSummary};

use super::organization_picker::OrganizationPicker;
use crate::account::state::AuthState;
use crate::error::AppError;

/// Every rule of the catalog, in display order.
#[server(prefix = "/rpc", endpoint = "diff_rule_catalog")]
pub async fn diff_rule_catalog() -> Result<Vec<RuleSummary>, AppError> {
    crate::session::require_user().await?;
    Ok(portico_core::exchange::diff_rules::catalog())
}

/// The levels `organization` gives rules (any member).
#[server(prefix = "/rpc", endpoint = "rule_levels")]
pub async fn load_rule_levels(organization: String) -> Result<OrganizationRuleLevels, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::diff_rules::levels(&ctx.db, &user, &organization).await?)
}

/// Replaces the levels `organization` gives rules (its admins).
#[server(prefix = "/rpc", endpoint = "save_rule_levels", input = leptos::server_fn::codec::Json)]
pub async fn save_rule_levels(
    organization: String,
    levels: RuleLevels,
) -> Result<RuleLevels, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(
        portico_core::exchange::diff_rules::set_levels(&ctx.db, &user, &organization, &levels)
            .await?,
    )
}

/// The organisation the address names (`?org=`), and its levels.
async fn load_levels(organization: String) -> Result<Option<OrganizationRuleLevels>, AppError> {
    if organization.is_empty() {
        return Ok(None);
    }
    load_rule_levels(organization).await.map(Some)
}

/// The page.
#[component]
pub fn RulesPage() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    let query = use_query_map();
    let organization = move || query.read().get("org").unwrap_or_default();
    // Created here, not inside the views that await them, so hydration matches them.
    let catalog = Resource::new(|| (), |_| diff_rule_catalog());
    let levels = Resource::new(organization, load_levels);
    view! {
        <Title text="Change rules · Exchange · Portico"/>
        <section class="card rules-page">
            <h1>"Change rules"</h1>
            <p class="lead">
                "What Portico reports when it compares two versions of an API (at publish, in the Publish dialog, in the compare view and in "
                <code>"portico diff"</code>
                "). A breaking change in a minor or patch release is refused at publish. An organisation may give a rule another level; its admins set them here."
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let user = match auth.user.await {
                        Ok(Some(user)) => user,
                        Ok(None) => return view! { <Redirect path="/login?next=/exchange/rules"/> }.into_any(),
                        Err(error) => return view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    };
                    let rules = match catalog.await {
                        Ok(rules) => rules,
                        Err(error) => return view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    };
                    let levels = levels.await;
                    let organizations: Vec<String> = user.organizations.into_iter().map(|o| o.slug).collect();
                    view! { <RulesView rules organizations levels/> }.into_any()
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn RulesView(
    rules: Vec<RuleSummary>,
    organizations: Vec<String>,
    levels: Result<Option<OrganizationRuleLevels>, AppError>,
) -> impl IntoView {
    let (levels, load_error) = match levels {
        Ok(levels) => (levels, None),
        Err(error) => (None, Some(error.to_string())),
    };
    let organization = levels
        .as_ref()
        .map(|l| l.organization.clone())
        .unwrap_or_default();
    let can_edit = levels.as_ref().is_some_and(|l| l.can_edit);
    let chosen = levels.as_ref().map(|l| l.levels.rules.clone());
    let draft = RwSignal::new(chosen.clone().unwrap_or_default());
    let filter = RwSignal::new(String::new());
    let scope = RwSignal::new(String::new());
    let message = RwSignal::new(None::<Result<String, String>>);
    let saving = RwSignal::new(false);
    let save_for = StoredValue::new(organization.clone());
    let save = move |_| {
        let organization = save_for.get_value();
        let levels = RuleLevels {
            rules: draft.get_untracked(),
        };
        saving.set(true);
        leptos::task::spawn_local(async move {
            let result = save_rule_levels(organization, levels).await;
            saving.set(false);
            message.set(Some(match result {
                Ok(stored) => {
                    let count = stored.rules.len();
                    draft.set(stored.rules);
                    Ok(format!(
                        "Saved: {count} rule{} at a level of your own.",
                        if count == 1 { "" } else { "s" }
                    ))
                }
                Err(error) => Err(error.to_string()),
            }));
        });
    };
    let total = rules.len();
    view! {
        <div class="rules-toolbar">
            <OrganizationPicker page="/exchange/rules" organizations chosen=organization.clone()
                none="— defaults only —" test_id="rules-organization"/>
            <input type="search" aria-label="Filter rules" placeholder="Filter by id or words, e.g. enum"
                prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev).to_lowercase())/>
            <select aria-label="Scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                <option value="">"All documents"</option>
                <option value="schema">"Schemas"</option>
                <option value="openapi">"OpenAPI"</option>
                <option value="asyncapi">"AsyncAPI"</option>
                <option value="both">"Both specifications"</option>
            </select>
            <span class="muted">{format!("{total} rules")}</span>
        </div>
        {load_error.map(|error| view! { <p class="form-error" role="alert">{error}</p> })}
        {(!organization.is_empty() && !can_edit).then(|| view! {
            <p class="muted">"The organisation's admins set its levels; you see them here."</p>
        })}
        {can_edit.then(|| view! {
            <p class="rules-actions">
                <button type="button" class="primary" data-testid="save-rule-levels"
                    disabled=move || saving.get() on:click=save>"Save levels"</button>
                {move || message.get().map(|result| match result {
                    Ok(text) => view! { <span class="muted" role="status">{text}</span> }.into_any(),
                    Err(text) => view! { <span class="form-error" role="alert">{text}</span> }.into_any(),
                })}
            </p>
        })}
        <table class="table rules-table" data-testid="rules">
            <thead><tr>
                <th>"Rule"</th><th>"Concerns"</th><th>"Default"</th>
                <th>{if organization.is_empty() { "Level".to_owned() } else { format!("Level in {organization}") }}</th>
                <th>"What it finds"</th>
            </tr></thead>
            <tbody>
                {rules.into_iter().map(|rule| {
                    let haystack = format!("{} {}", rule.id, rule.description).to_lowercase();
                    let rule_scope = rule.scope.clone();
                    let shown = move || {
                        let wanted = scope.get();
                        (wanted.is_empty() || wanted == rule_scope) && haystack.contains(&filter.get())
                    };
                    view! {
                        <tr data-rule=rule.id.clone() style:display=move || if shown() { "" } else { "none" }>
                            <td><code>{rule.id.clone()}</code></td>
                            <td>{format!("{} ({})", rule.applies.as_str(), rule.scope)}</td>
                            <td><span class=format!("badge severity-{}", rule.severity.as_str())>{rule.severity.as_str()}</span></td>
                            <td><LevelCell id=rule.id.clone() default=rule.severity.as_str() chosen=chosen.is_some() can_edit draft/></td>
                            <td>
                                {rule.description.clone()}
                                <details>
                                    <summary>"Example"</summary>
                                    <div class="rule-example">
                                        <div><h4>"Before"</h4><pre class="code"><code>{rule.before.clone()}</code></pre></div>
                                        <div><h4>"After"</h4><pre class="code"><code>{rule.after.clone()}</code></pre></div>
                                    </div>
                                </details>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A rule's level in the chosen organisation: a choice for its admins, the level for
/// other members, nothing without an organisation.
#[component]
fn LevelCell(
    id: String,
    default: &'static str,
    /// Whether an organisation is chosen.
    chosen: bool,
    can_edit: bool,
    draft: RwSignal<BTreeMap<String, RuleLevel>>,
) -> impl IntoView {
    if !chosen {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    let key = StoredValue::new(id);
    let current = move || draft.with(|levels| levels.get(&key.get_value()).copied());
    if !can_edit {
        return view! {
            <span>{move || current().map_or_else(|| format!("{default} (default)"), |level| level.as_str().to_owned())}</span>
        }
        .into_any();
    }
    let change = move |ev| {
        let value = event_target_value(&ev);
        draft.update(|levels| match RuleLevel::parse(&value) {
            Some(level) => {
                levels.insert(key.get_value(), level);
            }
            None => {
                levels.remove(&key.get_value());
            }
        });
    };
    view! {
        <select aria-label=format!("Level of {}", key.get_value()) data-testid="rule-level" on:change=change>
            <option value="" selected=move || current().is_none()>{format!("default ({default})")}</option>
            {RuleLevel::ALL.into_iter().map(|level| view! {
                <option value=level.as_str() selected=move || current() == Some(level)>{level.as_str()}</option>
            }).collect_view()}
        </select>
    }
    .into_any()
}
