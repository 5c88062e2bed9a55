//! `/design/{id}`: the editor. Files on the left, CodeMirror in the middle, the live
//! documentation and the problems on the right (the split is resizable).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::{Script, Title};
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsValue;

use super::bridge::{Editor, EditorCallbacks, editor_available, zip_files};
use super::publish::{PublishDialog, asset_id_from};
use super::server::{delete_file, open_project, set_main_file};
use super::shares::SharesPanel;
use super::try_it::TryItPanel;
use super::workspace::{SaveState, Workspace};
use crate::docs::Documentation;
use crate::docs::fold::OpenSections;
use crate::engine_client::{self, Converted};
use crate::error::AppError;
use portico_types::Project;
use portico_types::design::{check_path, is_json};

/// Documents up to this size start with every documentation section open.
const OPEN_SECTIONS_MAX_BYTES: usize = 200 * 1024;

/// The editor page.
#[component]
pub fn EditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let project = Resource::new(id, open_project);
    view! {
        <Title text="Editor · Design · Portico"/>
        <Script src="/editor/portico-editor.js" defer="true"/>
        <Suspense fallback=|| view! { <p class="muted">"Opening the project…"</p> }>
            {move || Suspend::new(async move {
                match project.await {
                    Ok(project) => view! { <ProjectEditor project/> }.into_any(),
                    Err(AppError::Server(portico_types::Error::Unauthenticated)) => {
                        view! { <Redirect path=format!("/login?next=/design/{}", id())/> }.into_any()
                    }
                    Err(error) => view! {
                        <section class="card error-page">
                            <h1>"Not available"</h1>
                            <p>{error.to_string()}</p>
                            <p><A href="/design">"Back to your projects"</A></p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ProjectEditor(project: Project) -> impl IntoView {
    let ws = Workspace::new(&project);
    // The organisation's governance rulesets run beside the schema checks once known.
    let (organization, asset) = (
        project.group.clone(),
        super::publish::asset_id_from(&project.name),
    );
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        let (organization, asset) = (organization.clone(), asset.clone());
        leptos::task::spawn_local(async move {
            if let Ok(profile) =
                crate::exchange::governance::editor_governance(organization, asset).await
                && !profile.is_empty()
                && ws.governance.try_set_value(profile).is_none()
            {
                ws.schedule_analysis(std::time::Duration::ZERO);
            }
        });
    });
    let main_bytes = project
        .files
        .iter()
        .find(|f| f.path == project.main_file)
        .map_or(0, |f| f.content.len());
    provide_context(OpenSections::new(main_bytes <= OPEN_SECTIONS_MAX_BYTES));
    provide_context(ws);
    let host = NodeRef::<leptos::html::Div>::new();
    let split = RwSignal::new(50.0_f64);
    let dragging = RwSignal::new(false);
    let trying = RwSignal::new(false);
    let tried = RwSignal::new(false);
    // Stays true once the first analysis gave a model.
    let has_model = Memo::new(move |before: Option<&bool>| {
        before == Some(&true) || ws.analysis.with(|a| a.model.is_some())
    });

    // In the browser: restore drafts, mount the editor (once its script is there), analyse.
    Effect::new(move |mounted: Option<bool>| {
        if mounted == Some(true) {
            return true;
        }
        let Some(element) = host.get() else {
            return false;
        };
        // Leaving the page (reload, navigation, closing the tab) runs no timers and no
        // cleanup: keep what was typed since the last draft now.
        let leaving = window_event_listener(leptos::ev::pagehide, move |_| {
            ws.flush_edits();
            ws.keep_drafts();
        });
        on_cleanup(move || leaving.remove());
        let mount = move || {
            spawn_local(async move {
                ws.restore_drafts().await;
                // Unless the page was left meanwhile.
                if ws.project_id.try_get_value().is_some() {
                    mount_editor(ws, &element);
                }
            });
        };
        if editor_available() {
            mount();
        } else {
            let once = std::cell::Cell::new(Some(mount));
            let handle = window_event_listener_untyped("portico-editor-ready", move |_| {
                if let Some(mount) = once.take() {
                    mount();
                }
            });
            on_cleanup(move || handle.remove());
        }
        true
    });
    on_cleanup(move || {
        // Only the browser has drafts, editors and workers; a server render has none.
        if cfg!(feature = "hydrate") {
            ws.flush_edits();
            ws.keep_drafts();
            ws.close();
        }
    });

    let name = project.name.clone();
    let group = project.group.clone();
    view! {
        <Title text=format!("{name} · Design · Portico")/>
        <div class="editor-page" class:dragging=dragging>
            <Toolbar name group/>
            <div class="editor-layout"
                on:pointermove=move |ev| {
                    if dragging.get_untracked() {
                        let width = window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1200.0);
                        let percent = (f64::from(ev.client_x()) / width * 100.0).clamp(25.0, 80.0);
                        split.set(percent);
                    }
                }
                on:pointerup=move |_| dragging.set(false)
                on:pointerleave=move |_| dragging.set(false)>
                <FileList/>
                <div class="editor-pane" style=move || format!("flex-basis: {:.1}%", split.get())>
                    <div class="editor-host" node_ref=host></div>
                </div>
                <div class="splitter" role="separator" aria-orientation="vertical" title="Drag to resize"
                    on:pointerdown=move |ev| { ev.prevent_default(); dragging.set(true); }></div>
                <div class="preview-pane">
                    <ProblemsPanel/>
                    <nav class="tabs preview-tabs" aria-label="Beside the editor">
                        <button type="button" class=move || if trying.get() { "tab" } else { "tab active" }
                            on:click=move |_| trying.set(false)>"Documentation"</button>
                        <button type="button" class=move || if trying.get() { "tab active" } else { "tab" }
                            data-testid="try-it-tab"
                            on:click=move |_| { tried.set(true); trying.set(true); }>"Try it"</button>
                    </nav>
                    <div class="preview" data-testid="preview" hidden=trying>
                        {move || has_model.get().then(|| {
                            // The newest model, or while the text does not parse the last
                            // one, as the preview kept it: one Documentation for the whole
                            // visit, which rebuilds only the parts that changed.
                            let model = Memo::new(move |previous: Option<&spec_engine::Model>| {
                                ws.analysis
                                    .with(|a| a.model.clone())
                                    .or_else(|| previous.cloned())
                                    .expect("the preview is shown once a model exists")
                            });
                            view! { <Documentation model/> }
                        })}
                    </div>
                    // Built on first use and kept while the documentation is shown, so
                    // subscriptions survive a look at the documentation.
                    {move || tried.get().then(|| view! {
                        <div class="try-it-pane" hidden=move || !trying.get()><TryItPanel/></div>
                    })}
                </div>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Toolbar(name: String, group: String) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let sharing = RwSignal::new(false);
    let publishing = RwSignal::new(false);
    let project_name = name.clone();
    let default_group = group.clone();
    let message = RwSignal::new(None::<String>);
    let convert = move |conversion: Conversion| {
        let path = ws.current.get_untracked();
        let text = ws.content_of(&path).unwrap_or_default();
        spawn_local(async move {
            let answer = match conversion {
                Conversion::ToJson => engine_client::convert(&text, true).await,
                Conversion::ToYaml => engine_client::convert(&text, false).await,
                Conversion::ToAsyncApi3 => engine_client::upgrade(&text).await,
            };
            match answer.unwrap_or_else(|error| Converted::Error(error.to_string())) {
                Converted::Text(converted) => {
                    let language = match conversion {
                        Conversion::ToJson => Some("json"),
                        Conversion::ToYaml => Some("yaml"),
                        Conversion::ToAsyncApi3 => None,
                    };
                    if let Some(language) = language {
                        ws.with_editor(|editor| editor.set_language(language));
                    }
                    ws.replace_current(converted);
                    message.set(None);
                }
                Converted::Error(error) => {
                    message.set(Some(format!("Cannot convert {path}: {error}")));
                }
            }
        });
    };
    // Offered while the main file, open in the editor, is AsyncAPI 2.x. A memo: the
    // button is built when that changes, not on every analysis while typing.
    let upgradable = Memo::new(move |_| {
        ws.current.get() == ws.main.get()
            && ws.analysis.with(|analysis| {
                analysis.model.as_ref().is_some_and(|model| {
                    model.kind == spec_engine::Kind::AsyncApi
                        && model.spec_version.starts_with("2.")
                })
            })
    });
    let download = move |_| {
        let path = ws.current.get_untracked();
        let text = ws.content_of(&path).unwrap_or_default();
        let file_name = path.rsplit('/').next().unwrap_or(&path).to_owned();
        download_file(&file_name, &text.into(), "text/plain;charset=utf-8");
    };
    // Every file at its path, as typed (unsaved edits included).
    let archive_name = format!("{}.zip", asset_id_from(&name));
    let download_project = move |_| {
        ws.flush_edits();
        let files = js_sys::Object::new();
        ws.files.with_untracked(|list| {
            for file in list {
                let _ = js_sys::Reflect::set(
                    &files,
                    &file.path.as_str().into(),
                    &file.content.as_str().into(),
                );
            }
        });
        match zip_files(&files) {
            Some(archive) => download_file(&archive_name, &archive.into(), "application/zip"),
            None => message.set(Some("The editor could not build the archive.".into())),
        }
    };
    let state_class = move || match ws.save_state.get() {
        SaveState::Saved => "save-state saved",
        SaveState::Failed(_) | SaveState::Conflict(_) => "save-state problem",
        _ => "save-state pending",
    };
    view! {
        <div class="editor-toolbar">
            <div class="editor-title">
                <A href="/design">"Design"</A>" / "<span class="muted">{group}</span>" / "<strong>{name}</strong>
            </div>
            <span class=state_class data-testid="save-state" role="status">{move || ws.save_state.get().label()}</span>
            {move || matches!(ws.save_state.get(), SaveState::Conflict(_)).then(|| view! { <ConflictChoice/> })}
            <div class="editor-actions">
                <button type="button" disabled=!ws.can_edit on:click=move |_| ws.save_now(false) title="Ctrl+S">"Save"</button>
                <button type="button" disabled=!ws.can_edit on:click=move |_| convert(Conversion::ToJson)>"To JSON"</button>
                <button type="button" disabled=!ws.can_edit on:click=move |_| convert(Conversion::ToYaml)>"To YAML"</button>
                {move || upgradable.get().then(|| view! {
                    <button type="button" disabled=!ws.can_edit on:click=move |_| convert(Conversion::ToAsyncApi3)
                        title="Rewrites this file as AsyncAPI 3.0 (Ctrl+Z undoes it); files it references are left as they are">
                        "To AsyncAPI 3.0"
                    </button>
                })}
                <button type="button" on:click=download title="The file in the editor">"Download"</button>
                <button type="button" on:click=download_project title="Every file of the project, as a ZIP archive">"Download project"</button>
                <button type="button" aria-expanded=move || sharing.get().to_string()
                    on:click=move |_| sharing.update(|open| *open = !*open)>"Share"</button>
                <button type="button" class="primary-inline" on:click=move |_| publishing.set(true)>"Publish"</button>
            </div>
        </div>
        {move || publishing.get().then(|| view! {
            <PublishDialog project_name=project_name.clone() default_group=default_group.clone()
                on_close=Callback::new(move |()| publishing.set(false))/>
        })}
        {move || sharing.get().then(|| view! { <SharesPanel/> })}
        {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
    }
    .into_any()
}

/// What a toolbar conversion makes of the file in the editor.
#[derive(Clone, Copy)]
enum Conversion {
    ToJson,
    ToYaml,
    /// AsyncAPI 2.x upgraded to 3.0, in the same syntax.
    ToAsyncApi3,
}

/// Offered when the server holds a newer revision than the one being edited.
#[component]
fn ConflictChoice() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let take_theirs = move |_| {
        let SaveState::Conflict(path) = ws.save_state.get_untracked() else {
            return;
        };
        spawn_local(async move {
            if let Ok(project) = open_project(ws.project_id.get_value()).await
                && let Some(file) = project.files.into_iter().find(|f| f.path == path)
            {
                ws.take_theirs(path, file.content, file.revision);
            }
        });
    };
    view! {
        <span class="conflict">
            <button type="button" on:click=move |_| ws.save_now(true)>"Keep mine"</button>
            <button type="button" on:click=take_theirs>"Load theirs"</button>
        </span>
    }
    .into_any()
}

#[component]
fn FileList() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let new_path = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let path = new_path.get_untracked().trim().to_owned();
        if let Err(problem) = check_path(&path) {
            error.set(Some(problem));
            return;
        }
        if ws.content_of(&path).is_some() {
            error.set(Some(format!("{path} already exists.")));
            return;
        }
        let content = if is_json(&path) {
            "{}\n"
        } else {
            "# Referenced from the main file with $ref: './path#/pointer'\n"
        };
        ws.files.update(|files| {
            files.push(super::workspace::FileState {
                path: path.clone(),
                content: content.to_owned(),
                revision: None,
                saved_content: String::new(),
            });
            files.sort_by(|a, b| a.path.cmp(&b.path));
        });
        new_path.set(String::new());
        error.set(None);
        ws.open_file(&path);
        ws.save_now(false);
    };
    let remove = move |path: String| {
        spawn_local(async move {
            match delete_file(ws.project_id.get_value(), path.clone()).await {
                Ok(()) => {
                    ws.files.update(|files| files.retain(|f| f.path != path));
                    super::draft::forget(&ws.project_id.get_value(), &path);
                    if ws.current.get_untracked() == path {
                        ws.open_file(&ws.main.get_untracked());
                    }
                    ws.schedule_analysis(Duration::ZERO);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let make_main = move |path: String| {
        spawn_local(async move {
            match set_main_file(ws.project_id.get_value(), path.clone()).await {
                Ok(()) => {
                    ws.main.set(path);
                    ws.schedule_analysis(Duration::ZERO);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <aside class="file-list" aria-label="Files">
            <ul>
                <For each=move || ws.files.with(|files| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>())
                    key=|path| path.clone()
                    children=move |path: String| view! { <FileRow path remove make_main/> }/>
            </ul>
            {ws.can_edit.then(|| view! {
                <div class="new-file">
                    <input type="text" aria-label="New file path" placeholder="schemas/order.yaml"
                        prop:value=new_path on:input=move |ev| new_path.set(event_target_value(&ev))/>
                    <button type="button" on:click=add>"Add file"</button>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </aside>
    }
    .into_any()
}

#[component]
fn FileRow(
    path: String,
    remove: impl Fn(String) + Copy + Send + Sync + 'static,
    make_main: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let path = StoredValue::new(path);
    let is_current = move || path.with_value(|p| ws.current.get() == *p);
    let is_main = move || path.with_value(|p| ws.main.get() == *p);
    let is_dirty = move || {
        path.with_value(|p| {
            ws.files
                .with(|files| files.iter().any(|f| f.path == *p && f.dirty()))
        })
    };
    view! {
        <li class:current=is_current>
            <button type="button" class="file-name" on:click=move |_| ws.open_file(&path.get_value())>
                {path.get_value()}
                {move || is_dirty().then_some(" •")}
            </button>
            {move || is_main().then(|| view! { <span class="badge">"main"</span> })}
            {move || (ws.can_edit && !is_main()).then(|| view! {
                <button type="button" class="link-button" title="Make this the main file"
                    on:click=move |_| make_main(path.get_value())>"main"</button>
                <button type="button" class="link-button" title="Delete this file"
                    on:click=move |_| remove(path.get_value())>"×"</button>
            })}
        </li>
    }
    .into_any()
}

#[component]
fn ProblemsPanel() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let count = move || ws.analysis.with(|a| a.diagnostics.len());
    view! {
        <section class="problems" aria-label="Problems">
            <h2>
                {move || match count() { 0 => "No problems".to_owned(), 1 => "1 problem".to_owned(), n => format!("{n} problems") }}
                <span class="muted analysis-time">{move || format!(" · checked in {:.0} ms", ws.analysis.with(|a| a.millis))}</span>
            </h2>
            <ul data-testid="problems">
                {move || ws.analysis.with(|a| a.diagnostics.iter().take(200).cloned().collect::<Vec<_>>()).into_iter().map(|d| {
                    let (file, line, column) = (d.file.clone(), d.line.unwrap_or(1), d.column.unwrap_or(1));
                    let severity = d.severity.to_string();
                    view! {
                        <li>
                            <button type="button" class=format!("problem {severity}") on:click=move |_| ws.goto(&file, line, column)>
                                <span class="problem-severity">{severity.clone()}</span>
                                <span class="problem-place">{format!("{}:{line}:{column}", d.file)}</span>
                                <span class="problem-message">{d.message.clone()}</span>
                            </button>
                            // A governance finding links to the rulesets that define it.
                            {d.rule.clone().map(|rule| view! {
                                " "<a class="problem-rule" data-testid="problem-rule"
                                    href=format!("/exchange/governance?org={}", ws.organization.get_value())
                                    title="The organisation's governance rule">{rule}</a>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// Offers `content` (a string or bytes) as a file download, built in the browser.
fn download_file(file_name: &str, content: &JsValue, media_type: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(content);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(anchor) = document().create_element("a")
        && let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Mounts the code editor with the current file and analyses the project.
fn mount_editor(ws: Workspace, element: &web_sys::HtmlElement) {
    let path = ws.current.get_untracked();
    let text = ws.content_of(&path).unwrap_or_default();
    let callbacks = EditorCallbacks {
        on_change: Box::new(move |text| ws.on_edit(text)),
        on_save: Box::new(move || ws.save_now(false)),
        completions: Box::new(move |request| {
            let path = ws.current.get_untracked();
            wasm_bindgen_futures::future_to_promise(async move {
                Ok(engine_client::completions(&path, &request)
                    .await
                    .unwrap_or(JsValue::NULL))
            })
        }),
    };
    let language = if is_json(&path) { "json" } else { "yaml" };
    if let Some(editor) = Editor::mount(element, &text, language, !ws.can_edit, callbacks) {
        ws.set_editor(editor);
    }
    ws.analyze_now();
}
