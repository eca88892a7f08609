//! Static files under `/assets/`: the compiled stylesheet, govuk-frontend's script, our own
//! start-up script and images, read from one directory built by `scripts/assets`.
//!
//! Pages link to `/assets/v-<digest>/<file>`, where the digest covers every file in the
//! directory when the server started, so those responses can be cached for a year: a rebuilt
//! directory gets a new address. Plain `/assets/<file>` works too and is revalidated each time.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

/// Where the assets are found when `STEWARD_ASSETS` is not set: the directory `scripts/assets`
/// writes in this source tree.
pub const DEFAULT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dist");

/// The file every page needs; its absence means the assets were never built.
const STYLESHEET: &str = "steward.css";

const LONG_CACHE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The asset directory as found at start-up.
#[derive(Clone, Debug)]
pub struct Assets {
    /// The canonical directory, or none when it does not exist.
    dir: Option<PathBuf>,
    /// Address prefix for pages' links: `v-<digest>/`, or empty without a directory.
    prefix: String,
}

impl Assets {
    /// Looks for the directory named by `STEWARD_ASSETS`, else the built-in default, and warns
    /// once when it is missing or incomplete. Pages still work then, unstyled.
    pub fn from_env() -> Assets {
        let dir = std::env::var_os("STEWARD_ASSETS")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
        Assets::open(&dir)
    }

    pub fn open(dir: &FsPath) -> Assets {
        let canonical = dir.canonicalize().ok().filter(|d| d.is_dir());
        match &canonical {
            None => tracing::warn!(
                dir = %dir.display(),
                "asset directory not found; pages will be served without styles or scripts \
                 (run scripts/assets, or set STEWARD_ASSETS)"
            ),
            Some(d) if !d.join(STYLESHEET).is_file() => tracing::warn!(
                dir = %d.display(),
                "asset directory has no {STYLESHEET}; pages will be served without styles \
                 (run scripts/assets)"
            ),
            Some(_) => {}
        }
        let prefix = match canonical.as_deref().map(digest) {
            Some(Ok(d)) => format!("v-{d}/"),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "could not read the asset directory");
                String::new()
            }
            None => String::new(),
        };
        Assets {
            dir: canonical,
            prefix,
        }
    }

    /// The address a page uses for one asset.
    pub fn url(&self, name: &str) -> String {
        format!("/assets/{}{name}", self.prefix)
    }
}

/// A short digest of every file's relative path and contents, in a fixed order.
fn digest(root: &FsPath) -> std::io::Result<String> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(&file)?);
        hasher.update([0]);
    }
    Ok(hex::encode(&hasher.finalize()[..6]))
}

/// The content type for the kinds of file the directory holds; anything else is not served.
fn content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1;
    Some(match ext {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "map" | "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

/// Splits a request path into safe segments: letters, digits, `-`, `_` and `.`, never
/// starting with a dot, so `..`, hidden files, empty segments and encoded separators are all
/// refused.
fn segments(path: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = path.split('/').collect();
    let safe = |s: &&str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    (!parts.is_empty() && parts.len() <= 4 && parts.iter().all(safe)).then_some(parts)
}

/// Serves one file from the asset directory.
pub async fn serve(State(assets): State<Arc<Assets>>, Path(path): Path<String>) -> Response {
    let Some(mut parts) = segments(&path) else {
        return not_found();
    };
    // A versioned address: long caching only when it names the directory as it is now.
    let mut cache = REVALIDATE;
    if let Some(version) = parts.first().and_then(|p| p.strip_prefix("v-")) {
        if Some(version)
            == assets
                .prefix
                .strip_prefix("v-")
                .map(|p| p.trim_end_matches('/'))
        {
            cache = LONG_CACHE;
        }
        parts.remove(0);
    }
    let Some(name) = parts.last() else {
        return not_found();
    };
    let (Some(root), Some(kind)) = (assets.dir.as_ref(), content_type(name)) else {
        return not_found();
    };
    let wanted = parts.iter().fold(root.clone(), |p, s| p.join(s));
    // Symbolic links must not lead out of the directory either.
    let file = match tokio::fs::canonicalize(&wanted).await {
        Ok(f) if f.starts_with(root) => f,
        _ => return not_found(),
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(_) => not_found(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE))],
        "Not found",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_segments_pass() {
        assert_eq!(segments("steward.css"), Some(vec!["steward.css"]));
        assert_eq!(
            segments("v-abc/images/x.png"),
            Some(vec!["v-abc", "images", "x.png"])
        );
        for bad in [
            "",
            "../secret",
            "a/../../b",
            "..",
            ".env",
            "a//b",
            "a/",
            "/etc/passwd",
            "a\\b",
            "a%2fb",
            "a/b/c/d/e",
        ] {
            assert_eq!(segments(bad), None, "{bad}");
        }
    }

    #[test]
    fn unknown_kinds_are_not_served() {
        assert_eq!(content_type("steward.css"), Some("text/css; charset=utf-8"));
        assert_eq!(
            content_type("init.js"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(content_type("favicon.svg"), Some("image/svg+xml"));
        assert_eq!(content_type("notes.txt"), None);
        assert_eq!(content_type("Makefile"), None);
    }

    #[test]
    fn missing_directory_gives_plain_links() {
        let assets = Assets::open(FsPath::new("/nonexistent/steward-assets"));
        assert_eq!(assets.url("steward.css"), "/assets/steward.css");
    }

    #[test]
    fn digest_changes_with_contents() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(STYLESHEET), "a{}").unwrap();
        let first = Assets::open(dir.path());
        assert!(first.url("steward.css").starts_with("/assets/v-"));
        std::fs::write(dir.path().join(STYLESHEET), "b{}").unwrap();
        let second = Assets::open(dir.path());
        assert_ne!(first.url("steward.css"), second.url("steward.css"));
    }
}
