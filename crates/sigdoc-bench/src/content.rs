//! Realistic synthetic threats: prose of typical length, references from the project's
//! bibliography, attack trees of 5–30 nodes, written as threat YAML files.

use std::fmt::Write as _;

use crate::rng::Rng;

/// The project's bibliography; generated threats cite only ids it defines.
pub const REFERENCES_YAML: &str = include_str!("../../../documents/references.yaml");

const SUBJECTS: &[&str] = &[
    "An attacker on the network path",
    "A malicious server operator",
    "A compromised client",
    "A remote entity without an account",
    "A member of a multi-user chat room",
    "A contact in the roster",
    "An automated spam bot",
    "A misconfigured gateway",
    "A peer server in the federation",
    "A local application on the same device",
];
const VERBS: &[&str] = &[
    "can observe",
    "may forge",
    "is able to replay",
    "can silently drop",
    "may inject",
    "can correlate",
    "is able to exhaust",
    "can rewrite",
    "may enumerate",
    "can downgrade",
];
const OBJECTS: &[&str] = &[
    "the stream features offered before TLS",
    "presence broadcasts of every resource",
    "stanzas routed between two domains",
    "the roster pushes of an account",
    "archived messages of a conversation",
    "device lists published over PEP",
    "the credentials used for SASL authentication",
    "stanza identifiers chosen by the client",
    "upload slots and the URLs they return",
    "push notifications sent to an app server",
    "the real JIDs of room occupants",
    "stream management acknowledgements",
];
const QUALIFIERS: &[&str] = &[
    "without the user noticing",
    "unless the client insists on end-to-end encryption",
    "when the server does not enforce its policy",
    "during the short window before authentication completes",
    "as long as the deployment keeps its default configuration",
    "because the protocol does not bind the session to the channel",
    "even when both servers support modern TLS",
    "if the client treats a failure as a soft error",
];
const CLAUSES: &[&str] = &[
    "This has been observed in deployed software.",
    "The effect accumulates over time and is hard to detect afterwards.",
    "Mitigations exist but are not enabled by default in several implementations.",
    "Operators rarely monitor for it, and logs do not record the relevant data.",
    "The cost of the attack is low compared with the value of the information gained.",
    "Users cannot tell the forged data from genuine data in common clients.",
];
const NOUNS: &[&str] = &[
    "roster",
    "presence",
    "archive",
    "upload",
    "stream",
    "session",
    "room",
    "device",
    "push",
    "token",
    "dialback",
    "registration",
    "vcard",
    "carbon",
    "receipt",
    "avatar",
];
const ACTIONS: &[&str] = &[
    "spoofing",
    "leakage",
    "exhaustion",
    "hijacking",
    "downgrade",
    "replay",
    "injection",
    "tampering",
    "enumeration",
    "correlation",
];
const GOALS: &[&str] = &[
    "Obtain a position on the network path",
    "Register an account on the target server",
    "Trick the user into accepting a request",
    "Guess the victim's resource identifier",
    "Compromise a federated server",
    "Flood the service with requests",
    "Read the traffic of an unencrypted stream",
    "Forge a stanza with the victim's address",
    "Exploit a parser in the client",
    "Persuade the operator to disable a check",
    "Replay a captured authentication exchange",
    "Correlate timing of presence updates",
];

/// One synthetic threat: the fields of the default template, as data.
#[derive(Debug, Clone)]
pub struct Threat {
    /// The file stem.
    pub id: String,
    name: String,
    status: &'static str,
    abstract_: String,
    definition: Vec<String>,
    tree: Node,
    likelihood: &'static str,
    damage: &'static str,
    existing: Vec<(String, String)>,
    gap: String,
    approaches: Vec<(String, String)>,
    recommended: String,
    /// How often the threat was edited: the last paragraph names it, so that every
    /// edit changes the file.
    revision: u32,
}

/// A node of an attack tree.
#[derive(Debug, Clone)]
enum Node {
    Leaf { goal: String, cost: Option<u32>, possible: bool, equipment: bool },
    Gate { goal: String, gate: &'static str, children: Vec<Node> },
}

impl Node {
    #[cfg(test)]
    fn count(&self) -> usize {
        match self {
            Node::Leaf { .. } => 1,
            Node::Gate { children, .. } => 1 + children.iter().map(Node::count).sum::<usize>(),
        }
    }
}

/// The reference ids of the project's bibliography, in file order.
pub fn reference_ids() -> Vec<String> {
    REFERENCES_YAML
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '\t']) && l.trim_end().ends_with(':'))
        .map(|l| l.trim_end().trim_end_matches(':').trim_matches('"').trim_matches('\'').to_owned())
        .collect()
}

fn sentence(rng: &mut Rng, refs: &[String]) -> String {
    let mut s = format!("{} {} {} {}.", rng.pick(SUBJECTS), rng.pick(VERBS), rng.pick(OBJECTS), rng.pick(QUALIFIERS));
    if rng.chance(20) {
        let _ = write!(s, " {} describes the relevant protocol.", rng.pick(refs));
    } else if rng.chance(30) {
        s.push(' ');
        s.push_str(rng.pick(CLAUSES));
    }
    s
}

fn paragraph(rng: &mut Rng, refs: &[String], sentences: (usize, usize)) -> String {
    let n = rng.range(sentences.0, sentences.1);
    (0..n).map(|_| sentence(rng, refs)).collect::<Vec<_>>().join(" ")
}

fn tree(rng: &mut Rng, budget: usize) -> Node {
    let goal = format!("{} ({})", rng.pick(GOALS), rng.pick(NOUNS));
    if budget <= 1 {
        let possible = !rng.chance(8);
        return Node::Leaf {
            goal,
            cost: (possible && rng.chance(85)).then(|| rng.range(0, 10) as u32),
            possible,
            equipment: rng.chance(15),
        };
    }
    let gate = rng.pick(&["or", "or", "and", "sand"]);
    let rest = budget - 1;
    let k = rng.range(2, rest.clamp(2, 4)).min(rest);
    // Every child gets one node, the rest is spread at random.
    let mut shares = vec![1; k];
    for _ in k..rest {
        let i = rng.below(k);
        shares[i] += 1;
    }
    let children = shares.into_iter().map(|b| tree(rng, b)).collect();
    Node::Gate { goal, gate, children }
}

impl Threat {
    /// A new threat numbered `n` (ids are unique by their number).
    pub fn generate(rng: &mut Rng, n: usize, refs: &[String]) -> Threat {
        let (noun, action) = (rng.pick(NOUNS), rng.pick(ACTIONS));
        let id = format!("{noun}-{action}-{n:04}");
        let name = format!("{}{} {action} number {n}", noun[..1].to_uppercase(), &noun[1..]);
        let nodes = rng.range(5, 30);
        let mut cited: Vec<String> = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let r = rng.pick(refs);
            if !cited.contains(&r) {
                cited.push(r);
            }
        }
        Threat {
            id,
            name,
            status: rng.pick(&["open", "open", "mitigated", "accepted"]),
            abstract_: paragraph(rng, refs, (2, 3)),
            definition: (0..rng.range(2, 4)).map(|_| paragraph(rng, refs, (2, 4))).collect(),
            tree: tree(rng, nodes),
            likelihood: rng.pick(&["low", "medium", "high"]),
            damage: rng.pick(&["low", "medium", "high"]),
            existing: cited.into_iter().map(|r| (r, paragraph(rng, refs, (1, 3)))).collect(),
            gap: paragraph(rng, refs, (2, 4)),
            approaches: (0..rng.range(1, 3))
                .map(|_| (paragraph(rng, refs, (1, 2)), paragraph(rng, refs, (2, 3))))
                .collect(),
            recommended: paragraph(rng, refs, (2, 3)),
            revision: 0,
        }
    }

    /// Number of nodes of the attack tree.
    #[cfg(test)]
    pub fn tree_nodes(&self) -> usize {
        self.tree.count()
    }

    /// A typical edit: one field rewritten, or a rating changed.
    pub fn edit(&mut self, rng: &mut Rng, refs: &[String]) {
        self.revision += 1;
        match rng.below(6) {
            0 => self.abstract_ = paragraph(rng, refs, (2, 3)),
            1 => {
                let i = rng.below(self.definition.len());
                self.definition[i] = paragraph(rng, refs, (2, 4));
            }
            2 => self.gap = paragraph(rng, refs, (2, 4)),
            3 => self.likelihood = rng.pick(&["low", "medium", "high"]),
            4 => self.recommended = paragraph(rng, refs, (2, 3)),
            _ => {
                let nodes = rng.range(5, 30);
                self.tree = tree(rng, nodes);
            }
        }
    }

    /// The threat file.
    pub fn to_yaml(&self) -> String {
        let mut y = String::with_capacity(4096);
        let _ = writeln!(y, "id: {}\nname: \"{}\"\nstatus: {}", self.id, self.name, self.status);
        block(&mut y, "abstract", &self.abstract_, 0);
        let mut definition = self.definition.join("\n\n");
        let _ = write!(definition, "\n\n*Revision {} of this threat's definition.*", self.revision);
        block(&mut y, "definition", &definition, 0);
        y.push_str("attack_tree:\n");
        node(&mut y, &self.tree, 2, false);
        let _ = writeln!(y, "likelihood: {}\ndamage: {}", self.likelihood, self.damage);
        y.push_str("existing_approaches:\n");
        for (r, note) in &self.existing {
            let _ = writeln!(y, "  - ref: {r}");
            block(&mut y, "note", note, 4);
        }
        block(&mut y, "gap", &self.gap, 0);
        y.push_str("potential_approaches:\n");
        for (approach, issues) in &self.approaches {
            y.push_str("  - ");
            block_inline(&mut y, "approach", approach, 4);
            block(&mut y, "implementation_issues", issues, 4);
        }
        block(&mut y, "recommended", &self.recommended, 0);
        y
    }
}

/// `key: |` and the text indented, wrapped near 80 columns.
fn block(y: &mut String, key: &str, text: &str, indent: usize) {
    let _ = writeln!(y, "{:indent$}{key}: |", "");
    block_body(y, text, indent + 2);
}

/// Like [`block`], for the first key of a list item whose `- ` is already written.
fn block_inline(y: &mut String, key: &str, text: &str, indent: usize) {
    let _ = writeln!(y, "{key}: |");
    block_body(y, text, indent + 2);
}

fn block_body(y: &mut String, text: &str, indent: usize) {
    for para in text.split("\n\n").enumerate() {
        if para.0 > 0 {
            y.push('\n');
        }
        let mut line = String::new();
        for word in para.1.split_whitespace() {
            if !line.is_empty() && line.len() + word.len() > 76 {
                let _ = writeln!(y, "{:indent$}{line}", "");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            let _ = writeln!(y, "{:indent$}{line}", "");
        }
    }
}

fn node(y: &mut String, n: &Node, indent: usize, item: bool) {
    // The first key of a list item shares the line of its `- `.
    let pad = |first: bool| if first && item { String::new() } else { " ".repeat(indent) };
    match n {
        Node::Leaf { goal, cost, possible, equipment } => {
            let _ = writeln!(y, "{}goal: \"{goal}\"", pad(true));
            if let Some(cost) = cost {
                let _ = writeln!(y, "{}cost: {cost}", pad(false));
            }
            if !possible {
                let _ = writeln!(y, "{}possible: false", pad(false));
            }
            if *equipment {
                let _ = writeln!(y, "{}equipment: true", pad(false));
            }
        }
        Node::Gate { goal, gate, children } => {
            let _ = writeln!(y, "{}goal: \"{goal}\"\n{}gate: {gate}\n{}children:", pad(true), pad(false), pad(false));
            for child in children {
                let _ = write!(y, "{:w$}- ", "", w = indent + 2);
                node(y, child, indent + 4, true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bibliography_is_read() {
        let ids = reference_ids();
        assert!(ids.len() > 20, "{ids:?}");
        assert!(ids.iter().any(|i| i == "XEP-0178"));
        assert!(ids.iter().any(|i| i.starts_with("RFC ")), "{ids:?}");
    }

    #[test]
    fn attack_trees_have_5_to_30_nodes_and_prose_a_typical_length() {
        let refs = reference_ids();
        let mut rng = Rng::new(3);
        let mut sizes = Vec::new();
        for n in 0..200 {
            let t = Threat::generate(&mut rng, n, &refs);
            assert!((5..=30).contains(&t.tree_nodes()), "{} nodes", t.tree_nodes());
            sizes.push(t.to_yaml().len());
        }
        sizes.sort_unstable();
        // The SIG's real threats are 2–7 KB of YAML.
        let median = sizes[sizes.len() / 2];
        assert!((2_000..8_000).contains(&median), "median threat file {median} bytes");
    }
}
