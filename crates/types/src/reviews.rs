//! Reviews of an asset: a signed-in user who may see it rates it 1 to 5 with a comment,
//! once per minor version (a later review of the same minor by the same user edits it).
//! The average shows on the asset page and in the catalog.

use serde::{Deserialize, Serialize};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;
/// The lowest and highest rating.
pub const RATINGS: std::ops::RangeInclusive<i64> = 1..=5;

/// What a user sends to review a minor version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    /// 1 (poor) to 5 (excellent).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub rating: i64,
    /// Plain text (shown as written, never as HTML), at most 4,000 characters.
    #[serde(default)]
    pub comment: String,
}

impl NewReview {
    /// Checks the rating and the comment, naming the field that is wrong; the comment is
    /// answered trimmed.
    pub fn checked_comment(&self) -> Result<&str, String> {
        if !RATINGS.contains(&self.rating) {
            return Err(format!(
                "rating: {} is not a rating; give 1 to 5.",
                self.rating
            ));
        }
        let comment = self.comment.trim();
        let length = comment.chars().count();
        if length > MAX_COMMENT_CHARS {
            return Err(format!(
                "comment: {length} characters, more than the {MAX_COMMENT_CHARS} allowed."
            ));
        }
        Ok(comment)
    }
}

/// One review as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: i64,
    /// The reviewer's username.
    pub author: String,
    /// The minor version reviewed (`1.2`).
    pub version: String,
    pub rating: u8,
    pub comment: String,
    pub created_at: String,
    pub updated_at: String,
    /// Whether it is the caller's own (which they may edit and delete).
    pub mine: bool,
}

/// Reviews of an asset (or of one of its minor versions) with their average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reviews {
    /// The mean rating, to one decimal; null without reviews.
    pub average: Option<f64>,
    pub count: u32,
    /// Newest first.
    pub items: Vec<Review>,
}

/// The minor version (`1.2`) of a version number (`1.2.3`, `1.2.0-beta.1` or `1.2`).
pub fn minor_of(version: &str) -> Option<(u64, u64)> {
    let core = version.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    match parts.next() {
        None => Some((major, minor)),
        Some(patch) if patch.parse::<u64>().is_ok() && parts.next().is_none() => {
            Some((major, minor))
        }
        Some(_) => None,
    }
}

/// A mean rating rounded to one decimal, as pages and the API show it.
pub fn rounded_average(average: f64) -> f64 {
    (average * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minors_are_read_from_versions() {
        assert_eq!(minor_of("1.2.3"), Some((1, 2)));
        assert_eq!(minor_of("1.2"), Some((1, 2)));
        assert_eq!(minor_of("0.4.0-beta.1"), Some((0, 4)));
        assert_eq!(minor_of("1"), None);
        assert_eq!(minor_of("1.2.x"), None);
        assert_eq!(minor_of("1.2.3.4"), None);
    }

    #[test]
    fn ratings_and_comments_are_checked() {
        let review = |rating, comment: &str| NewReview {
            rating,
            comment: comment.into(),
        };
        assert_eq!(review(5, "  good  ").checked_comment(), Ok("good"));
        assert!(
            review(0, "")
                .checked_comment()
                .unwrap_err()
                .starts_with("rating:")
        );
        assert!(
            review(6, "")
                .checked_comment()
                .unwrap_err()
                .starts_with("rating:")
        );
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        assert!(
            review(3, &long)
                .checked_comment()
                .unwrap_err()
                .starts_with("comment:")
        );
        assert!(
            review(3, &"é".repeat(MAX_COMMENT_CHARS))
                .checked_comment()
                .is_ok()
        );
    }
}
