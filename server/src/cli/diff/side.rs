//! One side of a comparison: a file on disk (with the files its relative references
//! name) or a published version on a Portico server (`group/asset/version`), read and
//! analysed once.

use std::path::{Path, PathBuf};

use portico_types::Gav;
use spec_engine::{Analysis, Input};

use crate::cli::project::{Project, free_aside, read_project};
use crate::cli::remote::Remote;

/// Where a side comes from, as the command line named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A document on disk.
    File(PathBuf),
    /// A published version on the server.
    Published(Gav),
}

impl Source {
    /// An argument that names an existing file is that file; one that reads as
    /// `group/asset/version` (and is not a file) is a published version; anything else
    /// is a file, which reading will report as missing.
    pub fn classify(argument: &Path) -> Source {
        if argument.is_file() {
            return Source::File(argument.to_path_buf());
        }
        let published = argument.to_str().and_then(|text| {
            let mut parts = text.split('/');
            let (group, asset, version) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            Gav::parse(group, asset, version).ok()
        });
        match published {
            Some(gav) => Source::Published(gav),
            None => Source::File(argument.to_path_buf()),
        }
    }

    /// How messages name the side.
    pub fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Published(gav) => label(gav),
        }
    }

    /// The text of a file side, or the coordinate of a version still to download.
    pub fn into_local(self) -> Result<Text, Gav> {
        match self {
            Source::File(path) => Ok(Text::File(path)),
            Source::Published(gav) => Err(gav),
        }
    }
}

/// A published version as the command line writes it: `group/asset/version`.
pub fn label(gav: &Gav) -> String {
    format!("{}/{}/{}", gav.group, gav.asset, gav.version)
}

/// A side that was read and analysed.
pub struct Loaded {
    /// The project as the engine saw it.
    pub input: Input,
    pub analysis: Analysis,
    /// How to show a project-relative file of this side to a person: a path as the root
    /// was given, or the coordinate for a published document.
    shown: Shown,
    size: u64,
}

enum Shown {
    Folder(PathBuf),
    Coordinate(String),
}

impl Loaded {
    /// A project-relative file of this side as a person knows it.
    pub fn shown(&self, file: &str) -> String {
        match &self.shown {
            Shown::Folder(folder) => folder.join(file).display().to_string(),
            Shown::Coordinate(label) => label.clone(),
        }
    }

    /// Hands the (possibly large) input and analysis to a helper thread to free.
    pub fn free(self) {
        let size = self.size;
        free_aside((self.input, self.analysis), size);
    }
}

/// What a side's text is before analysis: a path to read, or a downloaded document.
pub enum Text {
    File(PathBuf),
    Downloaded {
        label: String,
        name: String,
        text: String,
    },
}

/// Reads (a file side) and analyses one side.
pub fn load(text: Text, max_bytes: usize) -> Result<Loaded, String> {
    match text {
        Text::File(path) => {
            let Project {
                folder,
                input,
                analysis,
                size,
            } = read_project(&path, max_bytes, spec_engine::analyze_outline, None)?;
            Ok(Loaded {
                input,
                analysis,
                shown: Shown::Folder(folder),
                size,
            })
        }
        Text::Downloaded { label, name, text } => {
            let mut input = Input::single(&name, &text);
            input.limits.max_file_bytes = max_bytes;
            let size = text.len() as u64;
            drop(text);
            let analysis = spec_engine::analyze_outline(&input);
            Ok(Loaded {
                input,
                analysis,
                shown: Shown::Coordinate(label),
                size,
            })
        }
    }
}

/// Downloads a published version's document as it was published.
pub async fn download(remote: &Remote, gav: &Gav, max_bytes: usize) -> Result<Text, String> {
    let label = label(gav);
    let path = format!("/assets/{label}/spec");
    let response = remote
        .request(reqwest::Method::GET, &path)
        .send()
        .await
        .map_err(|e| format!("cannot reach {}: {e}", remote.base()))?;
    let status = response.status();
    if !status.is_success() {
        let detail = response
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|body| body.get("detail")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| "no details".to_owned());
        let hint = match status.as_u16() {
            401 | 403 => " (a token with the read scope goes in --token or PORTICO_TOKEN)",
            _ => "",
        };
        return Err(format!(
            "{} answered {status}: {detail}{hint}",
            remote.base()
        ));
    }
    let json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes as u64)
    {
        return Err(too_large(max_bytes));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("cannot download from {}: {e}", remote.base()))?;
    if bytes.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| "the published document is not UTF-8 text".to_owned())?;
    let extension = if json { "json" } else { "yaml" };
    Ok(Text::Downloaded {
        name: format!("{}-{}.{extension}", gav.asset, gav.version),
        label,
        text,
    })
}

fn too_large(max_bytes: usize) -> String {
    format!(
        "the published document is larger than {max_bytes} bytes (raise --max-document-bytes to compare it)"
    )
}
