//! The sandboxed Typst world: embedded templates and fonts, the document's data and the
//! snapshot's files, and nothing else (no file system, no network, no clock).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

use crate::fonts::embedded_fonts;

/// What every world shares: the standard library and the embedded fonts, built once.
struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
}

static SHARED: LazyLock<Arc<Shared>> =
    LazyLock::new(|| Arc::new(Shared { library: LazyHash::new(Library::default()), fonts: embedded_fonts() }));

/// The embedded fonts, loaded once per process.
pub fn shared_fonts() -> &'static FontStore {
    &SHARED.fonts
}

/// Files held in memory, keyed by their absolute virtual path (`/xep.typ`).
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles {
    files: HashMap<String, Bytes>,
}

impl MemoryFiles {
    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, data: Vec<u8>) {
        self.files.insert(path.into(), Bytes::new(data));
    }

    /// The file at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.files.get(path)
    }

    /// Every file, sorted by path.
    pub fn sorted(&self) -> Vec<(&str, &Bytes)> {
        let mut all: Vec<_> = self.files.iter().map(|(p, b)| (p.as_str(), b)).collect();
        all.sort_by_key(|(p, _)| *p);
        all
    }
}

impl FileLoader for MemoryFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.vpath().get_with_slash();
        if *id.root() != VirtualRoot::Project {
            // Packages would mean the network: refused.
            return Err(FileError::AccessDenied);
        }
        self.files.get(path).cloned().ok_or_else(|| FileError::NotFound(path.into()))
    }
}

/// Interns a project path; ids live as long as the process, so intern by path only.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/invalid").expect("valid path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// A Typst world for compiling one document.
pub struct SigWorld {
    shared: Arc<Shared>,
    files: FileStore<MemoryFiles>,
    main: FileId,
    today: Option<Datetime>,
}

impl SigWorld {
    /// A world whose main file is `main` among `files`, and whose `today` is `today`.
    pub fn new(files: MemoryFiles, main: &str, today: Option<Datetime>) -> Self {
        Self { shared: SHARED.clone(), files: FileStore::new(files), main: file_id(main), today }
    }

    /// The files this world serves.
    pub fn files(&self) -> &MemoryFiles {
        self.files.loader()
    }

    /// Replaces the served files, keeping parsed sources for incremental recompiles.
    pub fn set_files(&mut self, files: MemoryFiles) {
        *self.files.loader_mut() = files;
        self.files.reset();
    }
}

impl World for SigWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
