//! Parts of a page built only in the browser, once it has hydrated.

use leptos::prelude::*;

/// Renders `fallback` on the server and while hydrating, then `children` in the browser.
///
/// For panels whose data is loaded inside another suspended view (one per organisation,
/// say): such resources are not created in the same order on both sides, so their
/// server-rendered values could be matched to the wrong view. Built after hydration,
/// nothing of them has to match (effects never run on the server).
#[component]
pub fn ClientOnly(children: ChildrenFn, #[prop(optional, into)] fallback: ViewFn) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    move || {
        if hydrated.get() {
            children().into_any()
        } else {
            fallback.run()
        }
    }
}
