//! Reading a root document from disk together with the project files its relative
//! references name, as `lint` and `diff` need. References are read inside a base folder
//! (the root file's own, or one the caller names) and nowhere else; the network is never
//! reached.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use spec_engine::{Analysis, Input};

/// Most files one root document may pull in through references.
const MAX_PROJECT_FILES: usize = 20_000;

/// Files from this size on are freed on a helper thread.
const FREE_ASIDE_FROM_BYTES: u64 = 256 * 1024;

/// A root file read with the files it references, and the analysis that read them.
pub struct Project {
    /// The folder of the root file: project paths are relative to it.
    pub folder: PathBuf,
    /// The root file and the referenced files that exist in its folder.
    pub input: Input,
    /// The last analysis of `input`, which found no readable file missing.
    pub analysis: Analysis,
    /// The root file's size in bytes.
    pub size: u64,
}

/// Reads the root file at `path` and analyses it with `analyse`, reading the project
/// files the analysis finds missing (inside `base`, or the root file's folder without
/// one) and analysing again until nothing more can be added. A single file is analysed
/// once. A root file larger than `max_bytes` is not read: the analysis holds one error
/// saying so.
pub fn read_project(
    path: &Path,
    max_bytes: usize,
    analyse: fn(&Input) -> Analysis,
    base: Option<&Path>,
) -> Result<Project, String> {
    let limits = spec_engine::Limits {
        max_file_bytes: max_bytes,
        ..spec_engine::Limits::default()
    };
    let (folder, main) = match base {
        None => (
            path.parent().map(Path::to_path_buf).unwrap_or_default(),
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| "not a file".to_owned())?,
        ),
        Some(base) => {
            let file = path
                .canonicalize()
                .map_err(|e| format!("cannot read: {e}"))?;
            let base = base
                .canonicalize()
                .map_err(|e| format!("cannot read the folder {}: {e}", base.display()))?;
            let inside = file
                .strip_prefix(&base)
                .map_err(|_| format!("the file is not inside {}", base.display()))?;
            let main = inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (base, main)
        }
    };
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > max_bytes as u64 {
        let mut input = Input::project(BTreeMap::new(), &main);
        input.limits = limits;
        return Ok(Project {
            analysis: oversize(&main, size, max_bytes),
            folder,
            input,
            size,
        });
    }
    let text = read_text(path)?;
    let mut input = Input::project(BTreeMap::from([(main.clone(), text)]), &main);
    input.limits = limits;
    loop {
        let analysis = analyse(&input);
        let missing = analysis
            .documents
            .as_ref()
            .map(|d| d.missing.as_slice())
            .unwrap_or_default();
        let mut added = false;
        for relative in missing {
            if input.files.len() >= MAX_PROJECT_FILES || input.files.contains_key(relative) {
                continue;
            }
            // A published asset (`portico:…`) lives on a server, not in the folder: its
            // references stay unresolved here, and the server resolves them at publish.
            if spec_engine::dependency::is_dependency(relative) {
                continue;
            }
            // Paths come normalised from the engine; refuse anything that is not plain.
            let plain = Path::new(relative)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
            if !plain {
                continue;
            }
            let file = folder.join(relative);
            // Oversize project files are left out; the engine reports the reference.
            let small = std::fs::metadata(&file).is_ok_and(|m| m.len() <= max_bytes as u64);
            if small && let Ok(content) = read_text(&file) {
                input.files.insert(relative.clone(), content);
                added = true;
            }
        }
        if !added {
            return Ok(Project {
                folder,
                input,
                analysis,
                size,
            });
        }
    }
}

/// Reads a file that must be UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); save the document as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Freeing the parsed tree of a multi-megabyte document takes milliseconds; for a large
/// file a helper thread does it while the command goes on (or the process exits).
pub fn free_aside<T: Send + 'static>(value: T, bytes: u64) {
    if bytes >= FREE_ASIDE_FROM_BYTES {
        std::thread::spawn(move || drop(value));
    }
}

/// The verdict on a file too large to read.
fn oversize(main: &str, size: u64, max_bytes: usize) -> Analysis {
    let message = format!(
        "The file is {size} bytes; at most {max_bytes} are accepted (raise --max-document-bytes to read it)."
    );
    Analysis {
        kind: None,
        version: None,
        format: None,
        diagnostics: vec![spec_engine::Diagnostic::error(main, "", message).at(1, 1)],
        model: None,
        documents: None,
    }
}
