//! The HTTP side of `bantin serve`: files from the in-memory site (never from disk), a
//! Server-Sent Events stream of the build state, and the small live-reload script injected
//! into HTML responses. Request paths are percent-decoded segment by segment; any `.` or `..`
//! segment, encoded or not, and any encoded `/` or `\` is a 404.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::Stream;
use serde::Serialize;
use tokio::sync::watch;

use crate::diagnostics::Diagnostics;

/// Where the event stream is served.
pub const EVENTS: &str = "/__bantin/events";
/// The build state as JSON (the same as each event's data).
pub const STATUS: &str = "/__bantin/status";

const LIVE_JS: &str = include_str!("live.js");

/// One problem, as the page's overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorView {
    /// `file:line:column`
    pub location: String,
    pub message: String,
    pub help: Option<String>,
}

/// Pages changed by one update of the served files.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Batch {
    pub generation: u64,
    /// Their addresses (`/bai-viet/x/`); `None`: any page may have changed.
    pub pages: Option<Vec<String>>,
}

/// How many updates the state remembers for pages that are behind.
const HISTORY: usize = 16;

/// The state of the build that open pages follow.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Status {
    /// Goes up with every update of the served files; a page knows the one it was served at.
    pub generation: u64,
    /// The problems of the last rebuild, when it failed (the last good site is served).
    pub errors: Vec<ErrorView>,
    /// A rebuild is under way.
    pub building: bool,
    /// The last updates, oldest first: a page reloads when one after its own changed it
    /// (or when it is older than all of them).
    pub recent: Vec<Batch>,
}

impl Status {
    /// Record an update of the served files.
    pub fn updated(&mut self, pages: Option<Vec<String>>) {
        self.generation += 1;
        self.errors.clear();
        if self.recent.len() >= HISTORY {
            self.recent.remove(0);
        }
        self.recent.push(Batch {
            generation: self.generation,
            pages,
        });
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// The problems of a failed build, for the overlay.
pub fn error_views(d: &Diagnostics) -> Vec<ErrorView> {
    d.iter()
        .map(|e| ErrorView {
            location: e.location(),
            message: e.message.clone(),
            help: e.help.clone(),
        })
        .collect()
}

/// What the server and the rebuilding thread share.
pub struct Shared {
    /// Output files by site path (`bai-viet/x/index.html`).
    pub files: RwLock<HashMap<String, Bytes>>,
    pub status: watch::Sender<Status>,
}

impl Shared {
    pub fn new() -> Arc<Shared> {
        Arc::new(Shared {
            files: RwLock::new(HashMap::new()),
            status: watch::Sender::new(Status::default()),
        })
    }
}

/// The application: events, status, and every other path from the site.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS, get(events))
        .route(STATUS, get(status))
        .fallback(file)
        .with_state(shared)
}

async fn events(
    State(s): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = s.status.subscribe();
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let data = rx.borrow_and_update().json();
        Some((Ok(Event::default().event("state").data(data)), (rx, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn status(State(s): State<Arc<Shared>>) -> Response {
    let body = s.status.borrow().json();
    let mut r = body.into_response();
    set(&mut r, header::CONTENT_TYPE, "application/json");
    set(&mut r, header::CACHE_CONTROL, "no-store");
    r
}

fn set(r: &mut Response, name: header::HeaderName, value: &'static str) {
    r.headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

/// The site path a request path names, or `None` when it must not be served: a `.` or `..`
/// segment (raw or percent-encoded), an encoded `/` or `\`, a NUL, or text that is not UTF-8.
/// A path ending in `/` names its `index.html`.
pub fn site_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix('/')?;
    let mut parts: Vec<String> = Vec::new();
    for seg in rest.split('/') {
        if seg.contains('\\') {
            return None;
        }
        let decoded = percent_encoding::percent_decode_str(seg)
            .decode_utf8()
            .ok()?
            .into_owned();
        if decoded == "." || decoded == ".." || decoded.contains(['/', '\\', '\0']) {
            return None;
        }
        if !decoded.is_empty() {
            parts.push(decoded);
        }
    }
    let mut p = parts.join("/");
    if rest.is_empty() || rest.ends_with('/') {
        if !p.is_empty() {
            p.push('/');
        }
        p.push_str("index.html");
    }
    Some(p)
}

fn content_type(p: &str) -> &'static str {
    let ext = p.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// An HTML page with the live-reload script before its `</body>`; a page served for a
/// missing address (`missing`) reloads on any update.
pub fn inject(html: &[u8], generation: u64, missing: bool) -> Vec<u8> {
    let script = format!(
        "<script>window.__bantinGeneration={generation};window.__bantinMissing={missing};{LIVE_JS}</script>\n"
    );
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

const BARE_404: &str = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>404</title></head><body><h1>404</h1><p>Not found.</p></body></html>\n";

async fn file(State(s): State<Arc<Shared>>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
    }
    let raw = req.uri().path();
    let generation = s.status.borrow().generation;
    let found = site_path(raw).and_then(|p| {
        let files = s.files.read().ok()?;
        if let Some(b) = files.get(&p) {
            return Some(Ok((p, b.clone())));
        }
        // `x` for the page `x/`: redirect so that relative links resolve.
        let dir = format!("{p}/index.html");
        (!p.ends_with("index.html") && files.contains_key(&dir)).then(|| Err(format!("{raw}/")))
    });
    let (status, p, body) = match found {
        Some(Ok((p, b))) => (StatusCode::OK, p, b),
        Some(Err(location)) => {
            let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        None => {
            let page = s
                .files
                .read()
                .ok()
                .and_then(|f| f.get("404.html").cloned())
                .unwrap_or_else(|| Bytes::from_static(BARE_404.as_bytes()));
            (StatusCode::NOT_FOUND, "404.html".to_string(), page)
        }
    };
    let ctype = content_type(&p);
    let body = if ctype.starts_with("text/html") {
        Body::from(inject(&body, generation, status == StatusCode::NOT_FOUND))
    } else {
        Body::from(body)
    };
    let mut r = (status, body).into_response();
    set(&mut r, header::CONTENT_TYPE, ctype);
    set(&mut r, header::CACHE_CONTROL, "no-cache");
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/bai-viet/x/").as_deref(),
            Some("bai-viet/x/index.html")
        );
        assert_eq!(
            site_path("/static/style.css").as_deref(),
            Some("static/style.css")
        );
        assert_eq!(
            site_path("/chu-de/n%C3%B4ng/").as_deref(),
            Some("chu-de/nông/index.html")
        );
        for bad in [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/bai-viet/%2e%2e/%2e%2e/site.toml",
            "/a/./b",
            "/a/%2e/b",
            "/a%2f..%2fb",
            "/..%5csite.toml",
            "/a\\..\\b",
            "/%00",
            "/%ff",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn injects_before_body_end() {
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></body></html>", 3, false)).unwrap();
        assert!(out.contains("__bantinGeneration=3"));
        assert!(out.ends_with("</script>\n</body></html>"));
        let out = String::from_utf8(inject(b"<p>x</p>", 1, true)).unwrap();
        assert!(out.starts_with("<p>x</p><script>"));
    }
}
