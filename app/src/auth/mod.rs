//! Who is signed in to the current page render or server-function call (the session
//! cookie, read through `portico_core::auth`).

pub mod session;

pub use session::{require_user, signed_in_user};
