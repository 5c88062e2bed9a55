//! Sign-up, log-in and account pages, and the log-out button of the header.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_query_map;

use portico_types::Role;

use crate::account::state::AuthState;
use crate::error::AppError;

/// Renders the error of the last submission of a form, if any, as an alert.
fn form_error(error: impl Fn() -> Option<AppError> + Send + Sync + 'static) -> impl IntoView {
    move || {
        error().map(|error| view! { <p class="form-error" role="alert">{error.to_string()}</p> })
    }
}

/// The sign-up form.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    let query = use_query_map();
    let invite = move || query.read().get("invite").unwrap_or_default();
    let (password, set_password) = signal(String::new());
    let (confirm, set_confirm) = signal(String::new());
    // Said while typing, before any round trip; the server checks again.
    let mismatch = move || !confirm.get().is_empty() && password.get() != confirm.get();
    view! {
        <Title text="Sign up · Portico"/>
        <section class="card auth-card">
            <h1>"Create your account"</h1>
            <p class="muted">"You get a personal organisation named after you, where your APIs live."</p>
            <ActionForm action=auth.sign_up>
                <input type="hidden" name="invite" prop:value=invite/>
                <label>
                    "User name"
                    <input name="username" autocomplete="username" required maxlength="39"
                        pattern="[a-zA-Z0-9][a-zA-Z0-9._\\-]*"
                        title="Letters, digits, '.', '_' and '-'; starts with a letter or digit"/>
                </label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="new-password" required minlength="8"
                        on:input=move |ev| set_password.set(event_target_value(&ev))/>
                </label>
                <label>
                    "Repeat password"
                    <input type="password" name="password_confirm" autocomplete="new-password" required
                        on:input=move |ev| set_confirm.set(event_target_value(&ev))/>
                </label>
                <Show when=mismatch>
                    <p class="form-hint" data-testid="password-mismatch">"The passwords do not match yet."</p>
                </Show>
                {form_error(move || auth.sign_up.value().get().and_then(Result::err))}
                <button type="submit" class="primary" disabled=move || auth.sign_up.pending().get()>
                    "Sign up"
                </button>
            </ActionForm>
            <p>"Already have an account? " <A href="/login">"Log in"</A></p>
        </section>
    }
}

/// The log-in form; `?next=/path` says where to go afterwards.
#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text="Log in · Portico"/>
        <section class="card auth-card">
            <h1>"Log in"</h1>
            <ActionForm action=auth.log_in>
                <input type="hidden" name="next" prop:value=next/>
                <label>"User name" <input name="username" autocomplete="username" required/></label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                {form_error(move || auth.log_in.value().get().and_then(Result::err))}
                <button type="submit" class="primary" disabled=move || auth.log_in.pending().get()>
                    "Log in"
                </button>
            </ActionForm>
            <p>"No account yet? " <A href="/signup">"Sign up"</A></p>
        </section>
    }
}

/// The header's log-out button: a form, so it works before the page is interactive too.
/// Once hydrated it logs out, then loads the home page afresh: nothing of the session
/// stays in the tab, and the page being left never sees the user vanish (the account
/// page would send a visitor to log in while the home page's code is still loading).
#[component]
pub fn LogoutButton() -> impl IntoView {
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        leptos::task::spawn_local(async move {
            // Failed or not, a fresh page shows who is signed in.
            let _ = super::log_out().await;
            let _ = window().location().set_href("/");
        });
    };
    let action = <super::LogOut as leptos::server_fn::ServerFn>::url();
    view! {
        <form method="post" action=action class="inline-form" on:submit=on_submit>
            <button type="submit" class="link-button">"Log out"</button>
        </form>
    }
}

/// The signed-in user's page: name and organisations with roles, the broker credentials
/// of those they administer, security, tokens.
#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    view! {
        <Title text="Account · Portico"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading your account…"</p> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) => {
                    let administered: Vec<String> = user
                        .organizations
                        .iter()
                        .filter(|org| org.role == Role::Admin)
                        .map(|org| org.slug.clone())
                        .collect();
                    view! {
                        <section class="card">
                            <h1>{user.username.clone()}</h1>
                            {user.is_admin.then(|| view! { <p class="badge">"Site administrator"</p> })}
                            <h2>"Organisations"</h2>
                            <table class="table" data-testid="organisations">
                                <thead><tr><th>"Organisation"</th><th>"Your role"</th><th></th><th>"Members"</th></tr></thead>
                                <tbody>
                                    {user.organizations.into_iter().map(|org| view! {
                                        <tr>
                                            <td><code>{org.slug.clone()}</code>" "{org.name}</td>
                                            <td>{org.role.as_str()}</td>
                                            <td>{org.personal.then_some("personal")}</td>
                                            <td><super::members::MembersPanel org=org.slug my_role=org.role/></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                        <super::security::SecurityPanel/>
                        <super::broker_credentials::BrokerCredentialsSection orgs=administered.clone()/>
                        <super::tokens::TokensPanel/>
                        <super::webhooks::WebhooksPanel organisations=administered/>
                        {user.is_admin.then(|| view! { <super::invitations::InvitationsPanel/> })}
                    }.into_any()
                }
                    Ok(None) => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                    Err(error) => view! {
                        <p class="form-error" role="alert">{error.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
