//! YAML parsing with source locations: a bounded event pass for places, then serde_yaml for values.
//!
//! Files come from strangers, so the order matters. yaml-rust2's event parser reads the
//! text first, one event at a time, and refuses a document nested deeper than
//! [`MAX_NESTING`] before libyaml (inside serde_yaml) sees it: libyaml keeps one
//! simple-key entry per open flow collection and scans them all at every token, so a
//! deep nest costs it quadratic time. The same pass records where every key and value
//! stands and counts the values aliases add, which serde_yaml would otherwise build
//! without a useful bound. serde_yaml then resolves the values.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde::de::IgnoredAny;
use serde_yaml::Value;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, Scanner, Token, TokenType};

use crate::Diagnostic;
use crate::text::{check_characters, escape_controls};

/// The deepest nesting of collections (lists and mappings) a YAML document may have.
///
/// An attack tree 32 levels deep nests about 66 (a mapping and a `children` list per
/// level); serde_yaml gives up at 128, and libyaml slows down quadratically long before a
/// hostile file runs out of brackets.
pub const MAX_NESTING: usize = 100;

/// The most values aliases may add to a document. serde_yaml builds every expansion, at a
/// few hundred bytes a value, and allows a hundred expansions per event of the text: a
/// megabyte of aliases to a ten-item list took it a gigabyte.
pub const MAX_ALIAS_VALUES: u64 = 100_000;

/// How much text past yaml-rust2's syntax error serde_yaml reads to word the error: libyaml
/// often notices a problem a line later, and the margin holds too few brackets to slow it.
const SERDE_MARGIN: usize = 4096;

/// yaml-rust2's scanner error when more than 255 flow collections are open.
const FLOW_OVERFLOW: &str = "recursion limit exceeded";

/// serde_yaml's wording, kept: the documents are single YAML documents.
const MORE_THAN_ONE_DOCUMENT: &str = "deserializing from YAML containing more than one document is not supported";

/// One step of the path from a document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key (as written, for string keys).
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root to a value.
pub type YamlPath = Vec<Seg>;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A parsed YAML file: its value and where each key and value stands.
#[derive(Debug, Clone)]
pub struct YamlDoc {
    /// The path shown to users.
    pub file: String,
    /// The value, as serde_yaml resolves it.
    pub value: Value,
    index: LocIndex,
    end: TextEnd,
    line_offset: usize,
}

impl YamlDoc {
    /// Parses `text`; `line_offset` is added to every line (for front matter).
    ///
    /// Refuses, with a located error, forbidden characters, syntax errors, documents nested
    /// deeper than [`MAX_NESTING`], aliases expanding too far and a second document.
    pub fn parse(file: &str, text: &str, line_offset: usize) -> Result<YamlDoc, Diagnostic> {
        check_characters(file, text, line_offset)?;
        let end = TextEnd::of(text);
        let fail = |at: Pos, message: &str| {
            let loc = end.clamp(at.loc());
            Diagnostic::error(file, loc.line + line_offset, loc.column, escape_controls(message))
        };
        let pass = event_pass(text);
        let second = match pass.ending {
            Ending::End => None,
            Ending::SecondDocument { cut, at } => Some((cut, at)),
            Ending::TooDeep(at) => return Err(fail(at, &too_deep())),
            Ending::TooManyAliases(at) => {
                let message = format!(
                    "aliases add more than {MAX_ALIAS_VALUES} values to the document (YAML aliases expanding too far are refused)"
                );
                return Err(fail(at, &message));
            }
            Ending::Invalid(error) => {
                let (at, message) = syntax_error(text, &error, pass.duplicate, pass.aliases);
                return Err(fail(at, &message));
            }
        };
        // serde_yaml reads the first document only: the event pass has not vetted the rest.
        let first = second.map_or(text, |(cut, _)| &text[..cut]);
        if pass.anchors
            && let Some((at, name)) = redefined_anchor(first)
        {
            return Err(fail(at, &format!("anchor \"{name}\" is defined twice: give each anchor its own name")));
        }
        let value = serde_yaml::from_str(first).map_err(|err| {
            let (at, message) = serde_error(&err, pass.duplicate, pass.aliases);
            fail(at, &message)
        })?;
        if let Some((_, at)) = second {
            return Err(fail(at, MORE_THAN_ONE_DOCUMENT));
        }
        Ok(YamlDoc { file: file.to_owned(), value, index: pass.index, end, line_offset })
    }

    /// Where the value at `path` starts, or the nearest ancestor's place.
    pub fn value_loc(&self, path: &[Seg]) -> Loc {
        self.index.find(path).map_or(Loc { line: 1, column: 1 }, |(node, _)| self.shift(node.value))
    }

    /// Where the key of the value at `path` stands, or the value's place.
    pub fn key_loc(&self, path: &[Seg]) -> Loc {
        match self.index.find(path) {
            Some((node, true)) if node.key != Pos::NONE => self.shift(node.key),
            _ => self.value_loc(path),
        }
    }

    /// Where the `n`-th key (0-based, in the order written, which serde_yaml's mappings
    /// keep) of the mapping at `path` stands, or the mapping's place. Unlike
    /// [`key_loc`](Self::key_loc), this finds keys that are not strings.
    pub fn nth_key_loc(&self, path: &[Seg], n: usize) -> Loc {
        match self.index.find(path) {
            // A list's items have no key place, so they fall back to the list too.
            Some((node, true)) => {
                let key = node.items.get(n).and_then(|&id| self.index.nodes.get(id as usize)).map(|entry| entry.key);
                self.shift(key.filter(|&key| key != Pos::NONE).unwrap_or(node.value))
            }
            _ => self.value_loc(path),
        }
    }

    fn shift(&self, pos: Pos) -> Loc {
        let loc = self.end.clamp(pos.loc());
        Loc { line: loc.line + self.line_offset, column: loc.column }
    }

    /// An error at the value of `path`.
    ///
    /// Like every diagnostic made here, its message has its control characters escaped
    /// (see [`escape_controls`]): messages quote the file's text, and are printed to terminals.
    pub fn error_at(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.value_loc(path);
        Diagnostic::error(&self.file, loc.line, loc.column, escaped(message))
    }

    /// An error at the key of `path`.
    pub fn error_at_key(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.key_loc(path);
        Diagnostic::error(&self.file, loc.line, loc.column, escaped(message))
    }

    /// An error at the `n`-th key of the mapping at `path` (see [`nth_key_loc`](Self::nth_key_loc)).
    pub fn error_at_nth_key(&self, path: &[Seg], n: usize, message: impl Into<String>) -> Diagnostic {
        let loc = self.nth_key_loc(path, n);
        Diagnostic::error(&self.file, loc.line, loc.column, escaped(message))
    }

    /// A warning at the key of `path`.
    pub fn warning_at_key(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.key_loc(path);
        Diagnostic::warning(&self.file, loc.line, loc.column, escaped(message))
    }
}

/// A message without raw control characters; escaping twice changes nothing.
fn escaped(message: impl Into<String>) -> String {
    let message = message.into();
    match escape_controls(&message) {
        Cow::Borrowed(_) => message,
        Cow::Owned(escaped) => escaped,
    }
}

fn too_deep() -> String {
    format!("the YAML is nested more than {MAX_NESTING} levels deep")
}

/// The last place in a text, measured once per file: clamping every location by
/// counting lines again made loading quadratic in a file's size.
#[derive(Debug, Clone)]
struct TextEnd {
    line: usize,
    column: usize,
}

impl TextEnd {
    fn of(text: &str) -> TextEnd {
        let line = text.split('\n').count();
        TextEnd { line, column: text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1 }
    }

    /// Keeps a place inside the text: at the end of a text, the parsers name the line
    /// after the last one (found by fuzzing); the end of the last line is where the
    /// problem is.
    fn clamp(&self, loc: Loc) -> Loc {
        if loc.line <= self.line { loc } else { Loc { line: self.line, column: self.column } }
    }
}

/// A 1-based line and column in eight bytes: the index holds one per key and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    line: u32,
    column: u32,
}

impl Pos {
    const START: Pos = Pos { line: 1, column: 1 };
    /// The key place of a value that no key names (the root, a list item).
    const NONE: Pos = Pos { line: 0, column: 0 };

    fn new(line: usize, column: usize) -> Pos {
        Pos { line: saturate(line), column: saturate(column) }
    }

    /// yaml-rust2's lines are 1-based, its columns 0-based.
    fn of(mark: &Marker) -> Pos {
        Pos::new(mark.line(), mark.col() + 1)
    }

    fn loc(self) -> Loc {
        Loc { line: self.line as usize, column: self.column as usize }
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The byte offset of the character with index `chars` (yaml-rust2 counts characters).
fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

/// Where keys and values stand: an arena of nodes, one per value, in document order.
///
/// Each value costs one node and, when a mapping key names it, one map entry keyed by
/// (mapping, interned key name); key names are stored once per distinct name. Node 0 is
/// the document's root.
#[derive(Debug, Clone, Default)]
struct LocIndex {
    nodes: Vec<Node>,
    names: HashMap<Box<str>, u32>,
    entries: HashMap<(u32, u32), u32>,
}

#[derive(Debug, Clone)]
struct Node {
    /// Where the value starts.
    value: Pos,
    /// Where its key stands, or [`Pos::NONE`].
    key: Pos,
    kind: Kind,
    /// A list's items, or a mapping's values in the order their keys are written.
    items: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Sequence,
    Mapping,
}

impl LocIndex {
    /// The node at `path`, or its nearest recorded ancestor; and whether it is the node itself.
    fn find(&self, path: &[Seg]) -> Option<(&Node, bool)> {
        let mut id = 0;
        let mut node = self.nodes.first()?;
        for seg in path {
            let child = match seg {
                // Only mappings have entries.
                Seg::Key(key) => self.names.get(key.as_str()).and_then(|name| self.entries.get(&(id, *name))).copied(),
                Seg::Index(i) if node.kind == Kind::Sequence => node.items.get(*i).copied(),
                _ => None,
            };
            match child.and_then(|c| Some((c, self.nodes.get(c as usize)?))) {
                Some((c, next)) => (id, node) = (c, next),
                None => return Some((node, false)),
            }
        }
        Some((node, true))
    }
}

/// What the event pass found.
struct Pass {
    index: LocIndex,
    /// The first key written twice in one mapping.
    duplicate: Option<Pos>,
    /// Whether the text uses aliases.
    aliases: bool,
    /// Whether the text defines anchors.
    anchors: bool,
    ending: Ending,
}

/// How the event pass ended.
enum Ending {
    /// The stream ended after one document.
    End,
    /// A second document starts at `at`; the first ends at byte `cut`.
    SecondDocument { cut: usize, at: Pos },
    /// The collection at this place is nested more than [`MAX_NESTING`] deep.
    TooDeep(Pos),
    /// The alias at this place makes aliases add more than [`MAX_ALIAS_VALUES`] values.
    TooManyAliases(Pos),
    /// yaml-rust2 found a syntax error.
    Invalid(ScanError),
}

/// Reads the text event by event, so that it can stop at the first collection nested too
/// deep or at a second document, and builds the location index on the way.
fn event_pass(text: &str) -> Pass {
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::default();
    let mut growth = Growth::default();
    let mut documents = 0usize;
    let mut first_end = usize::MAX;
    let ending = loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(error) => break Ending::Invalid(error),
        };
        let at = Pos::of(&mark);
        match event {
            Event::StreamEnd => break Ending::End,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    let at = document_start(&mut parser, at);
                    break Ending::SecondDocument { cut: byte_offset(text, first_end), at };
                }
            }
            Event::DocumentEnd => first_end = first_end.min(mark.index()),
            _ => match growth.on_event(&event) {
                Ok(()) => builder.on_event(event, at),
                Err(Excess::Nesting) => break Ending::TooDeep(collection_start(&mut parser, &event, at)),
                Err(Excess::Aliases) => break Ending::TooManyAliases(at),
            },
        }
    };
    let anchors = !growth.anchored.is_empty();
    Pass { index: builder.index, duplicate: builder.duplicate, aliases: builder.aliases, anchors, ending }
}

/// What serde_yaml would build, counted as the events go: the nesting of collections, and
/// the values that aliases add (an alias adds its anchor's values, aliases inside included).
#[derive(Default)]
struct Growth {
    /// The open collections: their anchor (0 for none) and how many values they hold.
    open: Vec<(usize, u64)>,
    /// How many values each finished anchored node holds.
    anchored: HashMap<usize, u64>,
    /// How many values aliases added so far.
    added: u64,
}

/// A limit that an event crossed.
enum Excess {
    Nesting,
    Aliases,
}

impl Growth {
    fn on_event(&mut self, event: &Event) -> Result<(), Excess> {
        match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((*anchor, 1));
                if self.open.len() > MAX_NESTING {
                    return Err(Excess::Nesting);
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, values)) = self.open.pop() {
                    self.finish(anchor, values);
                }
            }
            Event::Scalar(_, _, anchor, _) => self.finish(*anchor, 1),
            Event::Alias(anchor) => {
                // An alias to a node still open (recursion) counts as one value here;
                // serde_yaml refuses it.
                let values = self.anchored.get(anchor).copied().unwrap_or(1);
                self.finish(0, values);
                self.added = self.added.saturating_add(values - 1);
                if self.added > MAX_ALIAS_VALUES {
                    return Err(Excess::Aliases);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Counts a finished node of `values` values in its parent, and under its anchor.
    fn finish(&mut self, anchor: usize, values: u64) {
        if anchor != 0 {
            self.anchored.insert(anchor, values);
        }
        if let Some((_, parent)) = self.open.last_mut() {
            *parent = parent.saturating_add(values);
        }
    }
}

/// The first anchor defined a second time, and where. YAML lets an alias name the latest
/// node of its anchor, but serde_yaml numbers anchors by how many names it has seen, so
/// after a redefinition an alias can expand to another, larger node than the event pass
/// counted (`&a 1`, `&b 2`, `&a 3`, `&c [...]`: `*a` is the list). The events do not name
/// anchors; the tokens do, so they are read again, when there are anchors at all.
fn redefined_anchor(text: &str) -> Option<(Pos, String)> {
    let mut names = std::collections::HashSet::new();
    Scanner::new(text.chars()).find_map(|Token(mark, token)| match token {
        TokenType::Anchor(name) if !names.insert(name.clone()) => Some((Pos::of(&mark), name)),
        _ => None,
    })
}

/// Where a collection starts: the parser marks a block mapping after its first key, so
/// the key (the next event) is where it starts.
fn collection_start(parser: &mut Parser<std::str::Chars<'_>>, event: &Event, at: Pos) -> Pos {
    match (event, parser.next_token()) {
        (Event::MappingStart(..), Ok((_, next))) => at.min(Pos::of(&next)),
        _ => at,
    }
}

/// Where a second document starts: at its `---`, or, when it starts without one (after
/// a `...`), at its first node, which may lie before the marks of its first events.
fn document_start(parser: &mut Parser<std::str::Chars<'_>>, at: Pos) -> Pos {
    let mut start = at;
    for _ in 0..2 {
        match parser.next_token() {
            Ok((Event::DocumentEnd | Event::StreamEnd, _)) | Err(_) => break,
            Ok((_, mark)) => start = start.min(Pos::of(&mark)),
        }
    }
    start
}

/// Words a syntax error that yaml-rust2 found at `error`.
///
/// serde_yaml's wording is kept (users and tests know it), but serde_yaml only reads the
/// text up to a little past yaml-rust2's error: everything before it is known to be
/// shallow enough for libyaml, what follows is not.
fn syntax_error(text: &str, error: &ScanError, duplicate: Option<Pos>, aliases: bool) -> (Pos, String) {
    let at = Pos::of(error.marker());
    let stop = byte_offset(text, error.marker().index());
    if error.info() == FLOW_OVERFLOW {
        // The scanner reads a flow collection to its end before the parser emits its
        // start, so it met its 256th level before the parser reached the limit; the text
        // before that point holds the collection that crosses the limit.
        let deeper = match event_pass(&text[..stop]).ending {
            Ending::TooDeep(deeper) => deeper,
            _ => at,
        };
        return (deeper, too_deep());
    }
    let cut = serde_cut(text, stop);
    // serde_yaml deserializes the events it parsed before its syntax error, and only then
    // reports the error: building a `Value` would expand aliases that the event pass has
    // not counted (its parser lags behind its scanner). Ignoring them expands none.
    match serde_yaml::from_str::<IgnoredAny>(&text[..cut]) {
        Err(err) if err.location().is_some_and(|l| !is_past_cut(text, cut, l.line())) => {
            serde_error(&err, duplicate, aliases)
        }
        // serde_yaml accepts the text, or stumbles over the cut: yaml-rust2's words then.
        _ => (at, error.info().to_owned()),
    }
}

/// Where serde_yaml's text ends after yaml-rust2 stopped at byte `stop`: whole lines up
/// to [`SERDE_MARGIN`] bytes later, or exactly there when the error's line is longer.
fn serde_cut(text: &str, stop: usize) -> usize {
    let limit = text.floor_char_boundary(stop.saturating_add(SERDE_MARGIN));
    if limit >= text.len() {
        return text.len();
    }
    match text[stop..limit].find('\n') {
        Some(_) => text[..limit].rfind('\n').map_or(limit, |i| i + 1),
        None => limit,
    }
}

/// Whether an error on `line` may be an artifact of cutting the text at byte `cut`: it
/// lies on the last line kept, or past it.
fn is_past_cut(text: &str, cut: usize, line: usize) -> bool {
    cut < text.len() && line > text[..cut.saturating_sub(1)].matches('\n').count()
}

/// The place and wording of a serde_yaml error.
fn serde_error(err: &serde_yaml::Error, duplicate: Option<Pos>, aliases: bool) -> (Pos, String) {
    let message = clean_yaml_message(&err.to_string(), aliases);
    let at = err.location().map_or(Pos::START, |l| Pos::new(l.line(), l.column()));
    // serde_yaml does not say where a duplicate key is; the event pass does.
    match duplicate {
        Some(key) if message.contains("duplicate entry") => (key, message),
        _ => (at, message),
    }
}

/// serde_yaml appends " at line X column Y" to its messages; the location is printed
/// separately, so drop it. Its limits get a word on what they refuse.
fn clean_yaml_message(message: &str, aliases: bool) -> String {
    let text = strip_location(message);
    if text.contains("repetition limit exceeded") {
        format!("{text} (YAML aliases expanding too far are refused)")
    } else if text.contains("recursion limit exceeded") {
        let how = if aliases { " once its aliases are expanded" } else { "" };
        format!("{text} (the YAML is nested too deeply{how})")
    } else {
        text.to_owned()
    }
}

fn strip_location(message: &str) -> &str {
    const AT: &str = " at line ";
    // A duplicate key is quoted before the location and may hold the words: there the
    // location ends the message. Other messages go on with ", while parsing ...".
    let at = if message.contains("duplicate entry") {
        message.rfind(AT).filter(|&i| is_line_and_column(&message[i + AT.len()..], true))
    } else {
        message.match_indices(AT).map(|(i, _)| i).find(|&i| is_line_and_column(&message[i + AT.len()..], false))
    };
    at.map_or(message, |i| &message[..i])
}

/// Whether `text` starts with "N column M", followed by nothing or (unless `ends`) a comma.
fn is_line_and_column(text: &str, ends: bool) -> bool {
    let number = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let line = number(text);
    let Some(rest) = text[line..].strip_prefix(" column ").filter(|_| line > 0) else { return false };
    let column = number(rest);
    column > 0 && (rest.len() == column || (!ends && rest[column..].starts_with(',')))
}

/// Builds the location index from the marked event stream.
#[derive(Default)]
struct Builder {
    index: LocIndex,
    stack: Vec<Frame>,
    /// Interned text of anchored scalars, so that an alias used as a key names it.
    anchors: HashMap<usize, u32>,
    duplicate: Option<Pos>,
    aliases: bool,
}

/// An open collection.
struct Frame {
    node: u32,
    state: State,
}

#[derive(Clone, Copy)]
enum State {
    Sequence,
    /// A mapping awaiting its next key.
    Key,
    /// A mapping awaiting the value of a key: the key's name (unless it is a collection
    /// or an alias of one) and place.
    Value {
        name: Option<u32>,
        key: Pos,
    },
    /// Inside a key that is itself a collection, `open` collections deep.
    ComplexKey {
        open: usize,
        key: Pos,
    },
}

impl Builder {
    fn on_event(&mut self, event: Event, at: Pos) {
        if matches!(event, Event::Alias(_)) {
            self.aliases = true;
        }
        if self.in_complex_key(&event) {
            return;
        }
        let awaiting_key = matches!(self.stack.last(), Some(Frame { state: State::Key, .. }));
        match event {
            Event::Scalar(text, _, anchor, _) => {
                let name = (awaiting_key || anchor != 0).then(|| self.intern(text));
                if let Some(name) = name.filter(|_| anchor != 0) {
                    self.anchors.insert(anchor, name);
                }
                if awaiting_key {
                    self.key(State::Value { name, key: at }, at);
                } else {
                    self.place(at, Kind::Scalar);
                }
            }
            Event::Alias(anchor) => {
                if awaiting_key {
                    let name = self.anchors.get(&anchor).copied();
                    self.key(State::Value { name, key: at }, at);
                } else {
                    self.place(at, Kind::Scalar);
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if awaiting_key {
                    self.key(State::ComplexKey { open: 1, key: at }, at);
                    return;
                }
                let (kind, state) = match event {
                    Event::SequenceStart(..) => (Kind::Sequence, State::Sequence),
                    _ => (Kind::Mapping, State::Key),
                };
                let node = self.place(at, kind);
                self.stack.push(Frame { node, state });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }

    /// Follows the nesting inside a complex key (whose contents no path names); true
    /// while inside one.
    fn in_complex_key(&mut self, event: &Event) -> bool {
        let Some(frame) = self.stack.last_mut() else { return false };
        let State::ComplexKey { open, key } = &mut frame.state else { return false };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => *open += 1,
            Event::SequenceEnd | Event::MappingEnd => {
                *open -= 1;
                if *open == 0 {
                    frame.state = State::Value { name: None, key: *key };
                }
            }
            _ => {}
        }
        true
    }

    /// Notes a key of the innermost mapping. The parser marks a block mapping's start
    /// after its first key, so the mapping's place moves to that key.
    fn key(&mut self, state: State, at: Pos) {
        let Some(frame) = self.stack.last_mut() else { return };
        frame.state = state;
        if let Some(map) = self.index.nodes.get_mut(frame.node as usize)
            && map.items.is_empty()
        {
            map.value = map.value.min(at);
        }
    }

    /// Adds a value starting at `at` to the innermost collection; returns its node.
    fn place(&mut self, at: Pos, kind: Kind) -> u32 {
        // Ids outside u32 would need a text of billions of values; they only blur places.
        let id = saturate(self.index.nodes.len());
        let mut key = Pos::NONE;
        if let Some(frame) = self.stack.last_mut() {
            let name = match frame.state {
                State::Value { name, key: place } => {
                    frame.state = State::Key;
                    key = place;
                    name
                }
                _ => None,
            };
            let parent = frame.node;
            if let Some(node) = self.index.nodes.get_mut(parent as usize) {
                node.items.push(id);
            }
            if let Some(name) = name {
                match self.index.entries.entry((parent, name)) {
                    Entry::Occupied(_) => {
                        self.duplicate.get_or_insert(key);
                    }
                    Entry::Vacant(entry) => {
                        entry.insert(id);
                    }
                }
            }
        }
        self.index.nodes.push(Node { value: at, key, kind, items: Vec::new() });
        id
    }

    fn intern(&mut self, text: String) -> u32 {
        if let Some(&id) = self.index.names.get(text.as_str()) {
            return id;
        }
        let id = saturate(self.index.names.len());
        self.index.names.insert(text.into_boxed_str(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_owned())
    }

    #[test]
    fn locates_nested_keys_and_values() {
        let text = "a: 1\nb:\n  - x\n  - c: {d: 2}\n";
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
        assert_eq!(doc.value_loc(&[key("a")]), Loc { line: 1, column: 4 });
        assert_eq!(doc.key_loc(&[key("b")]), Loc { line: 2, column: 1 });
        assert_eq!(doc.value_loc(&[key("b"), Seg::Index(0)]), Loc { line: 3, column: 5 });
        assert_eq!(doc.key_loc(&[key("b"), Seg::Index(1), key("c"), key("d")]), Loc { line: 4, column: 9 });
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(doc.value_loc(&[key("b"), Seg::Index(7)]), Loc { line: 3, column: 3 });
    }

    #[test]
    fn values_without_keys_have_their_own_place_as_key() {
        let doc = YamlDoc::parse("f.md", "- a\n- b: 1\n", 1).unwrap();
        assert_eq!(doc.key_loc(&[Seg::Index(1)]), Loc { line: 3, column: 3 });
        assert_eq!(doc.key_loc(&[]), Loc { line: 2, column: 1 });
        assert_eq!(doc.key_loc(&[Seg::Index(1), key("b")]), Loc { line: 3, column: 3 });
        assert_eq!(doc.value_loc(&[Seg::Index(1), key("b")]), Loc { line: 3, column: 6 });
    }

    #[test]
    fn front_matter_offset_shifts_lines() {
        let doc = YamlDoc::parse("f.md", "title: x\n", 1).unwrap();
        assert_eq!(doc.key_loc(&[key("title")]).line, 2);
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = YamlDoc::parse("f.yaml", "a: 1\nb: [1, 2\n", 0).unwrap_err();
        assert_eq!(err.file, "f.yaml");
        assert!(err.line >= 2, "{err}");
        assert!(!err.message.contains(" at line "), "{err}");
    }

    /// Found by fuzzing (fuzz target `load`): an error at the end of a file without a
    /// final newline was placed on a line the file does not have.
    #[test]
    fn errors_at_the_end_of_the_text_stay_inside_it() {
        let text = "# The group behind theQQQQQQQQWQQQQQQQQQQ.QQQQQQ\n    - {le: s ";
        let err = YamlDoc::parse("f.yaml", text, 0).unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.column <= 15, "{err}");
        let err = YamlDoc::parse("f.md", "a: [1,\n", 1).unwrap_err();
        assert!(err.line <= 3, "{err}");
        // A document of only a start marker: its (empty) value is on the marker's line.
        let doc = YamlDoc::parse("f.yaml", "---", 0).unwrap();
        assert_eq!(doc.value_loc(&[]), Loc { line: 1, column: 4 });
    }

    #[test]
    fn duplicate_keys_are_located() {
        let err = YamlDoc::parse("f.yaml", "a: 1\nb:\n  c: 1\n  c: 2\n", 0).unwrap_err();
        assert!(err.message.contains("duplicate"), "{err}");
        assert_eq!((err.line, err.column), (4, 3), "{err}");
    }

    #[test]
    fn a_block_mapping_starts_at_its_first_key() {
        let doc = YamlDoc::parse("f.yaml", "# comment\nname: x\nlegal:\n  copyright: y\n", 0).unwrap();
        assert_eq!(doc.value_loc(&[]), Loc { line: 2, column: 1 });
        assert_eq!(doc.value_loc(&[key("legal")]), Loc { line: 4, column: 3 });
        let doc = YamlDoc::parse("f.yaml", "a: {b: 1}\n", 0).unwrap();
        assert_eq!(doc.value_loc(&[key("a")]), Loc { line: 1, column: 4 });
    }

    fn err(text: &str) -> Diagnostic {
        YamlDoc::parse("f.yaml", text, 0).unwrap_err()
    }

    fn at(d: &Diagnostic) -> (usize, usize) {
        (d.line, d.column)
    }

    /// Issue 13: the index stored a whole key path per value, and an 870 KB file took 8 GB.
    #[test]
    fn the_index_holds_one_node_per_value_and_each_name_once() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!("k{i}:\n  goal: g\n  children:\n    - {{goal: a, cost: 1}}\n    - [x, y]\n"));
        }
        let doc = YamlDoc::parse("f.yaml", &text, 0).unwrap();
        // The root; per entry its mapping, the goal, the list, the flow mapping and its
        // two values, the inner list and its two items.
        assert_eq!(doc.index.nodes.len(), 1 + 200 * 9);
        // k0..k199, goal, children, cost: names are interned, not stored per path.
        assert_eq!(doc.index.names.len(), 203);
        assert_eq!(doc.index.entries.len(), 200 * 5);
        let path = [key("k199"), key("children"), Seg::Index(1), Seg::Index(1)];
        assert_eq!(doc.value_loc(&path), Loc { line: 1000, column: 11 });
        assert_eq!(
            doc.key_loc(&[key("k199"), key("children"), Seg::Index(0), key("cost")]),
            Loc { line: 999, column: 17 }
        );
        // A key is not an index, nor an index a key.
        assert_eq!(doc.value_loc(&[key("k0"), Seg::Index(0)]), Loc { line: 2, column: 3 });
        assert_eq!(doc.value_loc(&[key("k0"), key("children"), key("0")]), Loc { line: 4, column: 5 });
    }

    /// Issue 13: 200,000 `[` took libyaml 49 s; the scanner of yaml-rust2 stops at 256
    /// flow levels, before the parser reaches ours.
    #[test]
    fn deep_flow_nesting_is_refused_at_the_collection_that_crosses_the_limit() {
        for text in ["[".repeat(200_000), format!("{}{}", "[".repeat(300), "]".repeat(300))] {
            let e = err(&text);
            assert_eq!(at(&e), (1, 101), "{e}");
            assert_eq!(e.message, "the YAML is nested more than 100 levels deep");
        }
        let e = err(&format!("a: {}", "{b: ".repeat(5000)));
        // The root mapping is the first level, so the 100th brace is the 101st.
        assert_eq!(at(&e), (1, 4 + 4 * 99), "{e}");
        assert!(e.message.contains("more than 100 levels"), "{e}");
        // Exactly the limit is fine.
        let text = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
        let text = format!("a: {}1{}", "[".repeat(MAX_NESTING - 1), "]".repeat(MAX_NESTING - 1));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        // Sequences: the 101st "- " starts at column 201.
        let e = err(&"- ".repeat(500_000));
        assert_eq!(at(&e), (1, 201), "{e}");
        // Mappings, one per line: the 101st starts at its first key, not after it.
        let text: String = (0..150).map(|i| format!("{}a:\n", "  ".repeat(i))).collect();
        let e = YamlDoc::parse("f.md", &text, 1).unwrap_err();
        assert_eq!(at(&e), (102, 201), "{e}");
        let text: String = (0..MAX_NESTING).map(|i| format!("{}a:\n", "  ".repeat(i))).collect();
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
    }

    /// The scanner may meet a syntax error far ahead of the parser's events: serde_yaml
    /// then reads only a little past it, never the deep nest that follows.
    #[test]
    fn a_syntax_error_before_a_deep_nest_keeps_serde_yamls_words() {
        let e = err(&format!("a: b: c\nd: {}", "[".repeat(200_000)));
        assert_eq!(at(&e), (1, 5), "{e}");
        assert_eq!(e.message, "mapping values are not allowed in this context");
        let e = err(&format!("a: [b, {}", "[".repeat(200_000)));
        assert_eq!(e.line, 1, "{e}");
        assert!(e.message.contains("nested more than 100"), "{e}");
    }

    /// libyaml often notices a problem a line after yaml-rust2 does: its line is kept.
    #[test]
    fn serde_yaml_sees_the_lines_after_the_error() {
        let tail = "z: 1\n".repeat(10_000);
        let e = err(&format!("a:\n  b: 1\n\tc: 2\n{tail}"));
        assert_eq!((at(&e), e.message.as_str()), ((3, 1), "found a tab character that violates indentation"));
        let e = err(&format!("name: x\ntags: [v*\nvenue: |\n  d\n{tail}"));
        assert_eq!((at(&e), e.message.as_str()), ((3, 6), "did not find expected ',' or ']'"));
        // An error line longer than the margin: serde_yaml reads it only in part, and its
        // complaint about the cut is not taken; yaml-rust2's words are.
        let e = err(&format!("a: b: {}\n", "c".repeat(10_000)));
        assert_eq!(at(&e), (1, 5), "{e}");
        assert_eq!(e.message, "mapping values are not allowed in this context");
    }

    /// libyaml tolerates some text yaml-rust2 refuses (a comment right after a quoted
    /// scalar): the document is refused in yaml-rust2's words, not in words serde_yaml
    /// finds for something else.
    #[test]
    fn what_only_yaml_rust2_refuses_is_refused_in_its_words() {
        for text in ["x: \"a\"#c\n", "x: \"a\"#c\n---\ny: 1\n"] {
            let e = err(text);
            assert_eq!(
                (at(&e), e.message.as_str()),
                ((1, 7), "comments must be separated from other tokens by whitespace")
            );
        }
    }

    /// A key written twice as text is no duplicate to serde_yaml when it resolves to two
    /// values (`1` and `"1"`): serde_yaml's other errors keep their own place.
    #[test]
    fn only_duplicate_errors_go_to_the_duplicate_key() {
        let anchored = format!("c: &a {}x{}\n", "[".repeat(90), "]".repeat(90));
        let text = format!("1: a\n\"1\": b\n{anchored}d: {}*a{}\n", "[".repeat(60), "]".repeat(60));
        let e = err(&text);
        assert!(e.message.starts_with("recursion limit exceeded"), "{e}");
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn cutting_keeps_whole_lines_within_the_margin() {
        let text = format!("{}\n{}\n", "a".repeat(10), "b".repeat(SERDE_MARGIN));
        assert_eq!(serde_cut(&text, 0), 11);
        assert_eq!(serde_cut(&text, 12), text.len());
        let long = "é".repeat(SERDE_MARGIN);
        let cut = serde_cut(&long, 2);
        assert!(long.is_char_boundary(cut) && cut <= 2 + SERDE_MARGIN && cut > SERDE_MARGIN, "{cut}");
        assert!(is_past_cut("a\nb\nc\n", 4, 2));
        assert!(!is_past_cut("a\nb\nc\n", 4, 1));
        assert!(!is_past_cut("a\nb\n", 4, 9), "nothing was cut");
    }

    #[test]
    fn recursion_is_blamed_on_nesting_and_repetition_on_aliases() {
        let anchored = format!("a: &a {}x{}\n", "[".repeat(90), "]".repeat(90));
        let e = err(&format!("{anchored}b: {}*a{}\n", "[".repeat(60), "]".repeat(60)));
        assert_eq!(e.message, "recursion limit exceeded (the YAML is nested too deeply once its aliases are expanded)");
        assert_eq!(
            clean_yaml_message("recursion limit exceeded at line 1 column 129", false),
            "recursion limit exceeded (the YAML is nested too deeply)"
        );
        assert_eq!(
            clean_yaml_message("repetition limit exceeded at line 1 column 1", true),
            "repetition limit exceeded (YAML aliases expanding too far are refused)"
        );
    }

    #[test]
    fn locations_are_cut_from_messages_but_not_from_quoted_keys() {
        let m = "did not find expected ',' or ']' at line 3 column 6, while parsing a flow sequence at line 2 column 7";
        assert_eq!(strip_location(m), "did not find expected ',' or ']'");
        let m = r#"b: duplicate entry with key "x at line 2 column 3, y" at line 4 column 1"#;
        assert_eq!(strip_location(m), r#"b: duplicate entry with key "x at line 2 column 3, y""#);
        assert_eq!(strip_location("no place at line end"), "no place at line end");
        assert_eq!(strip_location("x at line 1 column 2z"), "x at line 1 column 2z");
        assert_eq!(strip_location("x at line 1 column "), "x at line 1 column ");
        assert_eq!(strip_location("x at line column 2"), "x at line column 2");
        assert_eq!(strip_location("x at line  column 2"), "x at line  column 2");
        assert_eq!(
            strip_location("duplicate entry with key \"a\" at line 1 column 2, then"),
            "duplicate entry with key \"a\" at line 1 column 2, then"
        );
    }

    /// Issue 13: libyaml names a control character's byte position, not its line.
    #[test]
    fn control_characters_are_located_before_parsing() {
        let e = err("a: 1\nb: x\0y\n");
        assert_eq!(at(&e), (2, 5), "{e}");
        assert!(e.message.contains("U+0000") && !e.message.contains('\0'), "{e}");
        let e = YamlDoc::parse("f.md", "a: 1\nb: \u{9b}\n", 1).unwrap_err();
        assert_eq!(at(&e), (3, 4), "{e}");
    }

    /// Issue 13: a second document was reported at 1:1.
    #[test]
    fn a_second_document_is_located_at_its_start() {
        for (text, place) in [
            ("a: 1\n---\nb: 2\n", (2, 1)),
            ("---\na: 1\n---\n", (3, 1)),
            ("%YAML 1.2\n---\na: 1\n--- [x]\n", (4, 1)),
            ("a: 1\n...\n# c\n\n  b: 2\n", (5, 3)),
        ] {
            let e = err(text);
            assert_eq!(at(&e), place, "{text:?}: {e}");
            assert_eq!(e.message, MORE_THAN_ONE_DOCUMENT);
        }
        // The second document is never parsed by libyaml, however deep.
        let e = err(&format!("a: 1\n---\n{}", "[".repeat(200_000)));
        assert_eq!(at(&e), (2, 1), "{e}");
        // The first document's own problems come first, as before.
        let e = err("a: 1\na: 2\n---\nb: 2\n");
        assert_eq!((at(&e), e.message.as_str()), ((2, 1), "duplicate entry with key \"a\""));
        // A document end marker alone is not a second document.
        assert!(YamlDoc::parse("f.yaml", "a: 1\n...\n", 0).is_ok());
    }

    /// A complex key's contents are not values of the mapping, and the value after it is
    /// not a key.
    #[test]
    fn complex_keys_keep_the_entries_after_them_in_place() {
        let doc = YamlDoc::parse("f.yaml", "? [a, {b: c}]\n: v\nd: e\n", 0).unwrap();
        assert_eq!(doc.key_loc(&[key("d")]), Loc { line: 3, column: 1 });
        assert_eq!(doc.value_loc(&[key("d")]), Loc { line: 3, column: 4 });
        assert_eq!(doc.nth_key_loc(&[], 0), Loc { line: 1, column: 3 });
        assert_eq!(doc.nth_key_loc(&[], 1), Loc { line: 3, column: 1 });
        assert_eq!(doc.value_loc(&[key("b")]), Loc { line: 1, column: 1 }, "b is inside a key");
        assert_eq!(doc.index.entries.len(), 1);
    }

    #[test]
    fn nth_keys_are_found_whatever_they_are() {
        let text = "m:\n  1: a\n  ? [x]\n  : b\n  *k : c\n  true: d\n  n: &k e\n";
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap_err();
        // `*k` names an anchor defined later: not YAML.
        assert!(doc.message.contains("anchor"), "{doc}");
        let text = "n: &k e\nm:\n  1: a\n  ? [x]\n  : b\n  *k : c\n  true: d\n";
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
        let m = [key("m")];
        let keys: Vec<Loc> = (0..5).map(|n| doc.nth_key_loc(&m, n)).collect();
        let expected = [(3, 3), (4, 5), (6, 3), (7, 3), (3, 3)];
        assert_eq!(keys, expected.map(|(line, column)| Loc { line, column }), "the fifth falls back to the mapping");
        assert_eq!(doc.key_loc(&[key("m"), key("e")]), Loc { line: 6, column: 3 }, "an alias names its anchor's text");
        assert_eq!(doc.nth_key_loc(&[key("n")], 0), Loc { line: 1, column: 7 }, "not a mapping");
        assert_eq!(doc.nth_key_loc(&[key("x")], 0), Loc { line: 1, column: 1 }, "no such mapping");
    }

    #[test]
    fn duplicate_keys_through_aliases_are_located() {
        let e = err("&x a: 1\n*x : 2\n");
        assert_eq!((at(&e), e.message.as_str()), ((2, 1), "duplicate entry with key \"a\""));
    }

    #[test]
    fn messages_quote_file_text_escaped() {
        let e = err("m:\n  \"a\\e\": 1\n  \"a\\e\": 2\n");
        assert_eq!(at(&e), (3, 3), "{e}");
        assert!(!e.message.contains('\u{1b}'), "{e}");
    }

    #[test]
    fn diagnostics_made_here_never_carry_control_characters() {
        let doc = YamlDoc::parse("f.yaml", "a: \"x\\e[2Jy\"\n", 0).unwrap();
        let text = doc.value["a"].as_str().unwrap();
        assert!(text.contains('\u{1b}'));
        let path = [key("a")];
        for d in [
            doc.error_at(&path, format!("bad \"{text}\"")),
            doc.error_at_key(&path, format!("bad \"{text}\"")),
            doc.error_at_nth_key(&[], 0, format!("bad \"{text}\"")),
            doc.warning_at_key(&path, format!("bad \"{text}\"")),
        ] {
            assert_eq!(d.message, "bad \"x\\u{1b}[2Jy\"");
        }
        assert_eq!(escaped("already \\u{1b} escaped"), "already \\u{1b} escaped");
    }

    #[test]
    fn empty_texts_have_a_place() {
        for text in ["", "# only a comment\n", "---\n"] {
            let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
            assert_eq!(doc.value, Value::Null);
            assert!(doc.value_loc(&[key("a")]).line >= 1);
        }
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let start = std::time::Instant::now();
        let err = YamlDoc::parse("bomb.yaml", &text, 0).unwrap_err();
        assert!(start.elapsed().as_secs() < 5);
        // a4's eighth alias brings the values aliases add past 100,000 (100 + 1,100 +
        // 11,100 + 8 x 11,110), before serde_yaml builds any of it.
        assert_eq!(at(&err), (5, 45), "{err}");
        assert_eq!(
            err.message,
            "aliases add more than 100000 values to the document (YAML aliases expanding too far are refused)"
        );
    }

    /// serde_yaml numbers anchors by how many names it has seen: after a redefinition, an
    /// alias expanded to another node (here `*a` to the list), which the count of values
    /// aliases add could not foresee.
    #[test]
    fn a_redefined_anchor_is_refused() {
        let e = err("a: &a 1\nb: &b 2\nc: &a 3\nd: &c [x, x, x]\ne: *a\n");
        assert_eq!(
            (at(&e), e.message.as_str()),
            ((3, 4), "anchor \"a\" is defined twice: give each anchor its own name")
        );
        let doc = YamlDoc::parse("f.yaml", "a: &a 1\nb: &b [2]\nc: *a\nd: *b\n", 0).unwrap();
        assert_eq!(doc.value["c"], Value::from(1));
        // A second document is refused as one, whatever its anchors.
        let e = err("a: &a 1\n---\nb: &a 2\n");
        assert_eq!(e.message, MORE_THAN_ONE_DOCUMENT);
    }

    /// yaml-rust2's scanner reads a whole flow collection before its parser emits events:
    /// aliases before a syntax error there are never counted, so serde_yaml must not
    /// expand them either (it builds what it parsed before reporting the error).
    #[test]
    fn aliases_before_a_syntax_error_are_not_expanded() {
        let text = format!("[&a [x, x, x, x, x, x, x, x, x, x], {}%]\n", "*a, ".repeat(250_000));
        let start = std::time::Instant::now();
        let e = err(&text);
        assert_eq!(
            (at(&e), e.message.as_str()),
            ((1, 37 + 4 * 250_000), "found character that cannot start any token")
        );
        assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    }

    /// Issue 13: a megabyte of aliases to a ten-item list took serde_yaml a gigabyte.
    #[test]
    fn the_values_aliases_add_are_bounded() {
        let list = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [";
        // Each alias adds ten values: ten thousand of them are the limit.
        let text = format!("{list}{}*a]\n", "*a, ".repeat(9_999));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
        let e = err(&format!("{list}{}*a]\n", "*a, ".repeat(250_000)));
        assert_eq!(at(&e), (2, 5 + 4 * 10_000), "{e}");
        // An alias of a scalar, or of an anchored collection inside a list, adds what its
        // anchor holds.
        let text = format!("s: &s x\nb: [{}*s]\n", "*s, ".repeat(200_000));
        assert!(YamlDoc::parse("f.yaml", &text, 0).is_ok());
        let text = format!("a: [&a {{k: [1, 2, 3, 4]}}]\nb: [{}*a]\n", "*a, ".repeat(25_000));
        // {k: [1, 2, 3, 4]} is seven values, its key included: each alias adds six.
        assert_eq!(at(&err(&text)), (2, 5 + 4 * 16_666));
        // A key that is an alias counts too.
        let text = format!("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [{}{{*a : 1}}]\n", "*a, ".repeat(10_000));
        assert_eq!(at(&err(&text)), (2, 5 + 4 * 10_000 + 1));
    }
}
