//! Personal access tokens on the account page: create with a scope and an expiry date
//! (shown once), list with last use and expiry, revoke.

use leptos::prelude::*;
use portico_types::TokenInfo;

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// Creates a token for the signed-in user and returns its secret, the only time.
/// `expires_at` is the day it stops working (`YYYY-MM-DD`; empty: in 90 days).
#[server(prefix = "/rpc", endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    scope: String,
    #[server(default)] expires_at: Option<String>,
) -> Result<String, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let created = portico_core::accounts::tokens::create(
        &ctx.db,
        &user,
        &name,
        &scope,
        expires_at.as_deref(),
    )
    .await
    .map_err(crate::error::respond_with)?;
    Ok(created.token)
}

/// The signed-in user's live tokens.
#[server(prefix = "/rpc", endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::accounts::tokens::list(&ctx.db, &user).await?)
}

/// Revokes one of the signed-in user's tokens.
#[server(prefix = "/rpc", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::tokens::revoke(&ctx.db, &user, id)
        .await
        .map_err(crate::error::respond_with)
}

/// The tokens section of the account page.
#[component]
pub fn TokensPanel() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    // Loaded and shown in the browser after hydration (see `ClientOnly`): this panel is
    // built inside the account page's suspended view.
    let tokens = LocalResource::new(move || {
        create.version().track();
        revoke.version().track();
        list_api_tokens()
    });
    view! {
        <section class="card">
            <h2>"Access tokens"</h2>
            <p class="muted">"Tokens let CI and scripts use the REST API and "<code>"portico publish"</code>" as you."</p>
            <ActionForm action=create attr:class="token-form">
                <label>"Name" <input name="name" required maxlength="100" placeholder="ci-pipeline"/></label>
                <label>
                    "Scope"
                    <select name="scope">
                        <option value="publish">"publish"</option>
                        <option value="read">"read"</option>
                        <option value="admin">"admin (tokens, members)"</option>
                    </select>
                </label>
                <label>
                    "Expires on"
                    <input type="date" name="expires_at" title="Empty: in 90 days"/>
                </label>
                <button type="submit" disabled=move || create.pending().get()>"Create token"</button>
            </ActionForm>
            {move || create.value().get().map(|result| match result {
                Ok(token) => view! {
                    <div class="new-token" role="status">
                        <p>"Copy your new token now; it is never shown again:"</p>
                        <code data-testid="new-token">{token}</code>
                    </div>
                }.into_any(),
                Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <ClientOnly>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No tokens yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="tokens">
                                <thead><tr><th>"Name"</th><th>"Scope"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th>"Expires"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|t| view! {
                                        <tr>
                                            <td>{t.name}</td>
                                            <td>{t.scope}</td>
                                            <td><code>{t.display}</code></td>
                                            <td>{t.created_at}</td>
                                            <td>{t.last_used_at.unwrap_or_else(|| "never".into())}</td>
                                            <td>{t.expires_at}</td>
                                            <td>
                                                <ActionForm action=revoke attr:class="inline-form">
                                                    <input type="hidden" name="id" value=t.id/>
                                                    <button type="submit" class="link-button">"Revoke"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
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
