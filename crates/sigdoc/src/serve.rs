//! `sigdoc watch --serve`: the site's folder served on 127.0.0.1, with live reload.
//!
//! The pages on disk hold no script. What the server sends adds two things to each
//! page: the problems of the last invalid edit, as a banner above the last good
//! content, and a small script that asks the server to answer once the site's version
//! differs from the one the page was sent at (a long poll), and then reloads. Without
//! script the page still reads; it only does not reload by itself.

use std::collections::HashMap;
use std::io::Cursor;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tiny_http::{Header, Request, Response, Server};

use crate::error::Error;

/// What the watch tells the server: a new version of the site, or its problems.
#[derive(Debug, Default)]
pub struct Live {
    state: Mutex<LiveState>,
    /// Woken on every new version, for the requests waiting for one.
    changes: Condvar,
    /// Pages as last sent, by file, with the version they were read at.
    sent: Mutex<HashMap<PathBuf, SentPage>>,
}

/// A page as sent, with the version it was read at.
type SentPage = (u64, Arc<[u8]>);

#[derive(Debug, Default)]
struct LiveState {
    version: u64,
    problems: Option<String>,
}

impl Live {
    /// The site changed on disk: open pages reload.
    pub fn changed(&self) {
        self.lock().version += 1;
        self.changes.notify_all();
    }

    /// The documents have problems (`Some`, shown on every page) or none any more.
    pub fn set_problems(&self, problems: Option<String>) {
        let mut state = self.lock();
        if state.problems != problems {
            state.problems = problems;
            state.version += 1;
            self.changes.notify_all();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn version(&self) -> u64 {
        self.lock().version
    }

    /// The version once it differs from `seen`, or the same after `timeout`.
    fn version_after(&self, seen: u64, timeout: Duration) -> u64 {
        let state = self.lock();
        let (state, _) =
            self.changes.wait_timeout_while(state, timeout, |s| s.version == seen).unwrap_or_else(|p| p.into_inner());
        state.version
    }

    /// The page `file` as sent at the current version: read, given its problems and
    /// script once per version, however often it is asked for.
    fn page(&self, file: &Path) -> Option<Arc<[u8]>> {
        // The version before the file: a page is never kept under a newer version than
        // the file it was read from.
        let (version, problems) = {
            let state = self.lock();
            (state.version, state.problems.clone())
        };
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, bytes)) = sent.get(file)
            && *at == version
        {
            return Some(bytes.clone());
        }
        let bytes = std::fs::read(file).ok()?;
        let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let page: Arc<[u8]> = live_page(&text, problems.as_deref(), version).into_bytes().into();
        sent.insert(file.to_owned(), (version, page.clone()));
        Some(page)
    }
}

/// The path the pages ask for the site's version: at once, or with `?since=V` once it
/// differs from V (or after [`LONG_POLL`], when it answers V).
const VERSION_PATH: &str = "/.sigdoc/version";

/// How long a request for a new version waits before answering the old one.
const LONG_POLL: Duration = Duration::from_secs(25);

/// How many requests may wait for a new version at once; more are answered at once.
const MAX_WAITING: usize = 32;

/// Reloads the page once the site's version differs from the one it was sent at; the
/// page reads without it. A failed request is retried after a second.
const RELOAD_SCRIPT: &str = "<script>(function(){var seen='VERSION';function poll(){fetch('/.sigdoc/version?since='+seen,{cache:'no-store'}).then(function(r){return r.text()}).then(function(v){if(v!==seen){location.reload()}else{poll()}}).catch(function(){setTimeout(poll,1000)})}poll()})();</script>";

/// A server running on its own thread until the process ends.
pub struct Serving {
    /// Where it answers.
    pub addr: SocketAddr,
}

/// Serves `folder` on 127.0.0.1:`port` (0: a free port) from a thread of its own.
pub fn serve(folder: PathBuf, port: u16, live: Arc<Live>) -> Result<Serving, Error> {
    let server = Server::http((Ipv4Addr::LOCALHOST, port)).map_err(|e| Error::Io {
        what: format!("cannot serve on 127.0.0.1:{port}"),
        source: std::io::Error::other(e.to_string()),
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::Io { what: "cannot serve".into(), source: std::io::Error::other("not an IP address") })?;
    let waiting = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            // A request for a new version waits on a thread of its own, so that pages
            // keep being served meanwhile; past the limit it is answered at once.
            if let Some(seen) = since(request.url()) {
                if waiting.fetch_add(1, Ordering::SeqCst) < MAX_WAITING {
                    let (live, waiting) = (live.clone(), waiting.clone());
                    std::thread::spawn(move || {
                        let version = live.version_after(seen, LONG_POLL);
                        respond(request, 200, "text/plain; charset=utf-8", version.to_string().into_bytes().into());
                        waiting.fetch_sub(1, Ordering::SeqCst);
                    });
                    continue;
                }
                waiting.fetch_sub(1, Ordering::SeqCst);
            }
            let (status, kind, body) = answer(&folder, request.url(), &live);
            respond(request, status, kind, body);
        }
    });
    Ok(Serving { addr })
}

/// The version a request for a new one has seen (`/.sigdoc/version?since=V`).
fn since(url: &str) -> Option<u64> {
    url.strip_prefix(VERSION_PATH)?.strip_prefix("?since=")?.parse().ok()
}

fn respond(request: Request, status: u16, kind: &str, body: Arc<[u8]>) {
    let length = body.len();
    let mut response = Response::new(status.into(), Vec::new(), Cursor::new(body), Some(length), None);
    for (name, value) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
        if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    let _ = request.respond(response);
}

/// The status, content type and body answering `url`.
fn answer(folder: &Path, url: &str, live: &Live) -> (u16, &'static str, Arc<[u8]>) {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let not_found = || (404, "text/plain; charset=utf-8", Arc::from(b"not found".as_slice()));
    if path == VERSION_PATH {
        return (200, "text/plain; charset=utf-8", live.version().to_string().into_bytes().into());
    }
    let relative = if path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
    let Some(file) = inside(folder, &relative) else { return not_found() };
    let kind = content_type(&file);
    let body = if kind.starts_with("text/html") { live.page(&file) } else { std::fs::read(&file).ok().map(Arc::from) };
    match body {
        Some(body) => (200, kind, body),
        None => not_found(),
    }
}

/// The file a request path names inside `folder`: plain names only (letters, digits,
/// `-`, `_`, `.`, none starting with a dot), so that no request leaves the folder.
fn inside(folder: &Path, path: &str) -> Option<PathBuf> {
    let mut file = folder.to_owned();
    for part in path.strip_prefix('/')?.split('/') {
        let plain = !part.is_empty()
            && !part.starts_with('.')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !plain {
            return None;
        }
        file.push(part);
    }
    Some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("txt") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A page as served: the problems after `<body>` (escaped), the reload script, which
/// knows the site's `version`, before `</body>`.
fn live_page(page: &str, problems: Option<&str>, version: u64) -> String {
    let mut out = String::with_capacity(page.len() + 1024);
    let (head, rest) = match page.find("<body") {
        Some(i) => page.split_at(page[i..].find('>').map_or(page.len(), |j| i + j + 1)),
        None => ("", page),
    };
    out.push_str(head);
    if let Some(problems) = problems {
        out.push_str("<div class=\"sigdoc-problems\" role=\"alert\">The documents have problems; this page shows the last good build.\n");
        html_escape::encode_text_to_string(problems, &mut out);
        out.push_str("</div>");
    }
    match rest.rfind("</body>") {
        Some(i) => {
            out.push_str(&rest[..i]);
            out.push_str(&RELOAD_SCRIPT.replace("VERSION", &version.to_string()));
            out.push_str(&rest[i..]);
        }
        None => out.push_str(rest),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_stay_in_the_folder() {
        let folder = Path::new("/site");
        assert_eq!(inside(folder, "/analysis.html"), Some(PathBuf::from("/site/analysis.html")));
        assert_eq!(inside(folder, "/fonts/Inconsolata.otf"), Some(PathBuf::from("/site/fonts/Inconsolata.otf")));
        for hostile in ["/../etc/passwd", "/%2e%2e/x", "/.sigdoc-tmp-1", "//etc", "/a\\b", "/fonts/../../x"] {
            assert_eq!(inside(folder, hostile), None, "{hostile}");
        }
    }

    #[test]
    fn pages_get_problems_and_the_reload_script() {
        let page = "<html><body class=\"draft\"><main>x</main></body></html>";
        let served = live_page(page, Some("threats/a.yaml:1: error: <bad>"), 7);
        assert!(served.starts_with("<html><body class=\"draft\"><div class=\"sigdoc-problems\""));
        assert!(served.contains("error: &lt;bad&gt;</div><main>x</main><script>"));
        assert!(served.ends_with("</script></body></html>"));
        assert_eq!(live_page(page, None, 7).matches("<script>").count(), 1);
        assert!(served.contains("var seen='7'"), "the page knows the version it was sent at");
    }

    #[test]
    fn the_server_answers_pages_and_versions() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("index.html"), "<html><body>hi</body></html>").expect("write");
        let live = Arc::new(Live::default());
        let serving = serve(dir.path().to_owned(), 0, live.clone()).expect("serve");
        let get = |path: &str| {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(serving.addr).expect("connect");
            let _ = write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut text = String::new();
            let _ = stream.read_to_string(&mut text);
            text
        };
        assert!(get("/").contains("hi<script>"));
        assert!(get(VERSION_PATH).ends_with("\r\n\r\n0"));
        live.changed();
        assert!(get(VERSION_PATH).ends_with("\r\n\r\n1"));
        // A page that has seen an older version hears of the new one at once; one that
        // has seen the current one waits for the next.
        assert!(get("/.sigdoc/version?since=0").ends_with("\r\n\r\n1"));
        let later = {
            let live = live.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                live.changed();
            })
        };
        let asked = std::time::Instant::now();
        assert!(get("/.sigdoc/version?since=1").ends_with("\r\n\r\n2"));
        assert!(asked.elapsed() >= Duration::from_millis(150), "it waited for the change");
        let _ = later.join();
        // Pages are sent for the current version: a change on disk shows after the next one.
        std::fs::write(dir.path().join("index.html"), "<html><body>bye</body></html>").expect("write");
        live.changed();
        assert!(get("/").contains("bye<script>"));
        assert!(get("/../Cargo.toml").starts_with("HTTP/1.0 404") || get("/../Cargo.toml").contains(" 404 "));
    }
}
