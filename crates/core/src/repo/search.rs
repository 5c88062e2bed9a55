//! Catalog search over SQLite FTS5: names, descriptions, tags and the names found inside
//! the documents, filtered by what the viewer may see.

use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::Db;
use portico_types::governance::ConformanceFilter;
use portico_types::{AssetKind, Lifecycle};

/// Marks the start of a matched word in a snippet (a private-use character, so it can
/// never collide with document text; the renderer turns it into `<mark>`).
pub const MARK_START: char = '\u{E000}';
/// Marks the end of a matched word in a snippet.
pub const MARK_END: char = '\u{E001}';

/// Who is searching: results include public assets and those of the viewer's
/// organisations; administrators see everything. Anonymous visitors see nothing.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub user_id: i64,
    pub is_admin: bool,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SearchSort {
    /// Best match first (recently updated when there is no text).
    #[default]
    Relevance,
    /// Most recently published first.
    Updated,
    /// By asset id.
    Name,
    /// Best rated first (by the mean of their reviews; unreviewed last).
    Rating,
}

impl SearchSort {
    /// Parses a requested order (`relevance`, `updated` or `newest`, `name`, `rating`;
    /// empty is relevance).
    pub fn parse(name: &str) -> Option<SearchSort> {
        match name {
            "" | "relevance" => Some(SearchSort::Relevance),
            "updated" | "newest" => Some(SearchSort::Updated),
            "name" => Some(SearchSort::Name),
            "rating" => Some(SearchSort::Rating),
            _ => None,
        }
    }
}

/// A search request.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    pub kind: Option<AssetKind>,
    pub tag: Option<String>,
    pub group: Option<String>,
    pub lifecycle: Option<Lifecycle>,
    pub conformance: Option<ConformanceFilter>,
    pub sort: SearchSort,
    pub limit: u32,
    pub offset: u32,
}

/// One row of results.
#[derive(Debug, Clone, FromRow)]
pub struct SearchRow {
    pub group_slug: String,
    pub name: String,
    pub kind: String,
    pub title: String,
    pub version: String,
    pub lifecycle: String,
    pub updated_at: String,
    pub snippet: String,
    /// The latest version's governance findings by severity (none when unchecked).
    pub findings_errors: Option<i64>,
    pub findings_warnings: Option<i64>,
    pub findings_infos: Option<i64>,
    pub findings_hints: Option<i64>,
    /// The start of the latest version's description (enough for any summary).
    pub description: String,
    /// How many organisations consume the asset.
    pub consumers: i64,
    /// The mean rating of its reviews, none without.
    pub rating_average: Option<f64>,
    pub rating_count: i64,
}

/// Turns what a person typed into an FTS5 query: every word becomes a quoted prefix
/// term (so no FTS syntax from the user is interpreted), joined with `joiner`.
fn fts_query(text: &str, joiner: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .take(16)
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(joiner))
}

/// Searches; all words must match, and when that finds nothing, any word may.
pub async fn search_assets(
    db: &Db,
    viewer: Viewer,
    request: &SearchRequest,
) -> Result<(Vec<SearchRow>, i64), sqlx::Error> {
    let Some(all_words) = fts_query(&request.text, " AND ") else {
        return run_search(db, viewer, request, None).await;
    };
    let found = run_search(db, viewer, request, Some(&all_words)).await?;
    if found.1 > 0 {
        return Ok(found);
    }
    match fts_query(&request.text, " OR ") {
        Some(any_word) if any_word != all_words => {
            run_search(db, viewer, request, Some(&any_word)).await
        }
        _ => Ok(found),
    }
}

fn push_filters<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    viewer: Viewer,
    request: &'a SearchRequest,
    fts: Option<&'a str>,
) {
    query.push(
        " FROM assets a
          JOIN organizations o ON o.id = a.organization_id
          JOIN asset_versions v ON v.id = a.latest_version_id
          LEFT JOIN version_conformance k ON k.version_id = v.id",
    );
    if fts.is_some() {
        query.push(" JOIN asset_search s ON s.rowid = a.id");
    }
    query.push(" WHERE 1 = 1");
    if let Some(fts) = fts {
        query.push(" AND asset_search MATCH ").push_bind(fts);
    }
    if !viewer.is_admin {
        query
            .push(" AND (a.public = 1 OR a.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = ")
            .push_bind(viewer.user_id)
            .push("))");
    }
    if let Some(kind) = request.kind {
        query.push(" AND a.kind = ").push_bind(kind.as_str());
    }
    if let Some(group) = &request.group {
        query.push(" AND o.slug = ").push_bind(group.as_str());
    }
    if let Some(lifecycle) = request.lifecycle {
        query
            .push(" AND v.lifecycle = ")
            .push_bind(lifecycle.as_str());
    }
    if let Some(conformance) = request.conformance {
        query.push(match conformance {
            ConformanceFilter::Conformant => {
                " AND k.version_id IS NOT NULL AND k.errors + k.warnings + k.infos + k.hints = 0"
            }
            ConformanceFilter::Findings => " AND k.errors + k.warnings + k.infos + k.hints > 0",
            ConformanceFilter::Errors => " AND k.errors > 0",
            ConformanceFilter::Unchecked => " AND k.version_id IS NULL",
        });
    }
    if let Some(tag) = &request.tag {
        query
            .push(" AND EXISTS (SELECT 1 FROM json_each(v.tags) WHERE value = ")
            .push_bind(tag.as_str())
            .push(")");
    }
}

async fn run_search(
    db: &Db,
    viewer: Viewer,
    request: &SearchRequest,
    fts: Option<&str>,
) -> Result<(Vec<SearchRow>, i64), sqlx::Error> {
    let mut count = QueryBuilder::<Sqlite>::new("SELECT count(*)");
    push_filters(&mut count, viewer, request, fts);
    let total: i64 = count.build_query_scalar().fetch_one(db.reader()).await?;
    if total == 0 {
        return Ok((Vec::new(), 0));
    }

    let snippet = if fts.is_some() {
        format!("snippet(asset_search, -1, '{MARK_START}', '{MARK_END}', '…', 12)")
    } else {
        "substr(v.description, 1, 160)".to_owned()
    };
    let mut query = QueryBuilder::<Sqlite>::new(format!(
        "SELECT o.slug AS group_slug, a.name, a.kind, v.title, v.version, v.lifecycle,
                a.updated_at, {snippet} AS snippet, k.errors AS findings_errors,
                k.warnings AS findings_warnings, k.infos AS findings_infos,
                k.hints AS findings_hints, substr(v.description, 1, 2000) AS description,
                (SELECT count(*) FROM consumers c WHERE c.asset_id = a.id) AS consumers,
                (SELECT avg(r.rating) FROM reviews r WHERE r.asset_id = a.id) AS rating_average,
                (SELECT count(*) FROM reviews r WHERE r.asset_id = a.id) AS rating_count"
    ));
    push_filters(&mut query, viewer, request, fts);
    query.push(match (request.sort, fts.is_some()) {
        (SearchSort::Relevance, true) => {
            " ORDER BY bm25(asset_search, 10.0, 8.0, 2.0, 4.0, 1.0), a.name"
        }
        (SearchSort::Name, _) => " ORDER BY a.name, o.slug",
        (SearchSort::Rating, _) => {
            " ORDER BY rating_average IS NULL, rating_average DESC, rating_count DESC, a.name"
        }
        _ => " ORDER BY a.updated_at DESC, a.name",
    });
    query
        .push(" LIMIT ")
        .push_bind(i64::from(request.limit.clamp(1, 100)))
        .push(" OFFSET ")
        .push_bind(i64::from(request.offset));
    let rows = query.build_query_as().fetch_all(db.reader()).await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_text_never_becomes_fts_syntax() {
        assert_eq!(
            fts_query("customerId", " AND ").as_deref(),
            Some("\"customerId\"*")
        );
        assert_eq!(
            fts_query("order NEAR(\"x\") OR -y", " AND ").as_deref(),
            Some("\"order\"* AND \"NEAR\"* AND \"x\"* AND \"OR\"* AND \"y\"*")
        );
        assert_eq!(fts_query("  ", " AND "), None);
    }
}
