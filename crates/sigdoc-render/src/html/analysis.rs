//! `analysis.html`: the introduction, the summary, the risk matrix and one section per
//! threat, in the PDF's order and numbering.

use super::fragments::{PageCache, fingerprint};
use super::out::Out;
use super::prose::{link_or_text, prose, prose_inline, reference_body};
use super::svg::{attack_tree, risk_matrix};
use crate::view::{AnalysisView, ApproachPartView, FieldValueView, FieldView, LevelView, ThreatView};

/// The analysis's content; with a `cache`, the summary, the matrix and each threat's
/// section are written anew only when what they show changed (or where they stand).
pub(super) fn analysis(out: &mut Out, a: &AnalysisView, cache: Option<&PageCache>) {
    prose(out, &a.body);
    let shown = key(cache, || fingerprint("summary", &(summary_fields(a), a.proposed.len())));
    out.fragment(cache, shown, |out| summary(out, a));
    let shown = key(cache, || {
        let level = |l: &Option<LevelView>| l.as_ref().map(|l| l.level.clone());
        let places: Vec<_> = a.threats.iter().map(|t| (&t.id, level(&t.likelihood), level(&t.damage))).collect();
        fingerprint("matrix", &(&a.rating, places))
    });
    out.fragment(cache, shown, |out| {
        out.heading(1, "sec.risk-matrix", "Risk Matrix", true);
        out.raw("<p>Each threat stands in the cell of its likelihood and potential damage; the cell's colour is the priority the process's matrix gives it.</p>");
        out.raw("<figure class=\"matrix\">");
        risk_matrix(out, &a.rating, &a.threats);
        out.raw("</figure>\n");
    });
    out.heading(1, "sec.threats", "Threats", true);
    out.raw(concat!(
        "<p>Each threat's attack tree is drawn top-down from the attacker's goal. A node is achieved ",
        "when any one of its children is; an arc across a node's edges means all of its children ",
        "are needed (AND), an arc ending in an arrow that they are needed in order, left to right ",
        "(SAND). Leaves give their cost in the group's relative units and whether special ",
        "equipment is needed; an inner node gives the cost of its cheapest attack (≤ when some ",
        "alternative has no cost estimate). <span class=\"strong-mark\">Red</span> marks the cheapest attack; ",
        "grey, dashed boxes are steps that are not possible. A tree too large for one drawing continues ",
        "in numbered parts.</p>\n"
    ));
    for t in &a.threats {
        out.fragment(cache, key(cache, || fingerprint("threat", t)), |out| threat_section(out, t));
    }
    if !a.proposed.is_empty() {
        out.heading(1, "sec.proposed", "Proposed Threats", true);
        out.raw(concat!(
            "<p>These threats have been proposed and are under discussion: the group has not yet ",
            "analysed them, so they are not rated, and the summary and the risk matrix leave them ",
            "out. Each shows what has been written so far.</p>\n"
        ));
        for t in &a.proposed {
            out.fragment(cache, key(cache, || fingerprint("threat", t)), |out| threat_section(out, t));
        }
    }
}

/// A fragment's key: its fingerprint, which costs a pass over its view, only for a cache.
fn key(cache: Option<&PageCache>, shown: impl FnOnce() -> u64) -> u64 {
    cache.map_or(0, |_| shown())
}

/// What the summary shows of each threat: a change elsewhere in a threat leaves it be.
fn summary_fields(a: &AnalysisView) -> Vec<impl serde::Serialize + '_> {
    fn label(level: &Option<LevelView>) -> Option<&str> {
        level.as_ref().map(|l| l.label.as_str())
    }
    a.threats
        .iter()
        .map(|t| {
            (&t.id, &t.name, label(&t.likelihood), label(&t.damage), t.priority, t.status, &t.cost, &t.last_review)
        })
        .collect()
}

fn summary(out: &mut Out, a: &AnalysisView) {
    out.heading(1, "sec.summary", "Summary of Threats", true);
    if a.threats.is_empty() {
        out.raw("<p>No threats have been analysed yet.</p>");
    } else {
        out.raw("<div class=\"wide\"><table class=\"summary\"><thead><tr><th>Threat</th><th>Likelihood</th><th>Damage</th><th>Priority</th><th>Status</th><th>Cost</th><th>Reviewed</th></tr></thead><tbody>");
        for t in &a.threats {
            out.raw("<tr><td><a");
            out.attr("href", &format!("#{}", t.id));
            out.raw(">");
            out.text(&t.name);
            out.raw("</a><br><code class=\"id\">");
            out.text(&t.id);
            out.raw("</code></td>");
            let dash = |s: Option<&str>| s.unwrap_or("—").to_owned();
            let cells = [
                ("level", dash(t.likelihood.as_ref().map(|l| l.label.as_str()))),
                ("level", dash(t.damage.as_ref().map(|l| l.label.as_str()))),
                ("center", t.priority.map_or_else(|| "—".to_owned(), |p| p.to_string())),
                ("center", dash(t.status.map(|s| s.name()))),
                ("right", dash(t.cost.as_deref())),
            ];
            for (class, text) in cells {
                out.element("td", Some(class), &text);
            }
            // The version over the date, as in the PDF.
            out.raw("<td class=\"reviewed\">");
            match &t.last_review {
                Some(review) => {
                    out.text(&review.version);
                    out.raw("<br>");
                    out.text(&review.date);
                }
                None => out.raw("—"),
            }
            out.raw("</td>");
            out.raw("</tr>");
        }
        out.raw("</tbody></table></div>\n");
        out.raw(concat!(
            "<p>Threats are sorted by priority, then by name. <em>Cost</em> is the cost of the cheapest ",
            "attack in the threat's attack tree, in the group's relative units. <em>Reviewed</em> is the ",
            "version and date of the last change to the threat's entry.</p>\n"
        ));
    }
    match a.proposed.len() {
        0 => {}
        1 => out.raw("<p>One threat is proposed and not yet analysed: it is listed under <a href=\"#sec.proposed\">Proposed Threats</a>, and neither this summary nor the risk matrix rates it.</p>\n"),
        n => {
            out.raw("<p>");
            out.number(n);
            out.raw(" threats are proposed and not yet analysed: they are listed under <a href=\"#sec.proposed\">Proposed Threats</a>, and neither this summary nor the risk matrix rates them.</p>\n");
        }
    }
}

/// One threat's section: its heading (the threat's anchor), its id, status and last
/// review, and every field it holds, in the template's order.
pub(super) fn threat_section(out: &mut Out, t: &ThreatView) {
    out.raw("<section class=\"threat\">");
    out.heading(2, &t.id, &t.name, true);
    out.raw("<p class=\"threat-meta\">Id <code>");
    out.text(&t.id);
    out.raw("</code>");
    if let Some(status) = t.status {
        out.raw(" · status ");
        out.text(status.name());
    }
    if let Some(review) = &t.last_review {
        out.raw("<br>Last reviewed: ");
        out.text(&review.label());
    }
    out.raw("</p>\n");
    for f in &t.fields {
        field(out, t, f);
    }
    out.raw("</section>\n");
}

fn field(out: &mut Out, t: &ThreatView, f: &FieldView) {
    out.heading(3, &format!("{}.{}", t.id, f.key), &f.label, false);
    match &f.value {
        FieldValueView::Text(nodes) | FieldValueView::Status(nodes) => {
            out.raw("<p>");
            prose_inline(out, nodes);
            out.raw("</p>");
        }
        FieldValueView::Markdown(nodes) => prose(out, nodes),
        FieldValueView::Level(level) => level_par(out, level),
        FieldValueView::Priority(p) => {
            out.raw("<p>");
            match p.level {
                None => out.raw("Not computed"),
                Some(level) => {
                    out.raw("Priority ");
                    out.number(level);
                    if let Some(label) = &p.label {
                        out.raw(" — ");
                        out.text(label);
                    }
                }
            }
            out.raw("</p>");
            if let Some(reason) = &p.reason {
                prose(out, reason);
            }
        }
        FieldValueView::AttackTree(tree) => {
            attack_tree(out, &tree.diagram, &t.id);
            out.raw("<p class=\"cheapest\"><strong>");
            out.text(&tree.summary);
            out.raw("</strong></p>");
        }
        FieldValueView::References(refs) => {
            out.raw("<ul class=\"references\">");
            for r in refs {
                out.raw("<li>");
                link_or_text(out, None, &r.id, Some("cite"));
                let body = out.aside(|out| {
                    reference_body(out, &r.id, r.lead.as_deref(), r.url.as_deref(), r.href.as_deref());
                    out.text(".");
                });
                out.note(body);
                if let Some(title) = &r.title {
                    out.raw(": ");
                    out.element("em", None, title);
                }
                if let Some(note) = &r.note {
                    out.raw(" — ");
                    prose_inline(out, note);
                }
                out.raw("</li>");
            }
            out.raw("</ul>");
        }
        FieldValueView::Approaches(approaches) => {
            out.raw("<ol class=\"approaches\">");
            for a in approaches {
                out.raw("<li>");
                for part in &a.parts {
                    approach_part(out, part);
                }
                out.raw("</li>");
            }
            out.raw("</ol>");
        }
        FieldValueView::List(items) => {
            out.raw("<ul>");
            for item in items {
                out.raw("<li>");
                prose(out, item);
                out.raw("</li>");
            }
            out.raw("</ul>");
        }
    }
    out.raw("\n");
}

fn level_par(out: &mut Out, level: &LevelView) {
    out.element("p", None, &level.label);
}

/// The approach itself as prose; what stands in its way indented under its label.
fn approach_part(out: &mut Out, part: &ApproachPartView) {
    if part.part == sigdoc_model::ApproachPart::Approach {
        prose(out, &part.text);
    } else {
        out.raw("<div class=\"issues\"><p class=\"label\"><em>");
        out.text(part.label);
        out.raw(":</em></p>");
        prose(out, &part.text);
        out.raw("</div>");
    }
}
