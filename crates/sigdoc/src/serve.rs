//! `sigdoc watch --serve`: the site's folder served on 127.0.0.1, with live reload.
//!
//! The pages on disk hold no script. What the server sends adds two things to each
//! page: the problems of the last invalid edit, as a banner above the last good
//! content, and a small script that asks for the site's version every few hundred
//! milliseconds and reloads when it changes. Without script the page still reads; it
//! only does not reload by itself.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tiny_http::{Header, Response, Server};

use crate::error::Error;

/// What the watch tells the server: a new version of the site, or its problems.
#[derive(Debug, Default)]
pub struct Live {
    version: AtomicU64,
    problems: Mutex<Option<String>>,
}

impl Live {
    /// The site changed on disk: open pages reload.
    pub fn changed(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// The documents have problems (`Some`, shown on every page) or none any more.
    pub fn set_problems(&self, problems: Option<String>) {
        let mut current = self.problems.lock().unwrap_or_else(|p| p.into_inner());
        if *current != problems {
            *current = problems;
            self.changed();
        }
    }

    fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    fn problems(&self) -> Option<String> {
        self.problems.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The path the pages poll for the site's version.
const VERSION_PATH: &str = "/.sigdoc/version";

/// Reloads the page when the site's version changes; the page reads without it.
const RELOAD_SCRIPT: &str = "<script>(function(){var seen=null;setInterval(function(){fetch('/.sigdoc/version',{cache:'no-store'}).then(function(r){return r.text()}).then(function(v){if(seen===null){seen=v}else if(v!==seen){location.reload()}}).catch(function(){})},250)})();</script>";

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
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let (status, kind, body) = answer(&folder, request.url(), &live);
            let mut response = Response::from_data(body).with_status_code(status);
            for (name, value) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
                if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                    response.add_header(header);
                }
            }
            let _ = request.respond(response);
        }
    });
    Ok(Serving { addr })
}

/// The status, content type and body answering `url`.
fn answer(folder: &Path, url: &str, live: &Live) -> (u16, &'static str, Vec<u8>) {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == VERSION_PATH {
        return (200, "text/plain; charset=utf-8", live.version().to_string().into_bytes());
    }
    let relative = if path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
    let Some(file) = inside(folder, &relative) else {
        return (404, "text/plain; charset=utf-8", b"not found".to_vec());
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return (404, "text/plain; charset=utf-8", b"not found".to_vec());
    };
    let kind = content_type(&file);
    if kind.starts_with("text/html") {
        return (200, kind, live_page(&String::from_utf8_lossy(&bytes), live.problems().as_deref()).into_bytes());
    }
    (200, kind, bytes)
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

/// A page as served: the problems after `<body>` (escaped), the reload script before
/// `</body>`.
fn live_page(page: &str, problems: Option<&str>) -> String {
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
            out.push_str(RELOAD_SCRIPT);
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
        let served = live_page(page, Some("threats/a.yaml:1: error: <bad>"));
        assert!(served.starts_with("<html><body class=\"draft\"><div class=\"sigdoc-problems\""));
        assert!(served.contains("error: &lt;bad&gt;</div><main>x</main><script>"));
        assert!(served.ends_with("</script></body></html>"));
        assert_eq!(live_page(page, None).matches("<script>").count(), 1);
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
        assert!(get("/../Cargo.toml").starts_with("HTTP/1.0 404") || get("/../Cargo.toml").contains(" 404 "));
    }
}
