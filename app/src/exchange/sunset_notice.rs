//! The asset page's notice for a deprecated version: what to move to and how many days
//! are left before it goes away.

use leptos::prelude::*;
use leptos_router::components::A;

use portico_types::VersionSummary;

/// "Deprecated: use 2.0.0 instead. Goes away on 2027-03-01 (in 84 days)." The days come
/// from the server with the version, so the page and its hydration agree.
#[component]
pub fn SunsetNotice(base: String, version: VersionSummary) -> impl IntoView {
    let replacement = version.deprecation.replacement.clone();
    let sunset = version.deprecation.sunset.clone();
    let countdown = version.sunset_in_days.map(|days| match days {
        d if d > 1 => format!("in {d} days"),
        1 => "tomorrow".to_owned(),
        0 => "today".to_owned(),
        d => format!("{} days ago", -d),
    });
    view! {
        <p class="notice deprecated" role="note" data-testid="deprecation">
            <strong>"Deprecated."</strong>
            {replacement.map(|next| view! {
                " Use " <A href=format!("{base}/{next}")>{next.clone()}</A> " instead."
            })}
            {sunset.map(|day| view! {
                " Goes away on " <time datetime=day.clone()>{day.clone()}</time>
                {countdown.map(|left| view! { " (" <span data-testid="sunset-countdown">{left}</span> ")" })}
                "."
            })}
        </p>
    }
    .into_any()
}
