//! Watching: rebuilds the PDFs of the working tree on every save, incrementally.
//!
//! One Typst world per document lives as long as the watch: each rebuild swaps its
//! files (Typst re-parses only what changed) and comemo reuses the layout of unchanged
//! parts. A document is rebuilt only when its inputs changed:
//!
//! | document | files read | also |
//! |---|---|---|
//! | process | `process.md`, `sig.yaml`, `references.yaml` | its history |
//! | template | `template.yaml`, `process.md` (scales), `sig.yaml`, `references.yaml` | its history |
//! | analysis | every file of the documents folder | its history |
//!
//! and then only if the data its template renders differs from the last build's (a
//! save that changes nothing visible compiles nothing).
//!
//! With `--serve`, the web pages of the changed documents are written first, from the
//! same threat cache (only an edited threat's section is built anew), and the server
//! is told, so that the open page reloads before the PDFs are typeset.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};
use rayon::prelude::*;
use sigdoc_model::{DocKind, History, LoadCache, Snapshot};
use sigdoc_render::{Passes, RenderOptions, Settled, SigWorld, compile, document_world, render_data, world_files};

use crate::error::Error;
use crate::output::OutputDir;
use crate::serve::Live;
use crate::site::{self, SiteCache};
use crate::workspace::{Settings, Workspace};

/// Where the watch writes the site, and what it last wrote there.
#[derive(Default)]
struct SiteState {
    /// Fingerprint of each document's inputs when its page was last written.
    inputs: [Option<u64>; 3],
    /// Whether the assets and the front page are on disk.
    started: bool,
}

/// What a watch tells whoever runs it: a front end prints it, a test records it.
pub trait Observer {
    /// The watch has started on `documents`.
    fn started(&mut self, documents: &Path);
    /// The documents' problems, when a rebuild found any (errors stop it; warnings not).
    fn problems(&mut self, ws: &Workspace);
    /// A rebuild failed, or a document could not be built or written: why.
    fn failed(&mut self, error: &Error);
    /// The documents failed before and are fine now, and the PDFs are up to date.
    fn recovered(&mut self);
    /// A PDF was rebuilt and written `elapsed` after the save was noticed.
    fn rebuilt(&mut self, path: &Path, elapsed: Duration, pages: usize);
    /// A web page was written `elapsed` after the save was noticed (`--serve`).
    fn page_written(&mut self, _path: &Path, _elapsed: Duration) {}
    /// Several PDFs were rebuilt in one cycle that took `elapsed`.
    fn rebuilt_all(&mut self, elapsed: Duration);
    /// Another sigdoc holds the output folder; the watch waits for it.
    fn waiting(&mut self, folder: &Path);
    /// The file watcher reported a problem; the watch goes on.
    fn watcher_failed(&mut self, message: &str);
}

/// Where and how to watch.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The repository, documents folder, directory and environment to read with.
    pub settings: Settings,
    /// Where the PDFs go, relative to the settings' directory.
    pub output: PathBuf,
    /// How long the documents must stay quiet after a save before a rebuild starts,
    /// so that a burst of saves (an editor's temporary file and rename, a checkout)
    /// costs one rebuild.
    pub debounce: Duration,
    /// Whether to write the PDFs.
    pub pdf: bool,
    /// Where to tell of new web pages and problems, when the site is written and served.
    pub live: Option<Arc<Live>>,
}

/// What one rebuild cycle did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cycle {
    /// Documents compiled and written.
    pub written: Vec<DocKind>,
    /// Whether the documents had errors or a document failed to compile: nothing
    /// changed on disk for them.
    pub failed: bool,
}

/// The state of one document between rebuilds.
struct DocState {
    doc: DocKind,
    world: Option<SigWorld>,
    /// Fingerprint of the inputs of the last successful build.
    inputs: Option<u64>,
    /// Fingerprint of the data of the last successful build.
    data: Option<u64>,
    /// Where the last compile's layout settled: the next compile starts there.
    settled: Settled,
}

/// A watch session: the worlds kept alive and what each PDF was last built from.
pub struct Session {
    options: WatchOptions,
    docs: Vec<DocState>,
    /// Threat views and page parts of the last build: an edit rebuilds only its own threat's.
    cache: SiteCache,
    /// Threat files as last read: a save re-reads only the files it changed.
    load_cache: Arc<LoadCache>,
    failing: bool,
    site: SiteState,
}

fn fingerprint(doc: DocKind, snapshot: &Snapshot, history: &History, timestamp: i64) -> u64 {
    let mut h = DefaultHasher::new();
    for (path, bytes) in snapshot.files.iter().filter(|(p, _)| doc.is_input(p)) {
        path.hash(&mut h);
        bytes.hash(&mut h);
    }
    format!("{history:?}").hash(&mut h);
    timestamp.hash(&mut h);
    h.finish()
}

impl Session {
    /// A session that has built nothing yet.
    pub fn new(options: WatchOptions) -> Session {
        let docs = DocKind::ALL
            .iter()
            .map(|&doc| DocState { doc, world: None, inputs: None, data: None, settled: Settled::default() })
            .collect();
        Session {
            options,
            docs,
            cache: SiteCache::default(),
            load_cache: Arc::default(),
            failing: false,
            site: SiteState::default(),
        }
    }

    /// Reads the working tree and rebuilds the documents whose inputs changed since the
    /// last successful build. Problems go to the observer, never returned: a watch goes on.
    pub fn rebuild(&mut self, observer: &mut dyn Observer) -> Cycle {
        let started = Instant::now();
        let ws = match Workspace::open(&self.options.settings, None) {
            Ok(ws) => ws.with_load_cache(self.load_cache.clone()),
            Err(e) => return self.fail(observer, &e),
        };
        if ws.loaded().has_errors() {
            observer.problems(&ws);
            if let Some(live) = &self.options.live {
                let problems: Vec<String> = ws.loaded().diagnostics.iter().map(ToString::to_string).collect();
                live.set_problems(Some(problems.join("\n")));
            }
            return self.fail(observer, &Error::InvalidDocuments);
        }
        let histories = match ws.histories(&DocKind::ALL) {
            Ok(h) => h,
            Err(e) => return self.fail(observer, &e),
        };
        let timestamp = ws.timestamp();
        let inputs: Vec<u64> =
            DocKind::ALL.iter().zip(&histories).map(|(d, h)| fingerprint(*d, &ws.snapshot, h, timestamp)).collect();
        let pdf_pending = self.options.pdf && self.docs.iter().zip(&inputs).any(|(s, i)| s.inputs != Some(*i));
        let pages_pending =
            self.options.live.is_some() && self.site.inputs.iter().zip(&inputs).any(|(s, i)| *s != Some(*i));
        if let Some(live) = &self.options.live {
            live.set_problems(None);
        }
        if !pdf_pending && !pages_pending {
            if std::mem::take(&mut self.failing) {
                observer.recovered();
            }
            return Cycle::default();
        }
        if !ws.loaded().diagnostics.is_empty() {
            observer.problems(&ws);
        }
        let options = RenderOptions { timestamp, ..RenderOptions::default() };
        if pages_pending && let Err(e) = self.write_pages(&ws, &histories, &inputs, &options, started, observer) {
            return self.fail(observer, &e);
        }
        if !self.options.pdf {
            if std::mem::take(&mut self.failing) {
                observer.recovered();
            }
            return Cycle::default();
        }
        let (deliverables, snapshot) = (ws.deliverables(), &ws.snapshot);
        let shortname = &deliverables.sig.shortname;
        let threats = &self.cache.threats;
        // The documents that need work compile in parallel, each in its own long-lived world.
        let results: Vec<_> = self
            .docs
            .par_iter_mut()
            .zip(histories.par_iter().zip(inputs.par_iter()))
            .filter(|(state, (_, inputs))| state.inputs != Some(**inputs))
            .map(|(state, (history, inputs))| {
                let data = render_data(state.doc, deliverables, history, &options, Some(threats));
                let files = world_files(state.doc, &data, Some(snapshot));
                let mut h = DefaultHasher::new();
                files.get(&format!("/data/{}.json", state.doc.name())).map(|json| json.as_slice()).hash(&mut h);
                let data_key = h.finish();
                if state.data == Some(data_key) {
                    return (state.doc, *inputs, data_key, None);
                }
                let world = match &mut state.world {
                    Some(world) => {
                        world.set_files(files);
                        world
                    }
                    slot => slot.insert(document_world(state.doc, files, timestamp)),
                };
                let ident = format!("{shortname}-{}", state.doc.name());
                let result = compile(state.doc, world, &ident, &options, Passes::Continue(&state.settled));
                (state.doc, *inputs, data_key, Some(result))
            })
            .collect();
        let mut cycle = Cycle::default();
        let compiled = results.iter().any(|(_, _, _, result)| result.is_some());
        let mut built = Vec::new();
        for (doc, inputs, data_key, result) in results {
            let state = self.docs.iter_mut().find(|s| s.doc == doc).expect("every document has a state");
            let Some(result) = result else {
                state.inputs = Some(inputs);
                continue;
            };
            match result {
                Ok(rendered) => built.push((doc, inputs, data_key, rendered)),
                Err(e) => {
                    cycle.failed = true;
                    observer.failed(&Error::Render(e));
                }
            }
        }
        // The PDFs of one save are written together, or none is.
        let write = |observer: &mut dyn Observer| {
            let out = OutputDir::new(&self.options.output, &self.options.settings.cwd, &ws.places())?;
            let mut batch = out.batch(&mut |folder: &Path| observer.waiting(folder))?;
            for (doc, _, _, rendered) in &built {
                batch.add(&format!("{}.pdf", doc.name()), &rendered.pdf)?;
            }
            batch.commit()
        };
        let written = if built.is_empty() { Ok(()) } else { write(observer) };
        if let Err(e) = written {
            cycle.failed = true;
            observer.failed(&e);
            built.clear();
        }
        for (doc, inputs, data_key, rendered) in built {
            let state = self.docs.iter_mut().find(|s| s.doc == doc).expect("every document has a state");
            state.inputs = Some(inputs);
            state.data = Some(data_key);
            cycle.written.push(doc);
            // The time since the save was noticed: reading, checking, history, data,
            // compiling, exporting and writing, as the author waits for it.
            let shown = self.options.output.join(format!("{}.pdf", doc.name()));
            observer.rebuilt(&shown, started.elapsed(), rendered.pages);
        }
        // Housekeeping once the PDFs are on disk, so that the author does not wait for it.
        if compiled {
            sigdoc_render::evict_watch_cache();
        }
        if cycle.failed {
            self.failing = true;
        } else {
            if std::mem::take(&mut self.failing) && cycle.written.is_empty() {
                observer.recovered();
            }
            if cycle.written.len() > 1 {
                observer.rebuilt_all(started.elapsed());
            }
        }
        cycle
    }

    /// Writes the pages whose documents' inputs changed (the preview, before the PDFs),
    /// then tells the server. Unchanged threats' sections come from the cache.
    fn write_pages(
        &mut self,
        ws: &Workspace,
        histories: &[History],
        inputs: &[u64],
        options: &RenderOptions,
        started: Instant,
        observer: &mut dyn Observer,
    ) -> Result<(), Error> {
        let changed: Vec<usize> =
            (0..DocKind::ALL.len()).filter(|i| self.site.inputs[*i] != Some(inputs[*i])).collect();
        // The front page lists all three documents: when it is written, all are.
        let all = !self.site.started;
        let indices: Vec<usize> = if all { (0..DocKind::ALL.len()).collect() } else { changed };
        let docs: Vec<DocKind> = indices.iter().map(|i| DocKind::ALL[*i]).collect();
        let doc_histories: Vec<History> = indices.iter().map(|i| histories[*i].clone()).collect();
        let pages = site::pages(ws.deliverables(), &docs, &doc_histories, options, Some(&self.cache), self.options.pdf);
        let out = OutputDir::new(&self.options.output, &self.options.settings.cwd, &ws.places())?;
        let mut batch = out.batch(&mut |folder: &Path| observer.waiting(folder))?;
        if all {
            for (path, bytes) in site::files(&pages, self.options.pdf) {
                batch.add(&path, &bytes)?;
            }
        } else {
            for page in &pages {
                batch.add(&site::page_path(page.doc), page.html.as_bytes())?;
            }
        }
        batch.commit()?;
        self.site.started = true;
        for i in indices {
            self.site.inputs[i] = Some(inputs[i]);
        }
        if let Some(live) = &self.options.live {
            live.changed();
        }
        for page in &pages {
            observer.page_written(&self.options.output.join(site::page_path(page.doc)), started.elapsed());
        }
        Ok(())
    }

    fn fail(&mut self, observer: &mut dyn Observer, error: &Error) -> Cycle {
        self.failing = true;
        observer.failed(error);
        Cycle { written: Vec::new(), failed: true }
    }
}

/// Whether a changed path should start a rebuild: not an editor's swap or backup file,
/// not a lock file of git, not a file of git other than its refs.
fn relevant(path: &Path, git_dir: Option<&Path>) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let scratch = name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".lock")
        || name == "4913";
    if scratch {
        return false;
    }
    match git_dir {
        Some(git) if path.starts_with(git) => {
            path.starts_with(git.join("refs")) || name == "HEAD" || name == "packed-refs"
        }
        _ => true,
    }
}

/// Waits for the next burst of relevant changes and returns once it has been quiet
/// for `debounce`; `None` when the watcher is gone or `stop` says so.
fn next_burst(
    events: &Receiver<notify::Result<notify::Event>>,
    git_dir: Option<&Path>,
    debounce: Duration,
    stop: &dyn Fn() -> bool,
    observer: &mut dyn Observer,
) -> Option<()> {
    // Poll at a short interval so that `stop` is honoured promptly.
    let poll = Duration::from_millis(50);
    let mut pending = false;
    loop {
        if stop() {
            return None;
        }
        match events.recv_timeout(if pending { debounce } else { poll }) {
            Ok(Ok(event)) => {
                // Reads (our own, of every input) are no changes.
                if !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|p| relevant(p, git_dir)) {
                    pending = true;
                }
            }
            Ok(Err(e)) => observer.watcher_failed(&e.to_string()),
            Err(RecvTimeoutError::Timeout) if pending => return Some(()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// Builds once, then rebuilds after every burst of saves until `stop` returns true.
pub fn watch_until(options: &WatchOptions, observer: &mut dyn Observer, stop: &dyn Fn() -> bool) -> Result<(), Error> {
    // The repository must exist to start; later failures to read it are reported.
    let settings = &options.settings;
    let ws = Workspace::open(settings, None)?;
    OutputDir::new(&options.output, &settings.cwd, &ws.places())?;
    // A bare repository has no working tree to watch: the repository's fault, not usage.
    let workdir = ws.repo.workdir().ok_or_else(|| Error::Io {
        what: format!("cannot watch {}", ws.repo.git_dir().display()),
        source: std::io::Error::other("the repository is bare: it has no working tree to watch"),
    })?;
    let git_dir = ws.repo.git_dir();
    drop(ws);
    let documents = workdir.join(&settings.root);
    let (tx, rx) = channel();
    let watch_error = |e: notify::Error| Error::Io {
        what: format!("cannot watch {}", documents.display()),
        source: match e.kind {
            notify::ErrorKind::Io(io) => io,
            _ => std::io::Error::other(e.to_string()),
        },
    };
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(watch_error)?;
    watcher.watch(&documents, RecursiveMode::Recursive).map_err(watch_error)?;
    // Commits, checkouts and tags change the revision history the PDFs carry.
    let _ = watcher.watch(&git_dir, RecursiveMode::NonRecursive);
    let _ = watcher.watch(&git_dir.join("refs"), RecursiveMode::Recursive);

    let mut session = Session::new(options.clone());
    observer.started(&documents);
    session.rebuild(observer);
    while next_burst(&rx, Some(&git_dir), options.debounce, stop, observer).is_some() {
        session.rebuild(observer);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_follow_the_inputs_of_each_document() {
        let a = Snapshot::from_files("documents", [("process.md", "a"), ("threats/x.yaml", "1")]);
        let b = Snapshot::from_files("documents", [("process.md", "a"), ("threats/x.yaml", "2")]);
        let h = History::new(DocKind::Process, Vec::new(), false);
        assert_eq!(fingerprint(DocKind::Process, &a, &h, 0), fingerprint(DocKind::Process, &b, &h, 0));
        assert_ne!(fingerprint(DocKind::Analysis, &a, &h, 0), fingerprint(DocKind::Analysis, &b, &h, 0));
        assert_ne!(fingerprint(DocKind::Process, &a, &h, 0), fingerprint(DocKind::Process, &a, &h, 1));
    }

    #[test]
    fn scratch_files_and_git_internals_start_no_rebuild() {
        let git = Path::new("/r/.git");
        assert!(relevant(Path::new("/r/documents/threats/a.yaml"), Some(git)));
        assert!(!relevant(Path::new("/r/documents/threats/.a.yaml.swp"), Some(git)));
        assert!(!relevant(Path::new("/r/documents/threats/a.yaml~"), Some(git)));
        assert!(!relevant(Path::new("/r/documents/4913"), Some(git)));
        assert!(relevant(Path::new("/r/.git/HEAD"), Some(git)));
        assert!(relevant(Path::new("/r/.git/refs/heads/main"), Some(git)));
        assert!(!relevant(Path::new("/r/.git/refs/heads/main.lock"), Some(git)));
        assert!(!relevant(Path::new("/r/.git/index"), Some(git)));
    }
}
