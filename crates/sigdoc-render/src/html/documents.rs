//! `process.html` and `template.html`: their prose, then the rating tables and the
//! fields, in the PDF's order and numbering.

use super::out::Out;
use super::prose::prose;
use super::svg::risk_matrix;
use crate::view::{ProcessView, RatingView, ScaleLevelView, TemplateView};

pub(super) fn process(out: &mut Out, p: &ProcessView) {
    prose(out, &p.body);
    out.heading(1, "sec.rating-tables", "Rating Tables", true);
    out.raw(concat!(
        "<p>The tables below are this document's scales and priority matrix as the tools apply ",
        "them: the levels are the only values a threat may take for likelihood and potential ",
        "damage, and the matrix turns each pair into a priority. The analysis computes every ",
        "threat's priority from these tables.</p>\n"
    ));
    out.heading(2, "sec.likelihood", "Likelihood", true);
    scale_table(out, &p.rating.likelihood);
    out.heading(2, "sec.damage", "Potential Damage", true);
    scale_table(out, &p.rating.damage);
    out.heading(2, "sec.priorities", "Priority Levels", true);
    priorities(out, &p.rating);
    out.heading(2, "sec.priority-matrix", "Priority Matrix", true);
    out.raw("<p>Each cell gives the priority of a threat with the row's likelihood and the column's damage.</p>");
    out.raw("<figure class=\"matrix\">");
    risk_matrix(out, &p.rating, &[]);
    out.raw("</figure>\n");
}

fn scale_table(out: &mut Out, levels: &[ScaleLevelView]) {
    out.raw("<table class=\"scale\"><thead><tr><th>Level</th><th>Meaning</th></tr></thead><tbody>");
    for l in levels {
        out.raw("<tr><th scope=\"row\">");
        out.text(&l.label);
        out.raw("</th><td>");
        prose(out, &l.meaning);
        out.raw("</td></tr>");
    }
    out.raw("</tbody></table>\n");
}

fn priorities(out: &mut Out, rating: &RatingView) {
    out.raw("<table class=\"scale\"><thead><tr><th>Priority</th><th>Name</th><th>Meaning</th></tr></thead><tbody>");
    for p in &rating.priorities {
        out.raw("<tr><th scope=\"row\"");
        out.attr("class", &format!("p{}", p.level.clamp(1, 5)));
        out.raw(">");
        out.number(p.level);
        out.raw("</th><td>");
        out.text(&p.label);
        out.raw("</td><td>");
        prose(out, &p.meaning);
        out.raw("</td></tr>");
    }
    out.raw("</tbody></table>\n");
}

pub(super) fn template(out: &mut Out, t: &TemplateView) {
    prose(out, &t.body);
    out.heading(1, "sec.fields", "Fields", true);
    out.raw(concat!(
        "<p>Every threat of the analysis is one YAML file holding one value per field below, keyed by ",
        "the field's key. Required fields must be filled; the priority is computed from the ",
        "process's matrix.</p>\n"
    ));
    out.raw("<table class=\"fields\"><thead><tr><th>Field</th><th>Key</th><th>Kind</th><th>Required</th></tr></thead><tbody>");
    for f in &t.fields {
        out.raw("<tr><td><a");
        out.attr("href", &format!("#field.{}", f.key));
        out.raw(">");
        out.text(&f.label);
        out.raw("</a></td><td><code>");
        out.text(&f.key);
        out.raw("</code></td><td>");
        out.text(&f.kind);
        out.raw("</td><td>");
        out.raw(if f.required { "yes" } else { "no" });
        out.raw("</td></tr>");
    }
    out.raw("</tbody></table>\n");
    out.heading(1, "sec.guidance", "Guidance", true);
    for f in &t.fields {
        out.heading(2, &format!("field.{}", f.key), &f.label, true);
        out.raw("<p class=\"field-meta\">Key <code>");
        out.text(&f.key);
        out.raw("</code> · kind ");
        out.text(&f.kind);
        out.raw(if f.required { " · required" } else { " · optional" });
        out.raw("</p>");
        prose(out, &f.guidance);
    }
}
