//! The app shell around every page: header with navigation, theme switch, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::account::LogoutButton;
use crate::account::state::AuthState;

/// Key under which the chosen colour theme is kept in the browser.
pub const THEME_STORAGE_KEY: &str = "portico-theme";

/// Runs before first paint so the stored (or the system's) theme applies without a flash.
/// A constant: nothing from a user or a document ever goes into it.
pub const THEME_BOOT_SCRIPT: &str = "(function(){try{var t=localStorage.getItem('portico-theme');\
if(t!=='light'&&t!=='dark'){t=window.matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light';}\
document.documentElement.setAttribute('data-theme',t);}catch(e){}})();";

/// The header: brand, navigation to pages that exist, account links, theme switch.
#[component]
pub fn Header() -> impl IntoView {
    let auth = expect_context::<AuthState>();
    view! {
        <header class="site-header">
            <A href="/">
                <span class="brand">"Portico"</span>
            </A>
            <nav class="site-nav" aria-label="Main">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(user)) => view! {
                                <A href="/design">"Design"</A>
                                <A href="/exchange">"Exchange"</A>
                                <A href="/event-map">"Event map"</A>
                                <crate::exchange::inbox::InboxLink/>
                                <A href="/account">
                                    <span data-testid="signed-in-as">{user.username}</span>
                                </A>
                                <LogoutButton/>
                            }.into_any(),
                            _ => view! {
                                <A href="/login">"Log in"</A>
                                <A href="/signup">"Sign up"</A>
                            }.into_any(),
                        }
                    })}
                </Transition>
                <ThemeToggle/>
            </nav>
        </header>
    }
}

/// Switches between light and dark and remembers the choice in the browser.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let (dark, set_dark) = signal(false);
    // Runs in the browser only: read what the boot script chose.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            set_dark.set(root.get_attribute("data-theme").as_deref() == Some("dark"));
        }
    });
    let toggle = move |_| {
        let next = !dark.get_untracked();
        set_dark.set(next);
        let theme = if next { "dark" } else { "light" };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", theme);
        }
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(THEME_STORAGE_KEY, theme);
        }
    };
    view! {
        <button type="button" class="theme-toggle" data-testid="theme-toggle"
            aria-pressed=move || dark.get().to_string() on:click=toggle
            title="Switch between light and dark theme">
            {move || if dark.get() { "Dark" } else { "Light" }}
        </button>
    }
}

/// The footer.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <span>"Portico — API design and catalog, self-hosted."</span>
        </footer>
    }
}
