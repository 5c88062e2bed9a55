//! `/design`: the user's design projects, and a form to start one from a template or
//! from imported files (pasted or uploaded).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_navigate;

use super::server::{NewProjectSource, create_project, list_projects};
use super::templates::templates;
use crate::account::state::AuthState;
use portico_types::Role;

/// The design center's front page.
#[component]
pub fn ProjectsPage() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    let projects = Resource::new(|| (), |_| list_projects());
    view! {
        <Title text="Design · Portico"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = match auth.user.await {
                    Ok(Some(user)) => user,
                    _ => return view! { <Redirect path="/login?next=/design"/> }.into_any(),
                };
                let groups: Vec<String> = user
                    .organizations
                    .iter()
                    .filter(|o| o.role >= Role::Contributor)
                    .map(|o| o.slug.clone())
                    .collect();
                let list = projects.await;
                view! {
                    <section class="design-home">
                        <h1>"Design"</h1>
                        <p class="lead">"Write AsyncAPI and OpenAPI documents with live documentation and diagnostics."</p>
                        <div class="design-columns">
                            <section class="card">
                                <h2>"Your projects"</h2>
                                {match list {
                                    Ok(list) if list.is_empty() => view! { <p class="muted">"No projects yet: start one from a template."</p> }.into_any(),
                                    Ok(list) => view! {
                                        <ul class="project-list" data-testid="projects">
                                            {list.into_iter().map(|p| view! {
                                                <li>
                                                    <A href=format!("/design/{}", p.id)>{p.name}</A>
                                                    <span class="muted">{format!(" {} · {} · {}", p.group, p.main_file, p.updated_at.get(..16).unwrap_or(&p.updated_at).replace('T', " "))}</span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any(),
                                    Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                                }}
                            </section>
                            <NewProjectForm groups/>
                        </div>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn NewProjectForm(groups: Vec<String>) -> impl IntoView {
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let group = RwSignal::new(groups.first().cloned().unwrap_or_default());
    let template = RwSignal::new("order-service".to_owned());
    let import_name = RwSignal::new("asyncapi.yaml".to_owned());
    let import_text = RwSignal::new(String::new());
    let uploads = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |source: NewProjectSource| {
        let navigate = navigate.clone();
        let project_name = name.get_untracked();
        let project_name = if project_name.trim().is_empty() {
            "Untitled project".to_owned()
        } else {
            project_name
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match create_project(group.get_untracked(), project_name, source).await {
                Ok(id) => navigate(&format!("/design/{id}"), Default::default()),
                Err(e) => {
                    error.set(Some(e.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    let submit_template = submit.clone();
    let on_upload = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        spawn_local(async move {
            let mut read = Vec::new();
            for file in files {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                match text.ok().and_then(|t| t.as_string()) {
                    Some(text) => read.push((file.name(), text)),
                    None => error.set(Some(format!("Could not read {}.", file.name()))),
                }
            }
            uploads.set(read);
        });
    };
    view! {
        <section class="card new-project">
            <h2>"New project"</h2>
            <label>"Name"<input type="text" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) placeholder="Order Service"/></label>
            <label>"Organisation"
                <select on:change=move |ev| group.set(event_target_value(&ev))>
                    {groups.iter().map(|g| view! { <option value=g.clone()>{g.clone()}</option> }).collect_view()}
                </select>
            </label>
            <fieldset class="templates">
                <legend>"Start from a template"</legend>
                {templates().into_iter().map(|t| {
                    let id = t.id.clone();
                    let checked_id = t.id.clone();
                    view! {
                        <label class="template">
                            <input type="radio" name="template" value=t.id.clone()
                                prop:checked=move || template.get() == checked_id
                                on:change=move |_| template.set(id.clone())/>
                            <span><strong>{t.title}</strong><br/><span class="muted">{t.summary}</span></span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button class="primary" disabled=move || busy.get()
                on:click=move |_| submit_template(NewProjectSource::Template(template.get_untracked()))>
                "Create from template"
            </button>
            <details class="import">
                <summary>"Or import files"</summary>
                <label>"Upload files"<input type="file" multiple accept=".yaml,.yml,.json" on:change=on_upload/></label>
                {move || (!uploads.get().is_empty()).then(|| view! {
                    <p class="muted">{format!("Ready: {} (the first is the main file)", uploads.get().iter().map(|(n, _)| n.clone()).collect::<Vec<_>>().join(", "))}</p>
                })}
                <label>"Or paste a document, saved as"<input type="text" prop:value=import_name on:input=move |ev| import_name.set(event_target_value(&ev))/></label>
                <textarea rows="8" aria-label="Document to import" prop:value=import_text
                    on:input=move |ev| import_text.set(event_target_value(&ev))></textarea>
                <button disabled=move || busy.get() on:click=move |_| {
                    let mut files = uploads.get_untracked();
                    if !import_text.get_untracked().trim().is_empty() {
                        files.insert(0, (import_name.get_untracked(), import_text.get_untracked()));
                    }
                    if files.is_empty() {
                        error.set(Some("Upload a file or paste a document first.".into()));
                        return;
                    }
                    submit(NewProjectSource::Import(files));
                }>"Import"</button>
            </details>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
    .into_any()
}
