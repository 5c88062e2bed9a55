//! Who is signed in, as the pages see it: one resource and the actions that change it,
//! provided once by `App` so the header and the pages agree.

use leptos::prelude::*;

use portico_types::UserSummary;

use crate::account::{LogIn, SignUp, current_user};
use crate::error::AppError;

/// The signed-in user and the actions that change who that is (logging out loads a
/// fresh page: see `LogoutButton`).
#[derive(Clone, Copy)]
pub struct AuthState {
    pub user: Resource<Result<Option<UserSummary>, AppError>>,
    pub log_in: ServerAction<LogIn>,
    pub sign_up: ServerAction<SignUp>,
}

impl AuthState {
    /// Creates the actions and a user resource that reloads after each of them.
    pub fn provide() -> AuthState {
        let log_in = ServerAction::<LogIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let user = Resource::new(
            move || (log_in.version().get(), sign_up.version().get()),
            |_| current_user(),
        );
        let state = AuthState {
            user,
            log_in,
            sign_up,
        };
        provide_context(state);
        state
    }
}
