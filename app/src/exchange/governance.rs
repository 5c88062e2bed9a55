//! The governance page (`/exchange/governance?org=`): the organisation's profile, which
//! rulesets apply to which of its assets, each advisory or blocking, and its own rulesets
//! in Spectral's format. Its admins change it here; members read it. Publishing checks
//! every version against it (see `portico_core::exchange::governance`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use portico_types::AssetKind;
use portico_types::governance::{
    Enforcement, GovernanceProfile, OrganizationProfile, ProfileEntry,
};

use super::governance_dashboard::{ConformanceDashboard, load_dashboard};
use super::organization_picker::OrganizationPicker;
use crate::account::state::AuthState;
use crate::error::AppError;

/// The profile of `organization` (any member).
#[server(prefix = "/rpc", endpoint = "governance_profile")]
pub async fn load_governance_profile(
    organization: String,
) -> Result<OrganizationProfile, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let (profile, can_edit) =
        portico_core::exchange::governance::profile(&ctx.db, &user, &organization).await?;
    let recheck = portico_core::exchange::governance::recheck_progress(&organization)
        .map(|progress| (progress.done as u32, progress.total as u32));
    Ok(OrganizationProfile {
        organization,
        profile,
        can_edit,
        builtin: spec_engine::ruleset::BUILTIN_RULESETS
            .map(str::to_owned)
            .to_vec(),
        recheck,
    })
}

/// Replaces the profile of `organization` (its admins).
#[server(prefix = "/rpc", endpoint = "save_governance_profile", input = leptos::server_fn::codec::Json)]
pub async fn save_governance_profile(
    organization: String,
    profile: GovernanceProfile,
) -> Result<GovernanceProfile, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(
        portico_core::exchange::governance::set_profile(&ctx.db, &user, &organization, profile)
            .await?,
    )
}

/// The part of `organization`'s profile that applies to asset `asset` (by its pattern),
/// as JSON for the editor's engine worker; empty when nothing applies (or the caller is
/// no member). Kinds are left to the worker, which knows the document's.
#[server(prefix = "/rpc", endpoint = "editor_governance")]
pub async fn editor_governance(organization: String, asset: String) -> Result<String, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let Ok((mut profile, _)) =
        portico_core::exchange::governance::profile(&ctx.db, &user, &organization).await
    else {
        return Ok(String::new());
    };
    profile.rulesets.retain(|entry| {
        entry
            .assets
            .as_deref()
            .is_none_or(|pattern| spec_engine::ruleset::glob_matches(pattern, &asset))
    });
    if profile.rulesets.is_empty() {
        return Ok(String::new());
    }
    Ok(serde_json::to_string(&profile).unwrap_or_default())
}

async fn load(organization: String) -> Result<Option<OrganizationProfile>, AppError> {
    if organization.is_empty() {
        return Ok(None);
    }
    load_governance_profile(organization).await.map(Some)
}

/// The page.
#[component]
pub fn GovernancePage() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    let query = use_query_map();
    let organization = move || query.read().get("org").unwrap_or_default();
    let profile = Resource::new(organization, load);
    let dashboard = Resource::new(organization, load_dashboard);
    view! {
        <Title text="Governance · Exchange · Portico"/>
        <section class="card governance-page">
            <h1>"Governance"</h1>
            <p class="lead">
                "The rules every API of an organisation follows, checked by Portico at publish: rulesets in Spectral's format, built in or the organisation's own. A "
                <strong>"blocking"</strong>
                " ruleset refuses a version with an error finding; an "
                <strong>"advisory"</strong>
                " one keeps its findings with the version. The same rulesets run in "
                <code>"portico lint --ruleset"</code>"."
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let user = match auth.user.await {
                        Ok(Some(user)) => user,
                        Ok(None) => return view! { <Redirect path="/login?next=/exchange/governance"/> }.into_any(),
                        Err(error) => return view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    };
                    let organizations: Vec<String> = user.organizations.into_iter().map(|o| o.slug).collect();
                    let profile = profile.await;
                    let dashboard = dashboard.await.transpose();
                    let chosen = organization();
                    view! {
                        <ProfileView organizations profile/>
                        {dashboard.map(|figures| view! { <ConformanceDashboard organization=chosen figures/> })}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ProfileView(
    organizations: Vec<String>,
    profile: Result<Option<OrganizationProfile>, AppError>,
) -> impl IntoView {
    let (loaded, load_error) = match profile {
        Ok(loaded) => (loaded, None),
        Err(error) => (None, Some(error.to_string())),
    };
    let organization = loaded
        .as_ref()
        .map(|p| p.organization.clone())
        .unwrap_or_default();
    let can_edit = loaded.as_ref().is_some_and(|p| p.can_edit);
    let builtin = loaded
        .as_ref()
        .map(|p| p.builtin.clone())
        .unwrap_or_default();
    let recheck = loaded.as_ref().and_then(|p| p.recheck);
    let initial = loaded.map(|p| p.profile).unwrap_or_default();
    let entries = RwSignal::new(initial.rulesets.clone());
    let custom = RwSignal::new(
        initial
            .custom
            .into_iter()
            .collect::<Vec<(String, String)>>(),
    );
    let message = RwSignal::new(None::<Result<String, String>>);
    let saving = RwSignal::new(false);
    let save_for = StoredValue::new(organization.clone());
    let save = move |_| {
        let profile = GovernanceProfile {
            rulesets: entries.get_untracked(),
            custom: custom.get_untracked().into_iter().collect(),
        };
        saving.set(true);
        let organization = save_for.get_value();
        leptos::task::spawn_local(async move {
            let result = save_governance_profile(organization, profile).await;
            saving.set(false);
            message.set(Some(match result {
                Ok(stored) => Ok(format!(
                    "Saved: {} ruleset{} applied. The latest version of each asset is being checked again; the badges follow.",
                    stored.rulesets.len(),
                    if stored.rulesets.len() == 1 { "" } else { "s" }
                )),
                Err(error) => Err(error.to_string()),
            }));
        });
    };
    let choices = Signal::derive(move || {
        let mut names = builtin.clone();
        names.extend(custom.get().into_iter().map(|(name, _)| name));
        names
    });
    view! {
        <div class="rules-toolbar">
            <OrganizationPicker page="/exchange/governance" organizations chosen=organization.clone()
                none="— choose —" test_id="governance-organization"/>
        </div>
        {load_error.map(|error| view! { <p class="form-error" role="alert">{error}</p> })}
        {recheck.map(|(done, total)| view! {
            <p class="muted" data-testid="recheck">{format!("Checking the latest versions again: {done} of {total} done.")}</p>
        })}
        {(!organization.is_empty()).then(|| view! {
            {(!can_edit).then(|| view! { <p class="muted">"The organisation's admins set its profile; you see it here."</p> })}
            <h2>"Rulesets applied"</h2>
            <table class="table" data-testid="profile-entries">
                <thead><tr><th>"Ruleset"</th><th>"Enforcement"</th><th>"Kinds"</th><th>"Assets (pattern)"</th><th></th></tr></thead>
                <tbody>
                    <For each={move || 0..entries.with(Vec::len)} key={|i| *i} let:index>
                        <EntryRow index entries choices can_edit/>
                    </For>
                </tbody>
            </table>
            {move || entries.with(Vec::is_empty).then(|| view! { <p class="muted">"No ruleset applies: nothing is checked at publish."</p> })}
            {can_edit.then(|| view! {
                <p><button type="button" data-testid="add-entry" on:click=move |_| entries.update(|e| e.push(ProfileEntry {
                    ruleset: "portico:recommended".into(),
                    enforcement: Enforcement::Advisory,
                    kinds: Vec::new(),
                    assets: None,
                }))>"Apply a ruleset"</button></p>
            })}
            <h2>"The organisation's own rulesets"</h2>
            <p class="muted">"In Spectral's format (YAML or JSON). They may extend "<code>"portico:recommended"</code>" and each other by name."</p>
            <For each={move || 0..custom.with(Vec::len)} key={|i| *i} let:index>
                <CustomRuleset index custom can_edit/>
            </For>
            {can_edit.then(|| view! {
                <p><button type="button" data-testid="add-custom" on:click=move |_| custom.update(|c| {
                    let name = format!("house-{}", c.len() + 1);
                    c.push((name, "rules:\n  my-rule:\n    description: What it asks for.\n    severity: error\n    given: $.info\n    then:\n      field: contact\n      function: truthy\n".into()));
                })>"Write a ruleset"</button></p>
                <p class="rules-actions">
                    <button type="button" class="primary" data-testid="save-profile"
                        disabled=move || saving.get() on:click=save>"Save profile"</button>
                    {move || message.get().map(|result| match result {
                        Ok(text) => view! { <span class="muted" role="status">{text}</span> }.into_any(),
                        Err(text) => view! { <span class="form-error" role="alert" data-testid="profile-error">{text}</span> }.into_any(),
                    })}
                </p>
            })}
        })}
    }
}

/// One applied ruleset: an admin edits it in place.
#[component]
fn EntryRow(
    index: usize,
    entries: RwSignal<Vec<ProfileEntry>>,
    choices: Signal<Vec<String>>,
    can_edit: bool,
) -> impl IntoView {
    let entry = move || entries.with(|e| e.get(index).cloned());
    let edit = move |change: Box<dyn FnOnce(&mut ProfileEntry)>| {
        entries.update(|e| {
            if let Some(entry) = e.get_mut(index) {
                change(entry);
            }
        })
    };
    let kinds_text = move || {
        entry()
            .map(|e| {
                e.kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    view! {
        <tr data-entry=index>
            <td>
                <select aria-label="Ruleset" disabled=!can_edit on:change=move |ev| {
                    let name = event_target_value(&ev);
                    edit(Box::new(move |e| e.ruleset = name));
                }>
                    {move || choices.get().into_iter().map(|name| {
                        let selected = entry().is_some_and(|e| e.ruleset == name);
                        view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                    }).collect_view()}
                </select>
            </td>
            <td>
                <select aria-label="Enforcement" disabled=!can_edit on:change=move |ev| {
                    let blocking = event_target_value(&ev) == "blocking";
                    edit(Box::new(move |e| e.enforcement = if blocking { Enforcement::Blocking } else { Enforcement::Advisory }));
                }>
                    <option value="advisory" selected=move || entry().is_some_and(|e| e.enforcement == Enforcement::Advisory)>"advisory"</option>
                    <option value="blocking" selected=move || entry().is_some_and(|e| e.enforcement == Enforcement::Blocking)>"blocking"</option>
                </select>
            </td>
            <td>
                <input type="text" aria-label="Kinds" placeholder="all (or asyncapi, openapi)" disabled=!can_edit
                    prop:value=kinds_text on:change=move |ev| {
                        let kinds: Vec<AssetKind> = event_target_value(&ev)
                            .split(',')
                            .filter_map(|k| AssetKind::parse(k.trim()))
                            .collect();
                        edit(Box::new(move |e| e.kinds = kinds));
                    }/>
            </td>
            <td>
                <input type="text" aria-label="Assets" placeholder="every asset (or e.g. orders-*)" disabled=!can_edit
                    prop:value=move || entry().and_then(|e| e.assets).unwrap_or_default()
                    on:change=move |ev| {
                        let pattern = event_target_value(&ev);
                        let pattern = (!pattern.trim().is_empty()).then(|| pattern.trim().to_owned());
                        edit(Box::new(move |e| e.assets = pattern));
                    }/>
            </td>
            <td>
                {can_edit.then(|| view! {
                    <button type="button" aria-label="Remove" on:click=move |_| entries.update(|e| {
                        if index < e.len() {
                            e.remove(index);
                        }
                    })>"Remove"</button>
                })}
            </td>
        </tr>
    }
}

/// One of the organisation's own rulesets: its name and its text.
#[component]
fn CustomRuleset(
    index: usize,
    custom: RwSignal<Vec<(String, String)>>,
    can_edit: bool,
) -> impl IntoView {
    let part = move |name: bool| {
        custom.with(|c| {
            c.get(index)
                .map(|(n, t)| if name { n.clone() } else { t.clone() })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="custom-ruleset" data-custom=index>
            <label>"Name "
                <input type="text" aria-label="Ruleset name" disabled=!can_edit prop:value=move || part(true)
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        custom.update(|c| if let Some(entry) = c.get_mut(index) { entry.0 = name; });
                    }/>
            </label>
            <textarea aria-label="Ruleset" rows="10" spellcheck="false" disabled=!can_edit prop:value=move || part(false)
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    custom.update(|c| if let Some(entry) = c.get_mut(index) { entry.1 = text; });
                }></textarea>
            {can_edit.then(|| view! {
                <button type="button" on:click=move |_| custom.update(|c| {
                    if index < c.len() {
                        c.remove(index);
                    }
                })>"Remove this ruleset"</button>
            })}
        </div>
    }
}
