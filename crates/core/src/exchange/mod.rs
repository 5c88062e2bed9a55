//! The exchange's use-cases: publishing, reading and searching, who may see an asset,
//! lifecycle and deletion, the owners' pages, reviews, the documents' facts and their
//! analysed models, and the event map of who sends and who receives on each channel.

pub mod access;
pub mod catalog;
pub mod compare;
pub mod dependencies;
pub mod diff_rules;
pub mod document;
pub mod event_map;
pub mod gate;
pub mod governance;
pub mod lifecycle;
pub mod model_cache;
pub mod owner_pages;
pub mod publish;
pub mod reviews;
