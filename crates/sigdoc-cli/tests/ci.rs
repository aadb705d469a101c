//! The CI recipes of `examples/ci/`: every line of their scripts that runs sigdoc, run as
//! written by bash with the `sigdoc` binary on the PATH and the forge's variables set to
//! a fixture's values, on a repository built in code; each must succeed and leave what
//! the recipe's next step reads (annotations, SARIF, Code Quality input, the Markdown
//! diff, release folders with SHA256SUMS, disjoint shards covering every tag).

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{IndexAddOption, Oid, Repository, RepositoryInitOptions, Signature, Time};
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use sha2::{Digest, Sha256};

const SIGDOC: &str = env!("CARGO_BIN_EXE_sigdoc");
/// 2025-01-01T00:00:00Z: the first commit's date; each later commit is a day later.
const EPOCH: i64 = 1_735_689_600;
const CARBON: &str = "documents/threats/carbon-forging.yaml";
const TAGS: [&str; 5] = ["v0.1", "v0.2", "v0.3", "v0.4", "v0.5"];

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A repository with five release tags on `main`, `origin/main` beside it, and a checked
/// out branch `feature` one commit ahead: it rewords a threat and mentions an unknown
/// RFC, which `check` warns about.
struct Fixture {
    dir: tempfile::TempDir,
    repo: Repository,
    commits: i64,
}

impl Fixture {
    fn new() -> (Fixture, String) {
        let dir = tempfile::Builder::new().prefix("sigdoc-ci-").tempdir().expect("temp dir");
        let repo =
            Repository::init_opts(dir.path(), RepositoryInitOptions::new().initial_head("main")).expect("git init");
        let mut f = Fixture { dir, repo, commits: 0 };
        let docs = project().join("documents");
        for entry in walk(&docs) {
            let rel = entry.strip_prefix(&docs).expect("inside").to_string_lossy().into_owned();
            let keep = ["carbon-forging", "dialback-spoofing", "jid-confusables"];
            if rel.starts_with("threats/") && !keep.iter().any(|k| rel == format!("threats/{k}.yaml")) {
                continue;
            }
            f.write(&format!("documents/{rel}"), &std::fs::read_to_string(&entry).expect("read"));
        }
        f.drop_uncited_references();
        // Every threat was reviewed for the first of the five releases, so none is stale.
        f.replace("documents/process.md", "\n  max_releases: 4\n", "\n  max_releases: 5\n");
        for (i, tag) in TAGS.iter().enumerate() {
            if i > 0 {
                f.replace(CARBON, "\nname: Forged message carbons", &format!("\nname: Forged message carbons {i}"));
            }
            let commit = f.commit(&format!("Revision {i}"));
            let object = f.repo.find_object(commit, None).expect("commit");
            f.repo.tag(tag, &object, &f.signature(), &format!("Release {tag}"), false).expect("tag");
            if i > 0 {
                f.replace(CARBON, &format!("\nname: Forged message carbons {i}"), "\nname: Forged message carbons");
            }
        }
        let main = f.repo.head().ok().and_then(|h| h.target()).expect("main");
        f.repo.reference("refs/remotes/origin/main", main, true, "fixture").expect("origin/main");
        {
            let commit = f.repo.find_commit(main).expect("main commit");
            f.repo.branch("feature", &commit, false).expect("branch");
        }
        f.repo.set_head("refs/heads/feature").expect("checkout feature");
        f.replace(CARBON, "Any entity that can send a message", "Anyone who can send a message (see RFC 9999)");
        f.commit("Reword the attacker");
        (f, main.to_string())
    }

    /// Removes the references that only the threats left out cite, so that the one
    /// warning `check` gives is the one the feature branch adds.
    fn drop_uncited_references(&self) {
        let output = Command::new(SIGDOC).args(["check", "--format", "json"]).current_dir(self.path()).output();
        let json: Json = serde_json::from_slice(&output.expect("run sigdoc check").stdout).expect("check's JSON");
        let uncited: BTreeSet<String> = json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter_map(|d| d["message"].as_str()?.strip_prefix("reference \"")?.split_once("\" is never cited"))
            .map(|(id, _)| id.to_owned())
            .collect();
        assert!(!uncited.is_empty(), "the three threats cite every reference: {json}");
        let rel = "documents/references.yaml";
        let text = std::fs::read_to_string(self.path().join(rel)).expect("read");
        let mut kept = String::new();
        let mut keep = true;
        for line in text.lines() {
            // An entry starts at column 0 with its id (quoted when it holds a space).
            if let Some((key, _)) = line.split_once(':').filter(|_| !line.starts_with([' ', '#'])) {
                keep = !uncited.contains(key.trim_matches('"'));
            }
            if keep {
                kept.push_str(line);
                kept.push('\n');
            }
        }
        self.write(rel, &kept);
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, text).expect("write");
    }

    fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path().join(rel)).expect("read");
        assert_eq!(text.matches(from).count(), 1, "{rel}: {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn signature(&self) -> Signature<'static> {
        let time = Time::new(EPOCH + self.commits * 86_400, 0);
        Signature::new("Ada Lovelace", "ada@example.org", &time).expect("signature")
    }

    fn commit(&mut self, message: &str) -> Oid {
        let mut index = self.repo.index().expect("index");
        index.add_all(["*"], IndexAddOption::DEFAULT, None).expect("add");
        index.write().expect("write index");
        let tree = self.repo.find_tree(index.write_tree().expect("tree")).expect("find tree");
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let sig = self.signature();
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let id = self.repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).expect("commit");
        self.commits += 1;
        id
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// Runs one line of a recipe as the forge's shell would (bash, errors fatal), with
/// `sigdoc` on the PATH and the forge's variables; returns standard output and error.
fn run(dir: &Path, line: &str, vars: &[(&str, String)]) -> (String, String) {
    let bin = Path::new(SIGDOC).parent().expect("bin folder");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = Command::new("bash");
    command.args(["-eo", "pipefail", "-c", line]).current_dir(dir).env("PATH", path).env("NO_COLOR", "1");
    for (k, v) in vars {
        command.env(k, v);
    }
    let output = command.output().expect("run bash");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "`{line}` failed with {vars:?}:\n{stdout}\n{stderr}");
    (stdout.into_owned(), stderr.into_owned())
}

/// Lines of a script that run sigdoc.
fn sigdoc_lines(script: &str) -> Vec<String> {
    script.lines().map(str::trim).filter(|l| l.starts_with("sigdoc ")).map(str::to_owned).collect()
}

fn recipe(rel: &str) -> Yaml {
    let text = std::fs::read_to_string(project().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"))
}

/// Every sigdoc line of a GitHub workflow, by job.
fn github_lines(workflow: &Yaml) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (name, job) in workflow["jobs"].as_mapping().expect("jobs") {
        let steps = job["steps"].as_sequence().map(Vec::as_slice).unwrap_or_default();
        let lines: Vec<String> = steps.iter().filter_map(|s| s["run"].as_str()).flat_map(sigdoc_lines).collect();
        if !lines.is_empty() {
            out.insert(name.as_str().expect("job name").to_owned(), lines);
        }
    }
    out
}

/// Every sigdoc line of a GitLab CI file's job scripts, by job.
fn gitlab_lines(pipeline: &Yaml) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (name, job) in pipeline.as_mapping().expect("a mapping") {
        let entries = job["script"].as_sequence().map(Vec::as_slice).unwrap_or_default();
        let lines: Vec<String> = entries.iter().filter_map(Yaml::as_str).flat_map(sigdoc_lines).collect();
        if !lines.is_empty() {
            out.insert(name.as_str().expect("job name").to_owned(), lines);
        }
    }
    out
}

/// Each file of a release folder is listed in its SHA256SUMS with its digest, and
/// nothing else is: what `sha256sum -c` and the release upload read.
fn assert_release(folder: &Path) {
    let sums = std::fs::read_to_string(folder.join("SHA256SUMS")).expect("SHA256SUMS");
    let mut listed = BTreeSet::new();
    for line in sums.lines() {
        let (digest, name) = line.split_once("  ").unwrap_or_else(|| panic!("not `digest  name`: {line}"));
        let bytes = std::fs::read(folder.join(name)).unwrap_or_else(|e| panic!("{name} listed, not written: {e}"));
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, actual, "{name}");
        listed.insert(name.to_owned());
    }
    let files: BTreeSet<String> = std::fs::read_dir(folder)
        .expect("release folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SHA256SUMS")
        .collect();
    assert_eq!(listed, files);
    assert_eq!(files.iter().filter(|n| n.ends_with(".pdf")).count(), 3, "{files:?}");
}

/// Runs the shard line once per shard and returns the tags each built.
fn shards(
    dir: &Path,
    line: &str,
    count: usize,
    vars: impl Fn(usize) -> Vec<(&'static str, String)>,
) -> Vec<BTreeSet<String>> {
    let out = dir.join("releases");
    (1..=count)
        .map(|i| {
            run(dir, line, &vars(i));
            let built: BTreeSet<String> = std::fs::read_dir(&out)
                .map(|entries| entries.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            for tag in &built {
                assert_release(&out.join(tag));
            }
            let _ = std::fs::remove_dir_all(&out);
            built
        })
        .collect()
}

/// Shards are disjoint and together build every release tag, as `--all` does.
fn assert_partition(shards: &[BTreeSet<String>]) {
    let mut union = BTreeSet::new();
    for shard in shards {
        for tag in shard {
            assert!(union.insert(tag.clone()), "{tag} built by two shards: {shards:?}");
        }
    }
    assert_eq!(union, TAGS.iter().map(|t| t.to_string()).collect::<BTreeSet<_>>());
}

fn assert_diff(dir: &Path) {
    let diff = std::fs::read_to_string(dir.join("sigdoc-diff.md")).expect("sigdoc-diff.md");
    let table_row = "| `carbon-forging` | Forged message carbons | changed | 2 | 2 |";
    assert!(diff.lines().any(|l| l == table_row), "{diff}");
    assert!(diff.contains("~~Any entity that~~ **Anyone who**"), "{diff}");
    assert!(diff.contains("**(see RFC 9999)**"), "{diff}");
}

#[test]
fn the_github_workflow_s_sigdoc_commands_run_on_a_repository() {
    let workflow = recipe("examples/ci/github/sigdoc.yml");
    let lines = github_lines(&workflow);
    let jobs: Vec<&str> = lines.keys().map(String::as_str).collect();
    assert_eq!(jobs, ["rebuild", "release", "review"]);
    let (fixture, _) = Fixture::new();
    let dir = fixture.path();

    let review = &lines["review"];
    assert_eq!(review.len(), 3, "{review:?}");
    let vars = [("GITHUB_BASE_REF", "main".to_owned())];
    let (annotations, _) = run(dir, &review[0], &vars);
    let commands: Vec<&str> = annotations.lines().collect();
    assert_eq!(commands.len(), 1, "{annotations}");
    assert!(commands[0].starts_with("::warning file=documents/threats/carbon-forging.yaml,line="), "{annotations}");
    assert!(commands[0].contains("::RFC 9999 is mentioned"), "{annotations}");
    run(dir, &review[1], &vars);
    let sarif: Json =
        serde_json::from_slice(&std::fs::read(dir.join("sigdoc.sarif")).expect("sigdoc.sarif")).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["level"], "warning");
    run(dir, &review[2], &vars);
    assert_diff(dir);

    let release = &lines["release"];
    assert_eq!(release.len(), 1);
    run(dir, &release[0], &[("GITHUB_REF_NAME", "v0.5".to_owned())]);
    assert_release(&dir.join("release/v0.5"));

    let job = &workflow["jobs"]["rebuild"];
    let matrix = job["strategy"]["matrix"]["shard"].as_sequence().expect("a shard matrix");
    let count = matrix.len();
    let indexes: Vec<u64> = matrix.iter().filter_map(Yaml::as_u64).collect();
    assert_eq!(indexes, (1..=count as u64).collect::<Vec<_>>(), "shards are numbered from 1");
    assert_eq!(job["env"]["SHARD"].as_str(), Some("${{ matrix.shard }}"));
    assert_eq!(job["env"]["SHARDS"].as_u64(), Some(count as u64), "SHARDS is the matrix's size");
    let [line] = lines["rebuild"].as_slice() else { panic!("one rebuild line: {:?}", lines["rebuild"]) };
    let built = shards(dir, line, count, |i| vec![("SHARD", i.to_string()), ("SHARDS", count.to_string())]);
    assert_partition(&built);
}

#[test]
fn the_gitlab_pipeline_s_sigdoc_commands_run_on_a_repository() {
    let pipeline = recipe("examples/ci/gitlab/.gitlab-ci.yml");
    let lines = gitlab_lines(&pipeline);
    let jobs: Vec<&str> = lines.keys().map(String::as_str).collect();
    assert_eq!(jobs, ["check", "diff", "rebuild", "release"]);
    let (fixture, base) = Fixture::new();
    let dir = fixture.path();

    let check = &lines["check"];
    assert_eq!(check.len(), 2, "{check:?}");
    let (_, human) = run(dir, &check[0], &[]);
    assert!(human.contains("warning: RFC 9999 is mentioned"), "{human}");
    run(dir, &check[1], &[]);
    let json: Json = serde_json::from_slice(&std::fs::read(dir.join("sigdoc-check.json")).expect("sigdoc-check.json"))
        .expect("JSON");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{json}");
    // What the jq step turns into a Code Quality report.
    let d = &diagnostics[0];
    assert_eq!((d["severity"].as_str(), d["file"].as_str()), (Some("warning"), Some(CARBON)));
    assert!(d["line"].as_u64().is_some_and(|l| l > 1) && d["column"].is_u64() && d["message"].is_string(), "{d}");

    let [diff] = lines["diff"].as_slice() else { panic!("one diff line") };
    // GitLab gives the merge base of the source and target branches.
    run(dir, diff, &[("CI_MERGE_REQUEST_DIFF_BASE_SHA", base)]);
    assert_diff(dir);

    let [release] = lines["release"].as_slice() else { panic!("one release line") };
    run(dir, release, &[("CI_COMMIT_TAG", "v0.5".to_owned())]);
    assert_release(&dir.join("release/v0.5"));

    let count = pipeline["rebuild"]["parallel"].as_u64().expect("parallel: N") as usize;
    let [line] = lines["rebuild"].as_slice() else { panic!("one rebuild line") };
    let built =
        shards(dir, line, count, |i| vec![("CI_NODE_INDEX", i.to_string()), ("CI_NODE_TOTAL", count.to_string())]);
    assert_partition(&built);
}
