//! Portico's vocabulary, shared by the server and the browser: what an asset is and where
//! it is in its life, who may do what, how versions are addressed, the shapes pages and
//! the REST API exchange, the one error type and the channel console's protocol.
//!
//! No Leptos, no database, no I/O: it compiles for `wasm32-unknown-unknown`, so the
//! browser checks a name or a version with the same code the server enforces it with.

pub mod account;
pub mod asset;
pub mod broker_credentials;
pub mod console;
pub mod consumers;
pub mod coordinates;
pub mod dependencies;
pub mod design;
pub mod diagnostic;
pub mod diff;
pub mod error;
pub mod event_map;
pub mod governance;
pub mod names;
pub mod rendering_memo;
pub mod reviews;
pub mod role;

pub use account::{
    InvitationInfo, Member, OrganizationSummary, SessionInfo, TokenInfo, UserSummary,
};
pub use asset::{
    AssetDetail, AssetKind, AssetPageText, AssetPages, Deprecation, FindingCounts, Lifecycle,
    SearchHit, VersionSummary,
};
pub use broker_credentials::{BrokerCredentialInfo, CreatedBrokerCredential};
pub use coordinates::{Gav, Semver};
pub use design::{Project, ProjectFile, ProjectSummary, SaveResult, ShareInfo};
pub use diagnostic::DocumentDiagnostic;
pub use error::Error;
pub use role::Role;
