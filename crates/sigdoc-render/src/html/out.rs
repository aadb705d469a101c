//! The page being written: escaped text and attributes, numbered headings, linked notes.

use std::fmt::Write;

use super::fragments::{Fragment, PageCache};

/// A heading written so far, for the contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub(super) struct Heading {
    /// 1 for a section, 2 for a subsection.
    pub level: usize,
    /// The number shown (`2.1`, `A`), empty for an unnumbered heading.
    pub number: String,
    /// The anchor.
    pub id: String,
    /// The title as plain text.
    pub title: String,
}

/// What of the page written so far a part's markup depends on: its section numbers,
/// its notes' numbers, whether it may link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Mark {
    counters: [u32; 6],
    appendix: bool,
    notes: usize,
    in_link: usize,
}

/// An HTML page under construction. Markup is only ever written from literals in this
/// module's callers; whatever comes from a repository goes through [`Out::text`] or
/// [`Out::attr`], which escape it.
#[derive(Debug, Default)]
pub(super) struct Out {
    buf: String,
    /// Section counters per level, from 1.
    counters: [u32; 6],
    /// Whether headings of level 1 are numbered as appendices (A, B, ...).
    appendix: bool,
    /// Every heading that goes into the contents, in order.
    pub headings: Vec<Heading>,
    /// The text of every note, by number from 1.
    pub notes: Vec<String>,
    /// How many links enclose the current position (a link holds no link).
    pub in_link: usize,
}

impl Out {
    /// Markup from a literal of sigdoc's own.
    pub fn raw(&mut self, markup: &str) {
        self.buf.push_str(markup);
    }

    /// Text shown as it is.
    pub fn text(&mut self, text: &str) {
        let text = clean(text);
        html_escape::encode_text_to_string(&text, &mut self.buf);
    }

    /// An attribute ` name="value"`, the value escaped.
    pub fn attr(&mut self, name: &str, value: &str) {
        let _ = write!(self.buf, " {name}=\"");
        html_escape::encode_double_quoted_attribute_to_string(clean(value), &mut self.buf);
        self.buf.push('"');
    }

    /// `<tag class="class">`.
    pub fn open(&mut self, tag: &str, class: Option<&str>) {
        let _ = write!(self.buf, "<{tag}");
        if let Some(class) = class {
            self.attr("class", class);
        }
        self.buf.push('>');
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &str) {
        let _ = write!(self.buf, "</{tag}>");
    }

    /// `<tag class="class">text</tag>`.
    pub fn element(&mut self, tag: &str, class: Option<&str>, text: &str) {
        self.open(tag, class);
        self.text(text);
        self.close(tag);
    }

    /// A number written as it is.
    pub fn number(&mut self, n: impl std::fmt::Display) {
        let _ = write!(self.buf, "{n}");
    }

    /// Writes a part of the page with `write`, or, when `cache` holds the part written
    /// last time under `key` at this same place, that part as it was.
    pub fn fragment(&mut self, cache: Option<&PageCache>, key: u64, write: impl FnOnce(&mut Out)) {
        let Some(cache) = cache else { return write(self) };
        let mark =
            Mark { counters: self.counters, appendix: self.appendix, notes: self.notes.len(), in_link: self.in_link };
        if let Some(kept) = cache.take(key, mark) {
            self.buf.push_str(&kept.html);
            self.headings.extend(kept.headings.iter().cloned());
            self.notes.extend(kept.notes.iter().cloned());
            self.counters = kept.counters_after;
            return;
        }
        let (start, headings, notes) = (self.buf.len(), self.headings.len(), self.notes.len());
        write(self);
        let fragment = Fragment {
            html: self.buf[start..].to_owned(),
            headings: self.headings[headings..].to_vec(),
            notes: self.notes[notes..].to_vec(),
            counters_after: self.counters,
        };
        cache.put(key, mark, fragment);
    }

    /// Takes what was written so far, leaving the buffer empty (counters and notes stay).
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.buf)
    }

    /// Writes into a buffer of its own: what `write` produces, returned rather than kept.
    pub fn aside(&mut self, write: impl FnOnce(&mut Out)) -> String {
        let kept = std::mem::take(&mut self.buf);
        write(self);
        std::mem::replace(&mut self.buf, kept)
    }

    /// From here on, sections are numbered as appendices, from A.
    pub fn start_appendices(&mut self) {
        self.appendix = true;
        self.counters = [0; 6];
    }

    /// Opens a numbered heading of `level` (1 = section) with anchor `id` (by default
    /// `sec.` and its number), whose number links to it; `title` is the plain text for the contents, `outlined` whether it
    /// goes there. The caller writes the heading's content and closes it with
    /// [`Out::close_heading`].
    pub fn open_heading(&mut self, level: usize, id: Option<&str>, title: &str, outlined: bool) {
        let level = level.clamp(1, 6);
        self.counters[level - 1] += 1;
        for deeper in &mut self.counters[level..] {
            *deeper = 0;
        }
        let number = self.heading_number(level);
        let id = id.map_or_else(|| format!("sec.{number}"), str::to_owned);
        let id = id.as_str();
        if outlined && level <= 2 {
            self.headings.push(Heading { level, number: number.clone(), id: id.to_owned(), title: title.to_owned() });
        }
        let tag = heading_tag(level);
        let _ = write!(self.buf, "<{tag}");
        self.attr("id", id);
        self.raw("><a class=\"number\"");
        self.attr("href", &format!("#{id}"));
        self.raw(" title=\"Link to this section\">");
        if self.appendix && level == 1 {
            self.raw("Appendix ");
            self.text(&number);
            self.raw(":</a> ");
        } else {
            self.text(&number);
            self.raw("</a> ");
        }
    }

    /// Closes a heading opened with [`Out::open_heading`].
    pub fn close_heading(&mut self, level: usize) {
        self.close(heading_tag(level.clamp(1, 6)));
    }

    /// A numbered heading whose content is plain text.
    pub fn heading(&mut self, level: usize, id: &str, title: &str, outlined: bool) {
        self.open_heading(level, Some(id), title, outlined);
        self.text(title);
        self.close_heading(level);
    }

    fn heading_number(&self, level: usize) -> String {
        let parts: Vec<String> = self.counters[..level]
            .iter()
            .enumerate()
            .map(|(i, n)| if i == 0 && self.appendix { appendix_letter(*n) } else { n.to_string() })
            .collect();
        parts.join(".")
    }

    /// Adds a note and writes its marker: a superscript number linking to the note,
    /// which links back. Returns the note's number.
    pub fn note(&mut self, body: String) -> usize {
        self.notes.push(body);
        let n = self.notes.len();
        self.note_marker(n, true);
        n
    }

    /// The marker of note `n`; the first marker of a note is the one its note links back to.
    pub fn note_marker(&mut self, n: usize, first: bool) {
        if self.in_link > 0 {
            // A link holds no link: the number alone.
            let _ = write!(self.buf, "<sup class=\"note-ref\">{n}</sup>");
        } else if first {
            let _ = write!(self.buf, "<sup class=\"note-ref\"><a id=\"note-ref.{n}\" href=\"#note.{n}\">{n}</a></sup>");
        } else {
            let _ = write!(self.buf, "<sup class=\"note-ref\"><a href=\"#note.{n}\">{n}</a></sup>");
        }
    }
}

/// Level 1 sections are `<h2>`: the document's title is the page's one `<h1>`.
fn heading_tag(level: usize) -> &'static str {
    ["h2", "h3", "h4", "h5", "h6", "h6"][level.clamp(1, 6) - 1]
}

/// `A` for 1, `Z` for 26, `AA` for 27: as Typst numbers appendices.
fn appendix_letter(n: u32) -> String {
    let mut n = n;
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    letters.iter().rev().collect()
}

/// Text as HTML may hold it: control characters and noncharacters, which HTML forbids
/// even escaped, become U+FFFD; tabs and line breaks stay.
fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let forbidden = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
            || (c as u32 & 0xFFFE) == 0xFFFE
    };
    if text.contains(forbidden) {
        text.chars().map(|c| if forbidden(c) { '\u{FFFD}' } else { c }).collect::<String>().into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut out = Out::default();
        out.open("p", Some("a\"b"));
        out.text("<script>alert(1)</script> & \u{0}\u{1b}");
        out.close("p");
        assert_eq!(
            out.take(),
            "<p class=\"a&quot;b\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u{FFFD}\u{FFFD}</p>"
        );
    }

    #[test]
    fn headings_are_numbered_like_the_pdf() {
        let mut out = Out::default();
        out.heading(1, "a", "Intro", true);
        out.heading(2, "b", "Scope", true);
        out.heading(3, "c", "Field", false);
        out.heading(1, "d", "Next", true);
        out.start_appendices();
        out.heading(1, "e", "Info", true);
        out.heading(2, "f", "Sub", true);
        let numbers: Vec<&str> = out.headings.iter().map(|h| h.number.as_str()).collect();
        assert_eq!(numbers, ["1", "1.1", "2", "A", "A.1"]);
        let html = out.take();
        assert!(html.contains(
            "<h4 id=\"c\"><a class=\"number\" href=\"#c\" title=\"Link to this section\">1.1.1</a> Field</h4>"
        ));
        assert!(html.contains("Appendix A:</a> Info</h2>"));
        assert_eq!(appendix_letter(27), "AA");
    }
}
