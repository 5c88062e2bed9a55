//! Invitation links on the account page of a site administrator: with `--signup invite`
//! only a link made here lets someone sign up.

use leptos::prelude::*;
use portico_types::InvitationInfo;

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// Makes an invitation (site administrators); answers its code, shown once.
#[server(prefix = "/rpc", endpoint = "create_invitation")]
pub async fn create_invitation() -> Result<String, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::invitations::create(&ctx.db, &user)
        .await
        .map_err(crate::error::respond_with)
}

/// The invitations not revoked (site administrators).
#[server(prefix = "/rpc", endpoint = "list_invitations")]
pub async fn list_invitations() -> Result<Vec<InvitationInfo>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::invitations::list(&ctx.db, &user)
        .await
        .map_err(crate::error::respond_with)
}

/// Revokes an unused invitation (site administrators).
#[server(prefix = "/rpc", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(id: i64) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::invitations::revoke(&ctx.db, &user, id)
        .await
        .map_err(crate::error::respond_with)
}

/// The invitations section.
#[component]
pub fn InvitationsPanel() -> impl IntoView {
    let create = ServerAction::<CreateInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let list = LocalResource::new(move || {
        create.version().track();
        revoke.version().track();
        list_invitations()
    });
    view! {
        <section class="card" data-testid="invitations">
            <h2>"Invitations"</h2>
            <p class="muted">"When sign-up is by invitation, a link made here lets one person sign up within 7 days."</p>
            <ActionForm action=create attr:class="inline-form">
                <button type="submit" disabled=move || create.pending().get()>"Create invitation link"</button>
            </ActionForm>
            {move || create.value().get().map(|result| match result {
                Ok(code) => {
                    let origin = window().location().origin().unwrap_or_default();
                    let link = format!("{origin}/signup?invite={code}");
                    view! {
                        <div class="new-token" role="status">
                            <p>"Send this link now; it is never shown again:"</p>
                            <code data-testid="invitation-link">{link}</code>
                        </div>
                    }.into_any()
                }
                Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <ClientOnly>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) if items.is_empty() => view! { <p class="muted">"No invitations."</p> }.into_any(),
                        Ok(items) => view! {
                            <table class="table">
                                <thead><tr><th>"Created"</th><th>"Expires"</th><th>"Used by"</th><th></th></tr></thead>
                                <tbody>
                                    {items.into_iter().map(|i| {
                                        let unused = i.used_by.is_none();
                                        view! {
                                            <tr>
                                                <td>{i.created_at}</td>
                                                <td>{i.expires_at}</td>
                                                <td>{i.used_by.unwrap_or_else(|| "—".into())}</td>
                                                <td>{unused.then(|| view! {
                                                    <ActionForm action=revoke attr:class="inline-form">
                                                        <input type="hidden" name="id" value=i.id/>
                                                        <button type="submit" class="link-button">"Revoke"</button>
                                                    </ActionForm>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            </ClientOnly>
        </section>
    }
}
