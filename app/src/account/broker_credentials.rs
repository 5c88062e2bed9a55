//! Broker credentials on the account page, one panel per organisation the user
//! administers: create a login for a device or service (the secret shown once, with the
//! command line that uses it), list them with rights and last use, revoke. The REST API
//! offers the same under `/api/v1/orgs/{org}/broker-credentials`.

use leptos::prelude::*;
use portico_types::{BrokerCredentialInfo, CreatedBrokerCredential};
use serde::{Deserialize, Serialize};

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// A credential just made, and where the bundled broker listens (`None`: it is off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBrokerCredential {
    pub credential: CreatedBrokerCredential,
    pub mqtt_port: Option<u16>,
}

/// The broker credentials of an organisation (its admins).
#[server(prefix = "/rpc", endpoint = "org_broker_credentials")]
pub async fn list_broker_credentials(org: String) -> Result<Vec<BrokerCredentialInfo>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::broker_credentials::list(&ctx.db, &user, &org)
        .await
        .map_err(crate::error::respond_with)
}

/// Creates a broker credential in an organisation (its admins) and answers its secret,
/// the only time. An unticked box is not sent by the form: it means `false`.
#[server(prefix = "/rpc", endpoint = "org_create_broker_credential")]
pub async fn create_broker_credential(
    org: String,
    name: String,
    #[server(default)] publish: bool,
    #[server(default)] subscribe: bool,
) -> Result<NewBrokerCredential, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let credential = portico_core::accounts::broker_credentials::create(
        &ctx.db, &user, &org, &name, publish, subscribe,
    )
    .await
    .map_err(crate::error::respond_with)?;
    Ok(NewBrokerCredential {
        credential,
        mqtt_port: ctx.mqtt_port,
    })
}

/// Revokes a broker credential of an organisation (its admins); the broker ends its
/// connections.
#[server(prefix = "/rpc", endpoint = "org_revoke_broker_credential")]
pub async fn revoke_broker_credential(org: String, name: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::broker_credentials::revoke(&ctx, &user, &org, &name)
        .await
        .map_err(crate::error::respond_with)
}

/// The mosquitto commands a new credential works with, as its rights allow: the
/// broker's host is the one this page came from (the server's own name for it).
fn commands(created: &NewBrokerCredential, host: &str) -> Vec<String> {
    let Some(port) = created.mqtt_port else {
        return Vec::new();
    };
    let c = &created.credential;
    let login = format!("-h {host} -p {port} -u {} -P {}", c.username, c.secret);
    let mut lines = Vec::new();
    if c.publish {
        lines.push(format!(
            "mosquitto_pub {login} -t {}/status -m online",
            c.name
        ));
    }
    if c.subscribe {
        lines.push(format!("mosquitto_sub {login} -t '#' -v"));
    }
    lines
}

/// What a credential may do, in a word or two.
fn rights(credential: &BrokerCredentialInfo) -> &'static str {
    match (credential.publish, credential.subscribe) {
        (true, true) => "publish, subscribe",
        (true, false) => "publish",
        (false, true) => "subscribe",
        (false, false) => "none",
    }
}

/// The broker credentials of one organisation the user administers.
#[component]
pub fn BrokerCredentialsPanel(org: String) -> impl IntoView {
    let create = ServerAction::<CreateBrokerCredential>::new();
    let revoke = ServerAction::<RevokeBrokerCredential>::new();
    let org = StoredValue::new(org);
    // Loaded and shown in the browser after hydration (see `ClientOnly`): one panel per
    // organisation, inside the account page's suspended view.
    let credentials = LocalResource::new(move || {
        create.version().track();
        revoke.version().track();
        list_broker_credentials(org.get_value())
    });
    let created = move || {
        create.value().get().map(|result| match result {
            Ok(created) => {
                let host = window()
                    .location()
                    .hostname()
                    .unwrap_or_else(|_| "localhost".into());
                let lines = commands(&created, &host);
                let c = created.credential;
                view! {
                    <div class="new-token" role="status" data-testid="new-broker-credential">
                        <p>"Copy the secret now; it is never shown again. Log in as "
                            <code data-testid="broker-username">{c.username}</code>" with the password "
                            <code data-testid="broker-secret">{c.secret}</code></p>
                        {if lines.is_empty() {
                            view! { <p class="muted">"This server's bundled MQTT broker is off."</p> }.into_any()
                        } else {
                            lines.into_iter().map(|line| view! {
                                <pre class="code command" data-testid="broker-command">{line}</pre>
                            }).collect_view().into_any()
                        }}
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
        })
    };
    let revoke_error = move || {
        revoke.value().get().and_then(Result::err).map(|error| {
            view! { <p class="form-error" role="alert">{error.to_string()}</p> }
        })
    };
    view! {
        <div class="broker-credentials" data-testid=move || format!("broker-credentials-{}", org.get_value())>
            <h3><code>{org.get_value()}</code></h3>
            <ActionForm action=create attr:class="token-form">
                <input type="hidden" name="org" value=org.get_value()/>
                <label>
                    "Credential"
                    <input name="name" required maxlength="64" placeholder="sensor-17"
                        pattern="[a-z0-9][a-z0-9._\\-]*"
                        title="Lowercase letters, digits, '.', '_' and '-'; starts with a letter or digit"/>
                </label>
                <label class="checkbox"><input type="checkbox" name="publish" value="true" checked/>"Publish"</label>
                <label class="checkbox"><input type="checkbox" name="subscribe" value="true" checked/>"Subscribe"</label>
                <button type="submit" disabled=move || create.pending().get()>"Create credential"</button>
            </ActionForm>
            {created}
            {revoke_error}
            <ClientOnly>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match credentials.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No broker credentials yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="broker-credential-list">
                                <thead><tr><th>"Name"</th><th>"Rights"</th><th>"Secret"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let rights = rights(&c);
                                        let created = match &c.created_by {
                                            Some(by) => format!("{} by {by}", c.created_at),
                                            None => c.created_at.clone(),
                                        };
                                        view! {
                                            <tr>
                                                <td><code>{c.name.clone()}</code></td>
                                                <td>{rights}</td>
                                                <td><code>{c.display}</code></td>
                                                <td>{created}</td>
                                                <td>{c.last_used_at.unwrap_or_else(|| "never".into())}</td>
                                                <td>
                                                    <ActionForm action=revoke attr:class="inline-form">
                                                        <input type="hidden" name="org" value=org.get_value()/>
                                                        <input type="hidden" name="name" value=c.name/>
                                                        <button type="submit" class="link-button">"Revoke"</button>
                                                    </ActionForm>
                                                </td>
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
        </div>
    }
}

/// The broker credentials section: a panel for each organisation in `orgs` (those the
/// user administers); nothing when there is none.
#[component]
pub fn BrokerCredentialsSection(orgs: Vec<String>) -> impl IntoView {
    (!orgs.is_empty()).then(|| {
        view! {
            <section class="card" data-testid="broker-credentials">
                <h2>"Broker credentials"</h2>
                <p class="muted">
                    "Logins for devices and services on the bundled MQTT broker: user name "
                    <code>"NAME@ORG"</code>" and the secret as password. They live in the organisation's "
                    "namespace with the rights given here, whoever made them; revoking one refuses its next login."
                </p>
                {orgs.into_iter().map(|org| view! { <BrokerCredentialsPanel org/> }).collect_view()}
            </section>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created(publish: bool, subscribe: bool, port: Option<u16>) -> NewBrokerCredential {
        NewBrokerCredential {
            credential: CreatedBrokerCredential {
                organization: "acme".into(),
                name: "sensor-17".into(),
                username: "sensor-17@acme".into(),
                secret: "pbc_0123".into(),
                publish,
                subscribe,
            },
            mqtt_port: port,
        }
    }

    #[test]
    fn the_commands_log_in_as_name_at_org_and_follow_the_rights() {
        assert_eq!(
            commands(&created(true, false, Some(1883)), "portico.example"),
            [
                "mosquitto_pub -h portico.example -p 1883 -u sensor-17@acme -P pbc_0123 -t sensor-17/status -m online"
            ]
        );
        let both = commands(&created(true, true, Some(1883)), "localhost");
        assert_eq!(both.len(), 2);
        assert!(both[1].starts_with("mosquitto_sub -h localhost -p 1883 -u sensor-17@acme"));
        assert!(commands(&created(true, true, None), "localhost").is_empty());
    }
}
