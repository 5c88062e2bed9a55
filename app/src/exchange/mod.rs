//! The exchange: versioned assets that an organisation publishes and everyone it allows
//! can find: the catalog and asset pages, lifecycle and deletion, owners' pages.

pub mod asset_page;
pub mod catalog;
pub mod changes;
pub mod manage;
pub mod owner_pages;
