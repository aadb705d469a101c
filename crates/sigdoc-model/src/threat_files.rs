//! Reading the threat files, each kept between loads of a watch so that a save re-reads only what it changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::layout::{is_quiet_extra, threat_file_name, threat_id};
use crate::load::{Deliverables, Texts, yaml_of};
use crate::reader::Reader;
use crate::threat::{Threat, read_threat};
use crate::yaml::{Loc, Seg};
use crate::{Diagnostic, Snapshot};

/// What one threat file gave: the threat, the problems found in the file alone, its
/// texts to check, and where its id stands (for a duplicate).
#[derive(Debug)]
struct ThreatFile {
    threat: Option<Threat>,
    diags: Vec<Diagnostic>,
    texts: Texts,
    id_loc: Loc,
}

/// The threat files of the last load, by path and bytes, valid while every other file
/// of the documents (the template and process that read them, above all) is unchanged.
/// Keys are whole contents, not hashes: a changed file is always read again.
#[derive(Debug, Default)]
pub struct LoadCache {
    inner: Mutex<Generation>,
    /// Threat files read (not taken from the cache) by the last load.
    read: std::sync::atomic::AtomicUsize,
}

impl LoadCache {
    /// How many threat files the last load read rather than took from the cache.
    pub fn files_read(&self) -> usize {
        self.read.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[derive(Debug, Default)]
struct Generation {
    /// The documents folder and every file outside `threats/`, as the files were read against.
    context: Vec<u8>,
    files: HashMap<(String, Vec<u8>), Arc<ThreatFile>>,
}

fn context(snapshot: &Snapshot) -> Vec<u8> {
    let mut context = snapshot.root.as_bytes().to_vec();
    for (path, bytes) in snapshot.files.iter().filter(|(path, _)| threat_file_name(path).is_none()) {
        context.extend_from_slice(&(path.len() as u64).to_le_bytes());
        context.extend_from_slice(path.as_bytes());
        context.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        context.extend_from_slice(bytes);
    }
    context
}

fn read_file(snapshot: &Snapshot, path: &str, stem: &str, d: &Deliverables) -> ThreatFile {
    let mut diags = Vec::new();
    let mut texts = Texts::default();
    let Some(doc) = yaml_of(snapshot, path, &mut diags) else {
        return ThreatFile { threat: None, diags, texts, id_loc: Loc::default() };
    };
    texts.threat(&doc, &d.template);
    let threat = read_threat(&mut Reader::new(&doc, &mut diags), stem, &d.template, &d.process);
    ThreatFile { threat, diags, texts, id_loc: doc.key_loc(&[Seg::Key("id".into())]) }
}

/// The threats of the snapshot, sorted by path, each file read anew unless `cache`
/// holds it from the last load; their problems and texts added to `diags` and `texts`.
pub(crate) fn load_threats(
    snapshot: &Snapshot,
    d: &Deliverables,
    texts: &mut Texts,
    diags: &mut Vec<Diagnostic>,
    cache: Option<&LoadCache>,
) -> Vec<Threat> {
    let context = cache.map(|_| context(snapshot)).unwrap_or_default();
    let mut previous = match cache {
        Some(cache) => {
            let mut inner = cache.inner.lock().unwrap_or_else(|p| p.into_inner());
            let generation = std::mem::take(&mut *inner);
            if generation.context == context { generation.files } else { HashMap::new() }
        }
        None => HashMap::new(),
    };
    let mut kept = HashMap::new();
    let mut read_anew = 0;
    let mut threats: Vec<Threat> = Vec::new();
    for (path, bytes) in &snapshot.files {
        let Some(name) = threat_file_name(path) else { continue };
        let file = snapshot.display_path(path);
        let Some(stem) = threat_id(name) else {
            if !is_quiet_extra(name) && !name.contains("/.") {
                diags.push(Diagnostic::warning(&file, 0, 0, "not a threat file (threats/<id>.yaml); ignored"));
            }
            continue;
        };
        let key = (path.clone(), bytes.clone());
        let read = match previous.remove(&key) {
            Some(read) => read,
            None => {
                read_anew += 1;
                Arc::new(read_file(snapshot, path, stem, d))
            }
        };
        diags.extend(read.diags.iter().cloned());
        texts.extend(&read.texts);
        if let Some(threat) = &read.threat {
            if let Some(first) = threats.iter().find(|t| t.id == threat.id) {
                diags.push(Diagnostic::error(
                    &file,
                    read.id_loc.line,
                    read.id_loc.column,
                    format!("duplicate threat id \"{}\" (also {}): keep one file per threat", threat.id, first.file),
                ));
            } else {
                threats.push(threat.clone());
            }
        }
        if cache.is_some() {
            kept.insert(key, read);
        }
    }
    if let Some(cache) = cache {
        *cache.inner.lock().unwrap_or_else(|p| p.into_inner()) = Generation { context, files: kept };
        cache.read.store(read_anew, std::sync::atomic::Ordering::Relaxed);
    }
    threats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::EXAMPLE;

    const OTHER: &str = "id: other\nname: Other\nlikelihood: low\ndamage: low\nabstract: A.\ndefinition: D.\n\
        attack_tree: {goal: G, cost: 1}\nexisting_approaches: []\ngap: G.\npotential_approaches: []\nrecommended: R.\n";

    /// Loads the example with `extra` files, through `cache` and without: the same.
    fn load(extra: &[(&str, &str)], cache: &LoadCache) -> crate::Loaded {
        let files: Vec<(&str, &str)> = EXAMPLE.iter().copied().chain(extra.iter().copied()).collect();
        let snapshot = Snapshot::from_files("documents", files);
        let cached = Deliverables::load_cached(&snapshot, Some(cache));
        let fresh = Deliverables::load(&snapshot);
        assert_eq!(format!("{:?}", cached.deliverables), format!("{:?}", fresh.deliverables));
        assert_eq!(cached.diagnostics, fresh.diagnostics);
        cached
    }

    #[test]
    fn a_load_reads_only_the_threat_files_that_changed() {
        let cache = LoadCache::default();
        load(&[("threats/other.yaml", OTHER)], &cache);
        assert_eq!(cache.files_read(), 2);
        load(&[("threats/other.yaml", OTHER)], &cache);
        assert_eq!(cache.files_read(), 0);
        let edited = OTHER.replace("name: Other", "name: Edited");
        let loaded = load(&[("threats/other.yaml", &edited)], &cache);
        assert_eq!(cache.files_read(), 1);
        assert_eq!(loaded.deliverables.threat("other").map(Threat::name), Some("Edited"));
        // Problems across files are found the same, cached or not.
        let twin = load(
            &[("threats/other.yaml", &edited), ("threats/twin.yaml", &edited.replace("id: other", "id: twin"))],
            &cache,
        );
        assert_eq!(cache.files_read(), 1);
        assert!(!twin.has_errors());
        let dup = load(&[("threats/other.yaml", &edited), ("threats/twin.yaml", &edited)], &cache);
        assert!(dup.has_errors(), "{:?}", dup.diagnostics);
        // An invalid edit shows its problem; the fix reads the file again.
        let broken = load(&[("threats/other.yaml", &edited.replace("likelihood: low", "likelihood: hihg"))], &cache);
        assert!(broken.has_errors());
        assert!(!load(&[("threats/other.yaml", &edited)], &cache).has_errors());
    }

    #[test]
    fn only_unexpected_files_beside_the_threats_are_warned_about() {
        let extras = [
            ("threats/notes.txt", "x"),
            ("threats/README.md", "notes"),
            ("threats/.gitkeep", ""),
            ("threats/drafts/.swap", "x"),
            ("threats/drafts/old.txt", "x"),
        ];
        let loaded = load(&extras, &LoadCache::default());
        let mut warned: Vec<&str> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.message.starts_with("not a threat file"))
            .map(|d| d.file.as_str())
            .collect();
        warned.sort_unstable();
        assert_eq!(
            warned,
            ["documents/threats/drafts/old.txt", "documents/threats/notes.txt"],
            "{:?}",
            loaded.diagnostics
        );
    }

    #[test]
    fn any_other_file_changed_reads_every_threat_file_again() {
        let cache = LoadCache::default();
        load(&[("threats/other.yaml", OTHER)], &cache);
        let mut files: Vec<(&str, String)> = EXAMPLE.iter().map(|(p, t)| (*p, (*t).to_owned())).collect();
        files.push(("threats/other.yaml", OTHER.to_owned()));
        for (path, text) in &mut files {
            if *path == "template.yaml" {
                text.push_str("\n# a comment\n");
            }
        }
        let snapshot =
            Snapshot::from_files("documents", files.iter().map(|(p, t)| (*p, t.as_str())).collect::<Vec<_>>());
        Deliverables::load_cached(&snapshot, Some(&cache));
        assert_eq!(cache.files_read(), 2);
    }
}
