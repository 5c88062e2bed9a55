//! Members of an organisation on the account page: everyone sees who belongs to their
//! organisations; admins add people, change roles and remove members (the REST API
//! offers the same).

use leptos::prelude::*;

use crate::client_only::ClientOnly;
use crate::error::AppError;
use portico_types::{Member, Role};

/// The members of an organisation the user belongs to.
#[server(prefix = "/rpc", endpoint = "org_members")]
pub async fn list_members(org: String) -> Result<Vec<Member>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::accounts::members::list(&ctx.db, &user, &org).await?)
}

/// Adds a user to an organisation or changes their role (organisation admins).
#[server(prefix = "/rpc", endpoint = "org_set_member")]
pub async fn set_member(org: String, username: String, role: Role) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::members::set_role(&ctx.db, &user, &org, &username, role).await?;
    Ok(())
}

/// Removes a member from an organisation (organisation admins; never the last admin).
#[server(prefix = "/rpc", endpoint = "org_remove_member")]
pub async fn remove_member(org: String, username: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::members::remove(&ctx.db, &user, &org, &username)
        .await
        .map_err(crate::error::respond_with)
}

/// The members of one organisation, with a form for admins.
#[component]
pub fn MembersPanel(org: String, my_role: Role) -> impl IntoView {
    let org = StoredValue::new(org);
    let version = RwSignal::new(0u32);
    // Loaded and shown in the browser after hydration (see `ClientOnly`).
    let members = LocalResource::new(move || {
        version.track();
        list_members(org.get_value())
    });
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let message = RwSignal::new(None::<String>);
    let add = move |_| {
        let name = username.get_untracked();
        leptos::task::spawn_local(async move {
            match set_member(org.get_value(), name, role.get_untracked()).await {
                Ok(()) => {
                    username.set(String::new());
                    message.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    let is_admin = my_role == Role::Admin;
    let remove = move |name: String| {
        leptos::task::spawn_local(async move {
            match remove_member(org.get_value(), name).await {
                Ok(()) => {
                    message.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="members" data-testid=move || format!("members-{}", org.get_value())>
            <ClientOnly fallback=|| view! { <p class="muted">"Loading members…"</p> }>
            <Transition fallback=|| view! { <p class="muted">"Loading members…"</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(list) => view! {
                            <ul class="member-list">
                                {list.into_iter().map(|m| {
                                    let name = m.username.clone();
                                    view! {
                                        <li>
                                            <code>{m.username}</code>" "<span class="muted">{m.role.as_str()}</span>
                                            {is_admin.then(|| view! {
                                                " "<button type="button" class="link-button"
                                                    on:click=move |_| remove(name.clone())>"Remove"</button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            </ClientOnly>
            {(my_role == Role::Admin).then(|| view! {
                <div class="member-form">
                    <input type="text" aria-label="Member to add" placeholder="user name"
                        prop:value=username on:input=move |ev| username.set(event_target_value(&ev))/>
                    <select aria-label="Role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Viewer))>
                        <option value="viewer">"viewer"</option>
                        <option value="contributor">"contributor"</option>
                        <option value="admin">"admin"</option>
                    </select>
                    <button type="button" on:click=add>"Add or change"</button>
                </div>
            })}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
    .into_any()
}
