//! The home page: says what Portico is and where to start.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::account::state::AuthState;

/// The landing page.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    view! {
        <Title text="Portico — API design and catalog"/>
        <section class="hero">
            <h1>"Design, publish and try your APIs in one place."</h1>
            <p class="lead">
                "Portico is a self-hosted portal for integration teams. Describe event-driven APIs in "
                <strong>"AsyncAPI"</strong>" and REST APIs in "<strong>"OpenAPI"</strong>
                ", publish them as versioned assets to your organisation's exchange, and try their "
                "channels against the broker that ships inside the server."
            </p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => view! {
                            <p>"Signed in as "<strong>{user.username}</strong>". "
                               <A href="/account">"Your account"</A></p>
                        }.into_any(),
                        _ => view! {
                            <p class="actions">
                                <A href="/signup">"Create an account"</A>" or "<A href="/login">"log in"</A>
                            </p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="features">
            <article class="card">
                <h2>"Design"</h2>
                <p>"Write AsyncAPI 2.x/3.x and OpenAPI 3.x with documentation that renders as you type and errors at the right line."</p>
            </article>
            <article class="card">
                <h2>"Exchange"</h2>
                <p>"Publish group / asset / version with a lifecycle, from the browser or from CI, and search inside the documents."</p>
            </article>
            <article class="card">
                <h2>"Try it"</h2>
                <p>"Publish to a channel, watch messages arrive live and see each one checked against its schema."</p>
            </article>
        </section>
    }
}
