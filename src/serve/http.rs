//! The dev server's HTTP side: files of the current snapshot, looked up by
//! key (never by joining file-system paths), the reload event stream, and
//! the client script injected into HTML responses only. Until a first build
//! succeeds, every page is the list of its errors, with the script.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::{Snapshot, State};
use crate::diag::Diagnostic;
use crate::html::escape;

const LIVE_JS: &str = include_str!("live.js");
/// Where the server's own endpoints live, apart from the site's pages.
const SERVER_PATHS: &str = "/__faultbook/";
pub const EVENTS_PATH: &str = "/__faultbook/events";
pub const LIVE_PATH: &str = "/__faultbook/live.js";

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(LIVE_PATH, get(live_js))
        .fallback(file)
        .with_state(state)
}

/// Refuses requests whose Host is not the address served (DNS rebinding).
fn host_ok(state: &State, headers: &HeaderMap) -> bool {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| state.hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
}

fn refuse(why: &'static str) -> Response {
    (StatusCode::FORBIDDEN, why).into_response()
}

async fn live_js(AxState(state): AxState<Arc<State>>, headers: HeaderMap) -> Response {
    if !host_ok(&state, &headers) {
        return refuse("unknown host");
    }
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
        .into_response()
}

async fn events(AxState(state): AxState<Arc<State>>, headers: HeaderMap) -> Response {
    if !host_ok(&state, &headers) {
        return refuse("unknown host");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        if !state.origins.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
            return refuse("reload connections from other origins are refused");
        }
    }
    // The first event says where the site stands: good, or its errors.
    let errors = state
        .errors
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let first = if errors.is_empty() {
        "ok".to_string()
    } else {
        format!("errors:{}", crate::diag::to_json(&errors, false))
    };
    let rx = state.events.subscribe();
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<SseEvent, Infallible>> + Send>> =
        Box::pin(
            tokio_stream::once(first)
                .chain(BroadcastStream::new(rx).filter_map(|m| m.ok()))
                .map(|m| Ok(SseEvent::default().data(m))),
        );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The media type of a site file, by its extension, as static hosts send
/// it: a module, a font or a manifest the browser gets as
/// application/octet-stream is refused or ignored.
fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// The snapshot key for a request path, or `None` when it cannot name a file.
pub fn key_for(path: &str) -> Option<String> {
    let decoded = crate::urls::percent_decode(path);
    let rel = decoded.strip_prefix('/')?;
    if rel.split('/').any(|s| s == ".." || s == ".") || rel.contains('\\') || rel.contains('\0') {
        return None;
    }
    Some(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    })
}

/// Adds the reload client to an HTML page, before its last `</body>`
/// (at the end when there is none). The page's bytes are copied once,
/// as they are: a listing of every page is megabytes, fetched again on
/// every reload.
fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_PATH}\" defer></script>");
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

async fn file(AxState(state): AxState<Arc<State>>, req: Request) -> Response {
    if !host_ok(&state, req.headers()) {
        return refuse("unknown host");
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return not_allowed();
    }
    let snapshot = state
        .snapshot
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    match snapshot {
        Some(snapshot) => site_file(&snapshot, req.uri().path(), req.uri().query()),
        // The server's own paths are not pages.
        None if req.uri().path().starts_with(SERVER_PATHS) => {
            (StatusCode::NOT_FOUND, "not found").into_response()
        }
        None => {
            let errors = state
                .errors
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            unbuilt(&errors)
        }
    }
}

/// The site is read-only: files are fetched, never posted to.
fn not_allowed() -> Response {
    let mut r = (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    r
}

/// A file of the snapshot, the site's 404 page, or a redirect to a folder.
fn site_file(snapshot: &Snapshot, path: &str, query: Option<&str>) -> Response {
    let found = key_for(path).and_then(|k| snapshot.files.get(&k).map(|b| (k, b.clone())));
    let (status, key, bytes) = match found {
        Some((k, b)) => (StatusCode::OK, k, b),
        None => {
            // A folder asked for without its slash: redirect to it.
            if let Some(k) = key_for(&format!("{path}/")) {
                if snapshot.files.contains_key(&k) {
                    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
                    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
                    if let Ok(v) = HeaderValue::from_str(&format!("{path}/{query}")) {
                        r.headers_mut().insert(header::LOCATION, v);
                    }
                    return r;
                }
            }
            match snapshot.files.get("404.html") {
                Some(b) => (StatusCode::NOT_FOUND, "404.html".to_string(), b.clone()),
                None => return (StatusCode::NOT_FOUND, "not found").into_response(),
            }
        }
    };
    let ctype = content_type(&key);
    let body = if ctype.starts_with("text/html") {
        Body::from(inject(&bytes.bytes()))
    } else if let Some(shared) = bytes.as_shared() {
        // A large file, or the search index's: shared with the snapshot.
        Body::from(axum::body::Bytes::from_owner(shared.clone()))
    } else {
        Body::from(bytes.unpack())
    };
    respond(status, ctype, body)
}

fn respond(status: StatusCode, ctype: &str, body: Body) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, ctype)
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// What every page is while the site has never built (the first build
/// failed, or there is no site.toml yet): its errors, and the reload
/// client, which shows them in the overlay and reloads into the site once a
/// build succeeds. A bare "not found" would leave the tab stranded.
fn unbuilt(errors: &[Diagnostic]) -> Response {
    let page = unbuilt_page(errors);
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/html; charset=utf-8",
        Body::from(inject(page.as_bytes())),
    )
}

fn unbuilt_page(errors: &[Diagnostic]) -> String {
    let items: String = errors
        .iter()
        .map(|d| format!("<li>{}</li>", escape(&d.to_string())))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\" data-faultbook-unbuilt><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>faultbook: the site does not build yet</title></head>\n<body>\
         <h1>The site does not build yet</h1>\
         <p>Fix the errors below; this page turns into the site when the build succeeds.</p>\
         <ol>{items}</ol></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_escape() {
        assert_eq!(key_for("/").as_deref(), Some("index.html"));
        assert_eq!(
            key_for("/errors/http/429/").as_deref(),
            Some("errors/http/429/index.html")
        );
        assert_eq!(key_for("/assets/a.css").as_deref(), Some("assets/a.css"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2E%2E/x",
            "/a\\..\\b",
            "/./x",
            "/%00",
        ] {
            assert_eq!(key_for(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types_by_extension() {
        for (path, want) in [
            ("index.html", "text/html; charset=utf-8"),
            ("app.mjs", "text/javascript; charset=utf-8"),
            ("a/mod.wasm", "application/wasm"),
            ("f.woff", "font/woff"),
            ("site.webmanifest", "application/manifest+json"),
            ("LOUD.PNG", "image/png"),
            ("v1.html/readme", "application/octet-stream"),
            ("noext", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), want, "{path}");
        }
    }

    #[test]
    fn injects_before_body_end() {
        assert_eq!(
            String::from_utf8(inject(b"<html><body>x</body></html>")).unwrap(),
            "<html><body>x<script src=\"/__faultbook/live.js\" defer></script></body></html>"
        );
        // The last </body>; at the end when there is none; other bytes as
        // they are, also when they are not UTF-8 (a static page in Latin-1).
        let tag = b"<script src=\"/__faultbook/live.js\" defer></script>";
        assert_eq!(
            inject(b"<pre></body></pre></body>"),
            [&b"<pre></body></pre>"[..], tag, b"</body>"].concat()
        );
        assert_eq!(inject(b"caf\xe9"), [&b"caf\xe9"[..], tag].concat());
    }

    #[test]
    fn the_unbuilt_page_escapes_errors() {
        let d = crate::diag::Rule::FrontMatter
            .error("content/<a>.md", Some(3), "unknown key \"<b>\"")
            .at_column(Some(1));
        let page = unbuilt_page(&[d]);
        assert!(
            page.contains(
                "<li>error: content/&lt;a&gt;.md:3:1: unknown key &quot;&lt;b&gt;&quot;</li>"
            ),
            "{page}"
        );
    }
}
