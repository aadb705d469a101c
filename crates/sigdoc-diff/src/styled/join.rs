//! Joining the compared words into runs: neighbouring words of one change and style
//! make one run, with the spaces and block ends between runs.

use super::tokens::{Seen, Spaced};
use super::{Run, Style};
use crate::words::Op;

/// Builds runs, joining neighbouring words of the same change and style.
#[derive(Default)]
pub(super) struct Runs {
    pub(super) out: Vec<Run>,
    /// The change and style of the last run, while more words may join it.
    open: Option<(Op, Style)>,
}

impl Runs {
    pub(super) fn extend(&mut self, op: Op, tokens: &[Spaced]) {
        for t in tokens {
            match &t.token {
                // A paragraph joined to the next: a struck pilcrow, apart from the words
                // around it.
                Seen::Break if op == Op::Delete => {
                    self.open = None;
                    self.word(op, Style::default(), "¶", true);
                    self.out.push(Run::Space);
                    self.open = None;
                }
                Seen::Break => {
                    self.out.push(Run::Break);
                    self.open = None;
                }
                Seen::Word { text, style } => self.word(op, *style, text, t.space_before),
            }
        }
    }

    fn word(&mut self, op: Op, style: Style, word: &str, space_before: bool) {
        if self.open == Some((op, style))
            && let Some(Run::Words { text, .. }) = self.out.last_mut()
        {
            if space_before {
                text.push(' ');
            }
            text.push_str(word);
            return;
        }
        // The space before a change stays outside it, so that no underline or strike
        // runs into the gap; struck and underlined words side by side need one to read.
        // One space is enough: a struck pilcrow already has its own after it.
        let after_deletion = matches!(self.open, Some((Op::Delete, _))) && op == Op::Insert;
        if (space_before || after_deletion) && !matches!(self.out.last(), Some(Run::Space)) {
            self.out.push(Run::Space);
        }
        self.out.push(Run::Words { op, style, text: word.to_owned() });
        self.open = Some((op, style));
    }
}
