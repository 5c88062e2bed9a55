//! Portico's web application: pages and components rendered on the server and hydrated
//! in the browser. One folder per feature; server functions live beside their components;
//! server-only code is gated behind the `ssr` feature.
// Deeply nested views make deep types; this build does not erase them (see Cargo.toml).
#![recursion_limit = "512"]

pub mod account;
pub mod client_only;
pub mod console;
pub mod design;
pub mod docs;
pub mod engine_client;
pub mod error;
pub mod error_page;
pub mod exchange;
pub mod home;
pub mod layout;

#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod content_policy;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod session;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, SsrMode, lazy_route, path};

use account::state::AuthState;
use account::{AccountPage, LoginPage, SignUpPage};
use design::editor_page::EditorPage;
use design::projects_page::ProjectsPage;
use design::share_page::SharePage;
use error_page::NotFound;
use exchange::asset_page::AssetPage;
use exchange::catalog::CatalogPage;
use exchange::event_map::EventMapPage;
use exchange::governance::GovernancePage;
use exchange::inbox::InboxPage;
use exchange::rules::RulesPage;
use home::HomePage;
use layout::{Footer, Header, THEME_BOOT_SCRIPT};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <link rel="stylesheet" id="portico" href="/pkg/portico.css"/>
                <script nonce=leptos::nonce::use_nonce() inner_html=THEME_BOOT_SCRIPT></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Marks the page once the browser has taken over (the frontend calls this when hydration,
/// lazily loaded page included, is done), so tests and people debugging can tell a
/// hydrated page from a server-rendered one whose buttons do nothing yet.
pub fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// The application: routes and the shell every page shares.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthState::provide();
    exchange::inbox::UnreadInbox::provide();
    view! {
        <Router>
            <Header/>
            <main class="page">
                <Routes fallback=|| view! { <NotFound/> }>
                    // Every page renders Async: the server waits for its data and sends one
                    // complete document. Out-of-order streaming rendered a suspense inline
                    // or as a placeholder depending on timing, and the inline form broke
                    // hydration now and then; pages here are small, so waiting costs little.
                    // It also lets a page answer a real 302 (account -> log in).
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view={Lazy::<SignUpRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/exchange") view={Lazy::<CatalogRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/event-map") view={Lazy::<EventMapRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/exchange/rules") view={Lazy::<RulesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/exchange/governance") view={Lazy::<GovernanceRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/exchange/:group/:asset/:version?") view={Lazy::<AssetRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/design") view={Lazy::<ProjectsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/design/:id") view=EditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/share/:id") view={Lazy::<ShareRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

/// A page whose code the browser loads when it is first shown (`cargo leptos build
/// --split`), so the editor's page does not carry every other page.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(HomeRoute, HomePage);
lazy_page!(SignUpRoute, SignUpPage);
lazy_page!(LoginRoute, LoginPage);
lazy_page!(AccountRoute, AccountPage);
lazy_page!(CatalogRoute, CatalogPage);
lazy_page!(EventMapRoute, EventMapPage);
lazy_page!(InboxRoute, InboxPage);
lazy_page!(AssetRoute, AssetPage);
lazy_page!(RulesRoute, RulesPage);
lazy_page!(GovernanceRoute, GovernancePage);
lazy_page!(ProjectsRoute, ProjectsPage);
lazy_page!(ShareRoute, SharePage);
