//! The organisation a page shows, chosen from the signed-in user's: choosing one loads
//! `{page}?org={slug}` (the rules and governance pages).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// A select of `organizations` with `chosen` selected; `none` labels the empty choice.
#[component]
pub fn OrganizationPicker(
    page: &'static str,
    organizations: Vec<String>,
    chosen: String,
    none: &'static str,
    test_id: &'static str,
) -> impl IntoView {
    let navigate = use_navigate();
    view! {
        <label>"Organisation "
            <select data-testid=test_id on:change=move |ev| {
                let org = event_target_value(&ev);
                let path = if org.is_empty() { page.to_owned() } else { format!("{page}?org={org}") };
                navigate(&path, Default::default());
            }>
                <option value="" selected=chosen.is_empty()>{none}</option>
                {organizations.into_iter().map(|slug| {
                    let selected = slug == chosen;
                    view! { <option value=slug.clone() selected=selected>{slug.clone()}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}
