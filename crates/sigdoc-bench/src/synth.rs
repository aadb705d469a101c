//! The synthetic repository: a history of document edits, threat additions, unrelated
//! changes and merged review branches, written through `git fast-import` so that
//! 10,000 commits take seconds, with pinned names and dates so that every run yields
//! the same commit ids.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::content::{REFERENCES_YAML, Threat, reference_ids};
use crate::rng::Rng;

const SIG_YAML: &str = include_str!("../../../documents/sig.yaml");
const PROCESS_MD: &str = include_str!("../../../documents/process.md");
const TEMPLATE_YAML: &str = include_str!("../../../documents/template.yaml");
const ANALYSIS_MD: &str = include_str!("../../../documents/analysis.md");

/// 2021-01-04T09:00:00Z, the first commit's date; each later commit is six hours later.
const START: i64 = 1_609_750_800;
const STEP: i64 = 6 * 3600;

const AUTHORS: &[(&str, &str)] = &[
    ("Ada Lovelace", "ada@example.org"),
    ("Alan Turing", "alan@example.org"),
    ("Grace Hopper", "grace@example.org"),
    ("Edsger Dijkstra", "edsger@example.org"),
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Threats at the tip (reached halfway through the history, then only edited).
    pub threats: usize,
    /// Commits in all, merges included.
    pub commits: usize,
    /// Annotated release tags `v0.1`, `v0.2`, … spread evenly over the main line.
    pub tags: usize,
    /// The PRNG seed; the same options give the same repository.
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Commits written.
    pub commits: usize,
    /// Of which merges.
    pub merges: usize,
    /// Tags written.
    pub tags: usize,
    /// Threats at the tip.
    pub threats: usize,
}

/// Creates a git repository in `dir` (which must not exist or be empty) and checks out
/// its `main` branch.
pub fn generate(dir: &Path, options: &Options) -> io::Result<Summary> {
    if options.commits == 0 {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "at least one commit is needed"));
    }
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} is not empty", dir.display())));
    }
    std::fs::create_dir_all(dir)?;
    git(dir, &["-c", "init.defaultBranch=main", "init", "-q"])?;
    let mut child = git_command(dir).args(["fast-import", "--quiet", "--done"]).stdin(Stdio::piped()).spawn()?;
    let stdin = child.stdin.take().ok_or_else(|| io::Error::other("no stdin for git fast-import"))?;
    let summary = History::new(options).write(BufWriter::with_capacity(1 << 20, stdin))?;
    let status = child.wait()?;
    if !status.success() {
        return Err(io::Error::other(format!("git fast-import failed: {status}")));
    }
    git(dir, &["reset", "-q", "--hard", "main"])?;
    Ok(summary)
}

fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    // The machine's settings must not change what is generated.
    command.current_dir(dir).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
    command
}

fn git(dir: &Path, args: &[&str]) -> io::Result<()> {
    let status = git_command(dir).args(args).status()?;
    if status.success() { Ok(()) } else { Err(io::Error::other(format!("git {} failed: {status}", args.join(" ")))) }
}

/// The state of one line of development and the stream being written.
struct History {
    options: Options,
    rng: Rng,
    refs: Vec<String>,
    threats: BTreeMap<String, Threat>,
    generated: usize,
    initial: usize,
    /// Counters that make each editorial change unique.
    edits: BTreeMap<&'static str, u32>,
    mark: usize,
    commits: usize,
    merges: usize,
    tags: usize,
}

/// One commit to write.
struct Commit<'a> {
    branch: &'static str,
    message: String,
    from: Option<usize>,
    merge: Option<usize>,
    files: &'a [(String, String)],
}

impl History {
    fn new(options: &Options) -> History {
        let initial =
            if options.commits < 3 { options.threats } else { options.threats.div_ceil(5).min(options.threats) };
        History {
            options: options.clone(),
            rng: Rng::new(options.seed),
            refs: reference_ids(),
            threats: BTreeMap::new(),
            generated: 0,
            initial,
            edits: BTreeMap::new(),
            mark: 0,
            commits: 0,
            merges: 0,
            tags: 0,
        }
    }

    /// How many threats exist after commit `i`: all of them from halfway on.
    fn target(&self, i: usize) -> usize {
        let half = (self.options.commits / 2).max(1);
        let rest = self.options.threats - self.initial;
        self.initial + rest * i.min(half) / half
    }

    fn new_threat(&mut self) -> (String, String) {
        let t = Threat::generate(&mut self.rng, self.generated, &self.refs);
        self.generated += 1;
        let file = (format!("documents/threats/{}.yaml", t.id), t.to_yaml());
        self.threats.insert(t.id.clone(), t);
        file
    }

    /// A change to a file other than a threat: the documents' prose, the template's
    /// comments, or files of the repository that are no document at all.
    fn editorial(&mut self) -> ((String, String), String) {
        let kind = self.rng.pick(&["process", "analysis", "template", "readme", "tools", "tools", "ci"]);
        let n = {
            let e = self.edits.entry(kind).or_default();
            *e += 1;
            *e
        };
        let para = (0..self.rng.range(2, 4))
            .map(|_| format!("Editorial note {n}: the group revisited the wording of this section."))
            .collect::<Vec<_>>()
            .join(" ");
        let (path, text) = match kind {
            "process" => ("documents/process.md", format!("{PROCESS_MD}\n{para}\n")),
            "analysis" => ("documents/analysis.md", format!("{ANALYSIS_MD}\n{para}\n")),
            "template" => ("documents/template.yaml", format!("{TEMPLATE_YAML}\n# Editorial revision {n}.\n")),
            "readme" => ("README.md", format!("# Security SIG documents\n\n{para}\n")),
            "tools" => ("tools/publish.sh", format!("#!/bin/sh\n# revision {n}\nsigdoc release --all\n")),
            _ => (".ci/pipeline.yml", format!("# revision {n}\nsteps:\n  - run: sigdoc check\n")),
        };
        ((path.to_owned(), text), format!("Update {path} (revision {n})"))
    }

    fn edit_threat(&mut self, pool: &mut BTreeMap<String, Threat>) -> ((String, String), String) {
        let ids: Vec<&String> = self.threats.keys().collect();
        let id = self.rng.pick(&ids).clone();
        let threat = pool.entry(id.clone()).or_insert_with(|| self.threats[&id].clone());
        threat.edit(&mut self.rng, &self.refs);
        ((format!("documents/threats/{id}.yaml"), threat.to_yaml()), format!("Revise threat {id}"))
    }

    fn author(&self, i: usize) -> String {
        let (name, email) = AUTHORS[(i * 7 + i / 13) % AUTHORS.len()];
        format!("{name} <{email}> {} +0000", START + i as i64 * STEP)
    }

    fn commit(&mut self, out: &mut impl Write, c: &Commit<'_>) -> io::Result<usize> {
        self.mark += 1;
        let who = self.author(self.commits);
        write!(out, "commit refs/heads/{}\nmark :{}\nauthor {who}\ncommitter {who}\n", c.branch, self.mark)?;
        data(out, c.message.as_bytes())?;
        if let Some(from) = c.from {
            writeln!(out, "from :{from}")?;
        }
        if let Some(merge) = c.merge {
            writeln!(out, "merge :{merge}")?;
            self.merges += 1;
        }
        for (path, text) in c.files {
            writeln!(out, "M 100644 inline {path}")?;
            data(out, text.as_bytes())?;
        }
        out.write_all(b"\n")?;
        self.commits += 1;
        Ok(self.mark)
    }

    /// Threats that should exist by now and do not yet.
    fn pending_adds(&mut self) -> Vec<(String, String)> {
        let target = self.target(self.commits);
        (self.threats.len()..target).map(|_| self.new_threat()).collect()
    }

    fn write(mut self, mut out: impl Write) -> io::Result<Summary> {
        let total = self.options.commits;
        let tag_at: Vec<usize> = (0..self.options.tags).map(|j| ((j + 1) * total) / self.options.tags - 1).collect();
        let mut files: Vec<(String, String)> = vec![
            ("documents/sig.yaml".into(), SIG_YAML.into()),
            ("documents/references.yaml".into(), REFERENCES_YAML.into()),
            ("documents/process.md".into(), PROCESS_MD.into()),
            ("documents/template.yaml".into(), TEMPLATE_YAML.into()),
            ("documents/analysis.md".into(), ANALYSIS_MD.into()),
            ("README.md".into(), "# Security SIG documents\n".into()),
        ];
        for _ in 0..self.initial {
            let file = self.new_threat();
            files.push(file);
        }
        let message = "Start the Security SIG's documents".to_owned();
        let mut main =
            self.commit(&mut out, &Commit { branch: "main", message, from: None, merge: None, files: &files })?;
        self.tag_due(&mut out, &tag_at, main)?;
        let mut next_review = 20 + self.rng.below(20);
        while self.commits < total {
            if self.commits >= next_review && total - self.commits >= 4 && !self.threats.is_empty() {
                main = self.review_branch(&mut out, main, &tag_at)?;
                next_review = self.commits + 20 + self.rng.below(20);
                continue;
            }
            let mut files = self.pending_adds();
            let message = if !files.is_empty() {
                let ids: Vec<&str> = files.iter().map(|(p, _)| p.trim_start_matches("documents/threats/")).collect();
                format!("Add threats: {}", ids.join(", "))
            } else if self.rng.chance(55) && !self.threats.is_empty() {
                let mut pool = BTreeMap::new();
                let (file, message) = self.edit_threat(&mut pool);
                self.threats.extend(pool);
                files.push(file);
                message
            } else {
                let (file, message) = self.editorial();
                files.push(file);
                message
            };
            main = self
                .commit(&mut out, &Commit { branch: "main", message, from: Some(main), merge: None, files: &files })?;
            self.tag_due(&mut out, &tag_at, main)?;
        }
        out.write_all(b"done\n")?;
        out.flush()?;
        Ok(Summary { commits: self.commits, merges: self.merges, tags: self.tags, threats: self.threats.len() })
    }

    /// A review branch: a few threat edits on `side` while `main` gets editorial
    /// changes, then a merge commit (which also adds threats that are due).
    fn review_branch(&mut self, out: &mut impl Write, fork: usize, tag_at: &[usize]) -> io::Result<usize> {
        let total = self.options.commits;
        let (mut main, mut side) = (fork, fork);
        let mut pool = BTreeMap::new();
        let review = self.commits;
        let mut main_moved = false;
        let side_len = self.rng.range(2, 4);
        for s in 0..side_len {
            // Leave room for one commit on main and the merge.
            if total - self.commits < 3 {
                break;
            }
            let (file, message) = self.edit_threat(&mut pool);
            let files = [file];
            side =
                self.commit(out, &Commit { branch: "side", message, from: Some(side), merge: None, files: &files })?;
            if (s == side_len - 1 && !main_moved) || self.rng.chance(50) {
                let (file, message) = self.editorial();
                let files = [file];
                main = self
                    .commit(out, &Commit { branch: "main", message, from: Some(main), merge: None, files: &files })?;
                main_moved = true;
                self.tag_due(out, tag_at, main)?;
            }
        }
        let mut files: Vec<(String, String)> =
            pool.values().map(|t| (format!("documents/threats/{}.yaml", t.id), t.to_yaml())).collect();
        self.threats.extend(pool);
        files.extend(self.pending_adds());
        let message = format!("Merge branch 'review-{review}'");
        let merge = if side == fork { None } else { Some(side) };
        main = self.commit(out, &Commit { branch: "main", message, from: Some(main), merge, files: &files })?;
        self.tag_due(out, tag_at, main)?;
        Ok(main)
    }

    fn tag_due(&mut self, out: &mut impl Write, tag_at: &[usize], main: usize) -> io::Result<()> {
        while self.tags < tag_at.len() && self.commits > tag_at[self.tags] {
            self.tags += 1;
            let who = self.author(self.commits - 1);
            write!(out, "tag v0.{}\nfrom :{main}\ntagger {who}\n", self.tags)?;
            data(out, format!("Release 0.{}", self.tags).as_bytes())?;
        }
        Ok(())
    }
}

fn data(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    writeln!(out, "data {}", bytes.len())?;
    out.write_all(bytes)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigdoc_model::{Deliverables, Snapshot};

    fn git_out(dir: &Path, args: &[&str]) -> String {
        let out = git_command(dir).args(args).output().expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
    }

    fn options() -> Options {
        Options { threats: 40, commits: 300, tags: 5, seed: 42 }
    }

    #[test]
    fn the_repository_has_the_asked_shape_and_valid_documents() {
        let dir = tempfile::tempdir().unwrap();
        let summary = generate(dir.path(), &options()).unwrap();
        assert_eq!(summary, Summary { commits: 300, merges: summary.merges, tags: 5, threats: 40 });
        assert!(summary.merges >= 5, "{summary:?}");
        assert_eq!(git_out(dir.path(), &["rev-list", "--count", "main"]), "300");
        assert_eq!(git_out(dir.path(), &["rev-list", "--count", "--merges", "main"]), summary.merges.to_string());
        assert_eq!(git_out(dir.path(), &["tag", "--list"]).lines().count(), 5);
        assert_eq!(git_out(dir.path(), &["status", "--porcelain"]), "");

        let mut files = Vec::new();
        let docs = dir.path().join("documents");
        for entry in walk(&docs) {
            let rel = entry.strip_prefix(&docs).unwrap().to_string_lossy().into_owned();
            files.push((rel, std::fs::read(&entry).unwrap()));
        }
        let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(loaded.deliverables.threats.len(), 40);
    }

    #[test]
    fn the_same_options_give_the_same_commits() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        generate(a.path(), &options()).unwrap();
        generate(b.path(), &options()).unwrap();
        assert_eq!(
            git_out(a.path(), &["rev-parse", "main", "v0.3"]),
            git_out(b.path(), &["rev-parse", "main", "v0.3"])
        );
        let c = tempfile::tempdir().unwrap();
        generate(c.path(), &Options { seed: 43, ..options() }).unwrap();
        assert_ne!(git_out(a.path(), &["rev-parse", "main"]), git_out(c.path(), &["rev-parse", "main"]));
    }

    #[test]
    fn a_single_commit_holds_every_threat() {
        let dir = tempfile::tempdir().unwrap();
        let summary = generate(dir.path(), &Options { threats: 7, commits: 1, tags: 1, seed: 1 }).unwrap();
        assert_eq!(summary, Summary { commits: 1, merges: 0, tags: 1, threats: 7 });
        assert_eq!(std::fs::read_dir(dir.path().join("documents/threats")).unwrap().count(), 7);
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { all.extend(walk(&path)) } else { all.push(path) }
        }
        all
    }
}
