//! Alternative text of the drawings: what an attack tree or a risk matrix shows, in words,
//! for readers who cannot see it (an accessible PDF gives it to their screen reader).

use sigdoc_model::{AttackNode, Gate, format_cost};

use super::rating::RatingView;
use super::threat::ThreatView;
use super::tree::cheapest_attack_line;

/// An attack tree in words: its goal, each node as a numbered outline with its gate (or,
/// for a step, its cost, equipment and feasibility), then the cheapest attack.
///
/// `Attack tree. Goal: “Read traffic”; all of its 2 steps are needed (AND). 1. “Get on
/// the path”: cost 2. 2. “Continue without TLS”; any one of its 2 alternatives suffices
/// (OR). 2.1. … Cheapest attack: 3 — Get on the path, No TLS required.`
pub fn attack_tree_alt(tree: &AttackNode) -> String {
    let mut words = String::from("Attack tree. Goal: ");
    describe(tree, &mut words);
    let mut number = Vec::new();
    outline(tree, &mut number, &mut words);
    words.push(' ');
    words.push_str(&cheapest_attack_line(tree));
    words.push('.');
    words
}

/// The children of `node`, numbered `1.2.3.` after `number`, each described, depth first.
fn outline(node: &AttackNode, number: &mut Vec<usize>, words: &mut String) {
    for (i, child) in node.children.iter().enumerate() {
        number.push(i + 1);
        words.push(' ');
        for n in number.iter() {
            words.push_str(&format!("{n}."));
        }
        words.push(' ');
        describe(child, words);
        outline(child, number, words);
        number.pop();
    }
}

/// One node: its goal quoted, then what achieves it, ending the sentence.
fn describe(node: &AttackNode, words: &mut String) {
    words.push_str(&format!("“{}”", one_line(&node.goal)));
    if node.is_leaf() {
        let mut facts =
            vec![node.cost.map_or_else(|| "cost unknown".to_owned(), |c| format!("cost {}", format_cost(c)))];
        if node.equipment {
            facts.push("needs special equipment".into());
        }
        if !node.possible {
            facts.push("not possible".into());
        }
        words.push_str(&format!(": {}.", facts.join(", ")));
        return;
    }
    let n = node.children.len();
    let clause = match node.gate.unwrap_or(Gate::Or) {
        Gate::Or if n == 1 => "its one alternative achieves it (OR)".to_owned(),
        Gate::Or => format!("any one of its {n} alternatives suffices (OR)"),
        Gate::And if n == 1 => "its one step is needed (AND)".to_owned(),
        Gate::And => format!("all of its {n} steps are needed (AND)"),
        Gate::Sand if n == 1 => "its one step is needed (SAND)".to_owned(),
        Gate::Sand => format!("all of its {n} steps are needed, in this order (SAND)"),
    };
    words.push_str(&format!("; {clause}."));
}

/// Text on one line: a goal may hold line breaks, which alternative text has no use for.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The risk matrix in words: its axes, then each cell, row by row as drawn (most likely
/// first), with its priority and, given `threats`, the ids of the threats standing in it.
///
/// `Risk matrix of likelihood (rows: High, Medium, Low) by damage (columns: Low, Medium,
/// High); each cell gives a priority. High likelihood, Low damage: priority 2; no threat.`
pub fn risk_matrix_alt(rating: &RatingView, threats: Option<&[ThreatView]>) -> String {
    let labels = |levels: &[super::rating::ScaleLevelView], rev: bool| {
        let mut l: Vec<String> = levels.iter().map(|l| one_line(&l.label)).collect();
        if rev {
            l.reverse();
        }
        l.join(", ")
    };
    let mut words = format!(
        "Risk matrix of likelihood (rows: {}) by damage (columns: {}); each cell gives a priority.",
        labels(&rating.likelihood, true),
        labels(&rating.damage, false)
    );
    for l in rating.likelihood.iter().rev() {
        for d in &rating.damage {
            let priority = rating.matrix.get(&l.level).and_then(|row| row.get(&d.level));
            words.push_str(&format!(" {} likelihood, {} damage: ", one_line(&l.label), one_line(&d.label)));
            words.push_str(&priority.map_or_else(|| "no priority".to_owned(), |p| format!("priority {p}")));
            if let Some(threats) = threats {
                let ids: Vec<&str> =
                    threats.iter().filter(|t| in_cell(t, &l.level, &d.level)).map(|t| t.id.as_str()).collect();
                words.push_str(&match ids.as_slice() {
                    [] => "; no threat".to_owned(),
                    [one] => format!("; threat {one}"),
                    many => format!("; threats {}", many.join(", ")),
                });
            }
            words.push('.');
        }
    }
    words
}

/// Whether a threat stands in the matrix cell of these levels, as the analysis draws it:
/// a threat with both a likelihood and a damage level.
fn in_cell(t: &ThreatView, likelihood: &str, damage: &str) -> bool {
    t.likelihood.as_ref().is_some_and(|l| l.level == likelihood) && t.damage.as_ref().is_some_and(|d| d.level == damage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::example::{example, example_with};

    fn leaf(goal: &str, cost: Option<f64>) -> AttackNode {
        AttackNode { goal: goal.into(), gate: None, children: Vec::new(), cost, possible: true, equipment: false }
    }

    fn node(goal: &str, gate: Gate, children: Vec<AttackNode>) -> AttackNode {
        AttackNode { goal: goal.into(), gate: Some(gate), children, cost: None, possible: true, equipment: false }
    }

    #[test]
    fn a_tree_is_an_outline_of_goals_gates_and_costs() {
        let mut hard = leaf("Break\n  the   cipher", None);
        hard.possible = false;
        hard.equipment = true;
        let tree = node(
            "Read traffic",
            Gate::And,
            vec![
                leaf("Get on the path", Some(2.0)),
                node("Continue without TLS", Gate::Or, vec![leaf("No TLS required", Some(1.0)), hard]),
                node("Then", Gate::Sand, vec![leaf("Only", Some(0.5))]),
            ],
        );
        assert_eq!(
            attack_tree_alt(&tree),
            "Attack tree. Goal: “Read traffic”; all of its 3 steps are needed (AND). \
             1. “Get on the path”: cost 2. \
             2. “Continue without TLS”; any one of its 2 alternatives suffices (OR). \
             2.1. “No TLS required”: cost 1. \
             2.2. “Break the cipher”: cost unknown, needs special equipment, not possible. \
             3. “Then”; its one step is needed (SAND). \
             3.1. “Only”: cost 0.5. \
             Cheapest attack: 3.5 — Get on the path, No TLS required, Only."
        );
        let sand = node("Root", Gate::Sand, vec![leaf("A", Some(1.0)), leaf("B", None)]);
        assert!(attack_tree_alt(&sand).contains("all of its 2 steps are needed, in this order (SAND)"));
        assert!(attack_tree_alt(&sand).ends_with("Cheapest attack: unknown — A, B."));
    }

    #[test]
    fn a_single_step_is_its_own_tree() {
        assert_eq!(
            attack_tree_alt(&leaf("Guess the password", Some(4.0))),
            "Attack tree. Goal: “Guess the password”: cost 4. Cheapest attack: 4 — Guess the password."
        );
    }

    #[test]
    fn the_matrix_names_its_axes_and_every_cell_with_its_threats() {
        let d = example_with(&[(
            "threats/b.yaml",
            "id: b\nname: B\nabstract: A.\ndefinition: D.\nattack_tree: {goal: G, cost: 1}\nlikelihood: medium\ndamage: high\nexisting_approaches: []\ngap: G.\npotential_approaches: []\nrecommended: R.\n",
        )]);
        let view = crate::view::AnalysisView::new(&d, &Default::default(), None);
        let alt = risk_matrix_alt(&view.rating, Some(&view.threats));
        assert!(
            alt.starts_with(
                "Risk matrix of likelihood (rows: High, Medium, Low) by damage (columns: Low, Medium, High); \
                 each cell gives a priority. High likelihood, Low damage: priority 2; no threat."
            ),
            "{alt}"
        );
        assert!(alt.contains(" Medium likelihood, High damage: priority 1; threats b, starttls-stripping."), "{alt}");
        assert!(alt.ends_with(" Low likelihood, High damage: priority 2; no threat."), "{alt}");
        assert_eq!(alt.matches("likelihood, ").count(), 9, "every cell once: {alt}");
        // Without threats (the process's matrix), the cells give their priorities alone.
        let bare = risk_matrix_alt(&view.rating, None);
        assert!(bare.contains(" Medium likelihood, High damage: priority 1."), "{bare}");
        assert!(!bare.contains("threat"), "{bare}");
    }

    #[test]
    fn a_cell_the_matrix_leaves_out_says_so() {
        let mut d = example();
        d.process.matrix.remove("low");
        let view = crate::view::AnalysisView::new(&d, &Default::default(), None);
        assert!(risk_matrix_alt(&view.rating, None).contains("Low likelihood, Low damage: no priority."));
    }
}
