//! The exchange: versioned assets that an organisation publishes and everyone it allows
//! can find: the catalog and asset pages, lifecycle and deletion, owners' pages, what
//! changed between versions and the rules that judge it, what its users think of it, and
//! the event map of who sends and who receives on each channel.

pub mod asset_page;
pub mod catalog;
pub mod changes;
pub mod conformance_badge;
pub mod consumers;
pub mod dependencies;
pub mod event_map;
pub mod governance;
pub mod governance_dashboard;
pub mod inbox;
pub mod manage;
pub mod organization_picker;
pub mod owner_pages;
pub mod reviews;
pub mod rules;
pub mod sunset_notice;
