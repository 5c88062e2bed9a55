//! The account page's security section: change the password, see where the account is
//! signed in, and sign out every other session.

use leptos::prelude::*;
use portico_types::SessionInfo;

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// Changes the signed-in user's password (the current one is checked, throttled as a
/// log-in) and signs out every other session; answers how many were signed out.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current: String,
    password: String,
    password_confirm: String,
) -> Result<u64, AppError> {
    use crate::error::respond_with;
    use portico_core::Error;

    let user = crate::session::require_user().await?;
    if password != password_confirm {
        return Err(respond_with(Error::Invalid(
            "The two new passwords do not match.".into(),
        )));
    }
    let ctx = crate::context::server_context()?;
    let client = crate::client::client_address().await;
    portico_core::accounts::change_password(&ctx, &user, &current, &password, &client)
        .await
        .map_err(respond_with)?;
    let session = crate::session::current_session().await?;
    Ok(portico_core::accounts::sessions::end_others(&ctx.db, &user, &session).await?)
}

/// Where the signed-in user is signed in.
#[server(prefix = "/rpc", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let session = crate::session::current_session().await?;
    Ok(portico_core::accounts::sessions::list(&ctx.db, &user, &session).await?)
}

/// Signs out every session of the signed-in user but this one; answers how many.
#[server(prefix = "/rpc", endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<u64, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let session = crate::session::current_session().await?;
    Ok(portico_core::accounts::sessions::end_others(&ctx.db, &user, &session).await?)
}

fn signed_out(count: u64) -> String {
    match count {
        0 => "No other session was signed in.".to_owned(),
        1 => "1 other session was signed out.".to_owned(),
        n => format!("{n} other sessions were signed out."),
    }
}

/// The password form and the sessions list.
#[component]
pub fn SecurityPanel() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let others = ServerAction::<SignOutOtherSessions>::new();
    // Loaded and shown in the browser after hydration (see `ClientOnly`).
    let sessions = LocalResource::new(move || {
        change.version().track();
        others.version().track();
        list_sessions()
    });
    let outcome = move |value: Option<Result<u64, AppError>>| {
        value.map(|result| match result {
            Ok(count) => view! { <p class="form-hint" role="status" data-testid="signed-out">{signed_out(count)}</p> }.into_any(),
            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" data-testid="security">
            <h2>"Password"</h2>
            <ActionForm action=change attr:class="password-form">
                <label>"Current password"
                    <input type="password" name="current" autocomplete="current-password" required/>
                </label>
                <label>"New password"
                    <input type="password" name="password" autocomplete="new-password" required minlength="8"/>
                </label>
                <label>"Repeat new password"
                    <input type="password" name="password_confirm" autocomplete="new-password" required minlength="8"/>
                </label>
                <button type="submit" disabled=move || change.pending().get()>"Change password"</button>
            </ActionForm>
            {move || outcome(change.value().get())}
            <h2>"Sessions"</h2>
            <p class="muted">"Browsers signed in to your account. Changing the password signs out all but this one."</p>
            <ClientOnly>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! {
                            <table class="table" data-testid="sessions">
                                <thead><tr><th>"Signed in"</th><th>"Last seen"</th><th>"From"</th><th>"Browser"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! {
                                        <tr>
                                            <td>{s.created_at}</td>
                                            <td>{s.last_seen_at}</td>
                                            <td><code>{s.client_address}</code></td>
                                            <td>{s.user_agent}</td>
                                            <td>{s.current.then_some("this session")}</td>
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
            <ActionForm action=others attr:class="inline-form">
                <button type="submit" disabled=move || others.pending().get()>"Sign out other sessions"</button>
            </ActionForm>
            {move || outcome(others.value().get())}
        </section>
    }
}
