//! Personal access tokens on the account page: create (shown once), list with last
//! use, revoke.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// A token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub display: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// Creates a token for the signed-in user and returns its secret, the only time.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String, scope: String) -> Result<String, AppError> {
    use crate::error::respond_with;
    use crate::repo::tokens::{TokenScope, create_token};

    let user = crate::auth::require_user().await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(respond_with(AppError::Invalid(
            "Token name must be 1 to 100 characters.".into(),
        )));
    }
    let scope = TokenScope::parse(&scope)
        .ok_or_else(|| respond_with(AppError::Invalid("Scope must be read or publish.".into())))?;
    let ctx = crate::context::server_context()?;
    Ok(create_token(&ctx.db, user.id, name, scope).await?)
}

/// The signed-in user's live tokens.
#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, AppError> {
    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    let rows = crate::repo::tokens::list_tokens(&ctx.db, user.id).await?;
    Ok(rows
        .into_iter()
        .map(|t| TokenInfo {
            id: t.id,
            name: t.name,
            scope: t.scope,
            display: t.display,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect())
}

/// Revokes one of the signed-in user's tokens.
#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use crate::error::respond_with;
    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    if crate::repo::tokens::revoke_token(&ctx.db, user.id, id).await? {
        Ok(())
    } else {
        Err(respond_with(AppError::NotFound(format!(
            "You have no live token {id}."
        ))))
    }
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
                    </select>
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
                                <thead><tr><th>"Name"</th><th>"Scope"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|t| view! {
                                        <tr>
                                            <td>{t.name}</td>
                                            <td>{t.scope}</td>
                                            <td><code>{t.display}</code></td>
                                            <td>{t.created_at}</td>
                                            <td>{t.last_used_at.unwrap_or_else(|| "never".into())}</td>
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
