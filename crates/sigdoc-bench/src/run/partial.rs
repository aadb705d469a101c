//! A report of some comparisons merged into the last full one (`run --only`).

/// A report's sections by their first word (`P7`), in order; the header before them.
fn sections(report: &str) -> (&str, Vec<(&str, &str)>) {
    let mut starts: Vec<usize> = report.match_indices("\n## ").map(|(i, _)| i + 1).collect();
    if report.starts_with("## ") {
        starts.insert(0, 0);
    }
    let header = &report[..starts.first().copied().unwrap_or(report.len())];
    let mut out = Vec::new();
    for (n, start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(report.len());
        let text = &report[*start..end];
        let name = text.trim_start_matches("## ").split_whitespace().next().unwrap_or_default();
        out.push((name, text));
    }
    (header, out)
}

/// `previous` with the sections of `fresh` in place of its own of the same name (new
/// ones before the notes), its notes replaced by `notes`, and a header line saying which
/// comparisons were re-run alone, and when.
pub(super) fn merge(previous: &str, fresh: &str, notes: &str, only: &[String]) -> String {
    let (header, old) = sections(previous);
    let (fresh_header, new) = sections(fresh);
    let date = fresh_header.lines().find_map(|l| l.strip_prefix("- Date: ")).unwrap_or("unknown");
    let names: Vec<String> = only.iter().map(|o| o.to_uppercase()).collect();
    let line = format!(
        "- Re-run alone on {date}: {} (`sigdoc-bench run --only {}`); the other sections are from the date above.\n",
        names.join(", "),
        only.join(",")
    );
    // Earlier re-runs of the same comparisons give way to this one.
    let mut out: String = header
        .lines()
        .filter(|l| !(l.starts_with("- Re-run alone on ") && l.contains(&names.join(", "))))
        .fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        });
    let at = out.rfind("\n\n").map_or(out.len(), |i| i + 1);
    out.insert_str(at, &line);
    let is_notes = |name: &str| !name.starts_with('P');
    let mut placed = Vec::new();
    for (name, text) in old.iter().filter(|(name, _)| !is_notes(name)) {
        match new.iter().find(|(n, _)| n == name) {
            Some((n, fresh)) => {
                out.push_str(fresh);
                placed.push(*n);
            }
            None => out.push_str(text),
        }
    }
    for (_, fresh) in new.iter().filter(|(n, _)| !placed.contains(n)) {
        out.push_str(fresh);
    }
    out.push_str(notes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sections_run_are_replaced() {
        let previous =
            "# B\n\n- Date: old\n\n## P1 — a\n\nold 1\n\n## P2 — b\n\nold 2\n\n## What the numbers say\n\nold notes\n";
        let fresh = "# B\n\n- Date: new\n\n## P2 — b\n\nnew 2\n\n## P7 — c\n\nnew 7\n\n";
        let merged = merge(previous, fresh, "## What the numbers say\n\nnew notes\n", &["p2".into(), "p7".into()]);
        assert_eq!(
            merged,
            "# B\n\n- Date: old\n- Re-run alone on new: P2, P7 (`sigdoc-bench run --only p2,p7`); the other sections \
             are from the date above.\n\n## P1 — a\n\nold 1\n\n## P2 — b\n\nnew 2\n\n## P7 — c\n\nnew 7\n\n\
             ## What the numbers say\n\nnew notes\n"
        );
        // A second re-run of the same replaces its line.
        let again = merge(&merged, fresh, "## What the numbers say\n\nnew notes\n", &["p2".into(), "p7".into()]);
        assert_eq!(again.matches("Re-run alone").count(), 1);
    }
}
