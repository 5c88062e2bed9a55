//! Published assets in the editor: when the analysis finds `portico:` references whose
//! documents it lacks, the page asks the server for them (as the signed-in user may read
//! them) and analyses again with them as read-only files. They are never saved into the
//! project: publishing resolves the references again, on the server, and pins them.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::workspace::Workspace;
use crate::error::AppError;

/// Most dependency documents the page keeps; past it the oldest answers are forgotten.
const MAX_KEPT: usize = 64;

/// The documents of published assets the editor's project references, by dependency
/// file (`portico:acme/orders/^1`); `None` for one no version answers for this user.
#[server(prefix = "/rpc", endpoint = "design_dependencies", input = leptos::server_fn::codec::Json)]
pub async fn dependency_documents(
    files: Vec<String>,
) -> Result<Vec<(String, Option<String>)>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::dependencies::documents_for(&ctx.db, &user, &files).await?)
}

/// What the page knows of the published assets its project references.
pub type Known = BTreeMap<String, Option<String>>;

/// Asks once for each dependency file in `missing` the page has not asked for yet, and
/// analyses again when one arrived. A file asked for is remembered (its answer, or
/// `None`), so a reference nobody can resolve is not asked for after every keystroke.
pub fn fetch_missing(ws: Workspace, missing: Vec<String>) {
    let wanted: Vec<String> = ws.dependencies.with_value(|known: &Known| {
        missing
            .into_iter()
            .filter(|file| !known.contains_key(file))
            .take(spec_engine::dependency::MAX_DEPENDENCY_DOCUMENTS)
            .collect()
    });
    if wanted.is_empty() {
        return;
    }
    ws.dependencies.update_value(|known| {
        if known.len() + wanted.len() > MAX_KEPT {
            known.clear();
        }
        for file in &wanted {
            known.insert(file.clone(), None);
        }
    });
    spawn_local(async move {
        match dependency_documents(wanted.clone()).await {
            Ok(answers) => {
                let arrived = answers.iter().any(|(_, text)| text.is_some());
                if ws
                    .dependencies
                    .try_update_value(|known| known.extend(answers))
                    .is_none()
                {
                    return; // The page was left meanwhile.
                }
                if arrived {
                    ws.analyze_now();
                }
            }
            // Asked again after the next edit.
            Err(error) => {
                leptos::logging::warn!("published assets could not be read: {error}");
                let _ = ws.dependencies.try_update_value(|known| {
                    for file in &wanted {
                        known.remove(file);
                    }
                });
            }
        }
    });
}
