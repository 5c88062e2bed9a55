//! Group / asset / version coordinates and their rules: ids are `[a-z0-9][a-z0-9._-]*`,
//! the version is semver without build metadata, and the three together are at most
//! 215 characters (so a GAV fits in a path segment budget everywhere it is stored).

use serde::{Deserialize, Serialize};

use crate::names::check_slug;

/// Longest `group/asset/version` accepted, counted as the three lengths added up.
pub const MAX_GAV_LEN: usize = 215;

/// A checked asset version coordinate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gav {
    pub group: String,
    pub asset: String,
    pub version: String,
    pub semver: Semver,
}

/// The parts of a semantic version that order it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Semver {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Empty for a release; otherwise the part after `-`.
    pub prerelease: String,
}

impl Gav {
    /// Checks the three parts and says which one is wrong and why.
    pub fn parse(group: &str, asset: &str, version: &str) -> Result<Gav, String> {
        check_slug("Group", group, MAX_GAV_LEN)?;
        check_slug("Asset id", asset, MAX_GAV_LEN)?;
        let semver = parse_semver(version)?;
        let total = group.len() + asset.len() + version.len();
        if total > MAX_GAV_LEN {
            return Err(format!(
                "Group, asset id and version together are {total} characters long; at most {MAX_GAV_LEN} are allowed."
            ));
        }
        Ok(Gav {
            group: group.to_owned(),
            asset: asset.to_owned(),
            version: version.to_owned(),
            semver,
        })
    }
}

/// Parses `MAJOR.MINOR.PATCH[-PRERELEASE]` (semver 2.0.0, build metadata refused).
pub fn parse_semver(version: &str) -> Result<Semver, String> {
    if version.contains('+') {
        return Err(format!(
            "Version {version:?} has build metadata ('+…'); publish it without, build metadata does not make a new version."
        ));
    }
    let parsed = semver::Version::parse(version).map_err(|error| {
        format!(
            "Version {version:?} is not a semantic version like 1.2.3 or 1.2.3-beta.1: {error}."
        )
    })?;
    Ok(Semver {
        major: parsed.major,
        minor: parsed.minor,
        patch: parsed.patch,
        prerelease: parsed.pre.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_plain_gav() {
        let gav = Gav::parse("acme", "order-service", "1.2.3-rc.1").unwrap();
        assert_eq!(gav.semver.major, 1);
        assert_eq!(gav.semver.prerelease, "rc.1");
    }

    #[test]
    fn refuses_build_metadata_and_non_semver() {
        assert!(
            Gav::parse("acme", "a", "1.2.3+build.5")
                .unwrap_err()
                .contains("build metadata")
        );
        assert!(
            Gav::parse("acme", "a", "1.2")
                .unwrap_err()
                .contains("not a semantic version")
        );
        assert!(Gav::parse("acme", "a", "01.2.3").is_err());
    }

    #[test]
    fn refuses_bad_ids_naming_the_part() {
        assert!(
            Gav::parse("Acme", "a", "1.0.0")
                .unwrap_err()
                .starts_with("Group")
        );
        assert!(
            Gav::parse("acme", "-a", "1.0.0")
                .unwrap_err()
                .starts_with("Asset id")
        );
    }

    #[test]
    fn limits_the_total_length() {
        let long = "a".repeat(200);
        let err = Gav::parse("acme", &long, "1.0.0-rc.12345678").unwrap_err();
        assert!(err.contains("at most 215"), "{err}");
        assert!(Gav::parse("acme", &"a".repeat(205), "1.0.0").is_ok());
    }
}
