//! The page for addresses that lead nowhere: says so, answers 404, and offers a way on.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Shown for any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let path = use_location().pathname;
    view! {
        <Title text="Not found · Portico"/>
        <section class="card error-page">
            <h1>"Nothing here"</h1>
            <p>"There is no page at "<code>{move || path.get()}</code>"."</p>
            <p>"It may have moved, or the address may be mistyped. "<A href="/">"Go to the home page"</A></p>
        </section>
    }
}
