//! Authentication and authorization on the server: password hashing, the signed-in user
//! of a session, login throttling, and the one authorization check every feature uses.

pub mod authorize;
pub mod password;
pub mod session;
pub mod throttle;

pub use authorize::authorize;
pub use session::{SignedInUser, require_user, signed_in_user};
