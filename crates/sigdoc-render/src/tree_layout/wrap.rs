//! Breaking a box's text into lines that fit its width, with an ellipsis past the last allowed line.

/// Breaks text into lines no wider than `max_em`, between words where it can and
/// between characters in a word that is too long alone; more than `max_lines` lines
/// end in an ellipsis.
pub(super) fn wrap(text: &str, max_em: f64, max_lines: usize, measure: &dyn Fn(&str) -> f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        // Stop early: a hostile goal may be megabytes long.
        if lines.len() > max_lines {
            break;
        }
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if measure(&candidate) <= max_em {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if measure(word) <= max_em {
            line = word.to_owned();
            continue;
        }
        for ch in word.chars() {
            line.push(ch);
            if measure(&line) > max_em && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(ch);
                if lines.len() > max_lines {
                    break;
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && measure(&format!("{last}…")) > max_em {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use sigdoc_model::Gate;

    use crate::tree_layout::test_support::{check_part, half_em, leaf, node, plan};
    use crate::tree_layout::{PAGE_AREA, Style};

    #[test]
    fn long_goals_wrap_inside_their_boxes_and_hostile_ones_end_in_an_ellipsis() {
        let long = "Obtain a certificate for the victim's domain from a certificate authority that validates \
                    control of the domain over an unauthenticated channel";
        let word = "x".repeat(10_000);
        let huge = "word ".repeat(200_000);
        let tree = node("Goal", Gate::Or, vec![leaf(long, Some(1.0)), leaf(&word, Some(2.0)), leaf(&huge, None)]);
        let style = Style::default();
        let part = &plan(&tree, PAGE_AREA).parts[0];
        check_part(part, PAGE_AREA, &style, &half_em);
        let goal =
            |i: usize| part.boxes[i].lines.iter().filter(|l| !l.info).map(|l| l.text.as_str()).collect::<Vec<_>>();
        assert!(goal(1).len() > 2, "a long goal takes several lines");
        assert_eq!(goal(1).join(" "), long, "wrapping keeps every word");
        assert_eq!(goal(2).len(), style.max_lines);
        assert!(goal(2).last().unwrap().ends_with('…'));
        assert_eq!(goal(3).len(), style.max_lines);
    }
}
