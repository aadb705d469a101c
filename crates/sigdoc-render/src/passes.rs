//! Typst's compile loop for paged documents, holding one laid-out document at a time.
//!
//! `typst::compile` evaluates the main file once and lays the document out until its
//! introspections (page numbers, counters, queries) settle, keeping every pass's
//! document until the end so that it can explain a layout that never settles. A pass
//! only reads the one before it, and each laid-out document holds every page's frames
//! and the whole introspector: at thousands of pages, the extra documents were most of
//! the peak memory. This loop keeps the previous pass only and, for one-off builds,
//! lets comemo drop the cache entries the last pass did not use. A watch starts each
//! compile from where the previous one settled instead of from nothing.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use comemo::{Constraint, Track};
use typst::World;
use typst::diag::{At, SourceDiagnostic, SourceResult, Warned};
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{Output, StyleChain, Target, TargetElem};
use typst::introspection::{EmptyIntrospector, Introspector, MAX_ITERS};
use typst::syntax::Span;
use typst::utils::Protected;
use typst_layout::{PagedDocument, PagedIntrospector};

/// How a compile uses comemo's cache and where its first layout pass starts.
#[derive(Debug, Clone, Copy)]
pub enum Passes<'a> {
    /// Keep the whole cache for later compiles (the tags of a release).
    KeepCache,
    /// Keep only what the latest pass used: nothing else will be asked for again in a
    /// one-off build, and memoized layouts of a finished pass are pages' worth of frames.
    EvictUnused,
    /// Keep the cache, and lay the first pass out against what the previous compile of
    /// this document settled on (updated on success), not against an empty document.
    /// After an edit that moves no page number or counter, that pass already agrees
    /// with itself and is the only one; typst's own first pass, from nothing, never does.
    Continue(&'a Settled),
}

/// What the last successful compile of a document settled on: its introspector
/// (elements, counters, positions), without the laid-out pages.
#[derive(Default)]
pub struct Settled(Mutex<Option<Arc<PagedIntrospector>>>);

impl Settled {
    fn get(&self) -> Option<Arc<PagedIntrospector>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn set(&self, introspector: Arc<PagedIntrospector>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(introspector);
    }
}

impl std::fmt::Debug for Settled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settled").field("known", &self.get().is_some()).finish()
    }
}

/// Compiles the world's main file into a paged document, as `typst::compile` does.
pub fn compile_paged(world: &dyn World, passes: Passes<'_>) -> Warned<SourceResult<PagedDocument>> {
    let mut sink = Sink::new();
    let output = compile_impl(world, &mut sink, passes).map_err(deduplicate);
    Warned { output, warnings: sink.warnings() }
}

fn compile_impl(world: &dyn World, sink: &mut Sink, passes: Passes<'_>) -> SourceResult<PagedDocument> {
    let world = world.track();
    let traced = Traced::default();
    let traced = traced.track();
    let library = world.library();
    let base = StyleChain::new(&library.styles);
    let target = TargetElem::target.set(Target::Paged).wrap();
    let styles = base.chain(&target);

    let main = world.main();
    let main = world.source(main).at(Span::detached())?;
    let content =
        typst_eval::eval(world, library, traced, sink.track_mut(), Route::default().track(), &main)?.content();

    let start = match passes {
        Passes::Continue(settled) => settled.get(),
        Passes::KeepCache | Passes::EvictUnused => None,
    };
    let mut previous: Option<PagedDocument> = None;
    let mut pass = 1;
    loop {
        let constraint = Constraint::new();
        let mut subsink = Sink::new();
        let document = {
            let introspector: &dyn Introspector = match (&previous, &start) {
                (Some(doc), _) => Output::introspector(doc),
                (None, Some(settled)) => settled.as_ref(),
                (None, None) => &EmptyIntrospector,
            };
            let mut engine = Engine {
                library,
                world,
                introspector: Protected::new(introspector.track_with(&constraint)),
                traced,
                sink: subsink.track_mut(),
                route: Route::default(),
            };
            PagedDocument::create(&mut engine, &content, styles)?
        };
        let settled = constraint.validate(Output::introspector(&document));
        if settled || pass == MAX_ITERS {
            sink.extend_from_sink(subsink);
            if !settled {
                sink.warn(SourceDiagnostic::warning(
                    Span::detached(),
                    format!("layout did not converge within {MAX_ITERS} attempts"),
                ));
            }
            let delayed = sink.delayed();
            if !delayed.is_empty() {
                return Err(delayed);
            }
            if let Passes::Continue(settled) = passes {
                settled.set(document.introspector().clone());
            }
            return Ok(document);
        }
        // The pass before the last is no longer read: drop it before the next pass.
        previous = Some(document);
        pass += 1;
        if let Passes::EvictUnused = passes {
            comemo::evict(1);
        }
    }
}

/// Drops repeated diagnostics (same place, same message), as `typst::compile` does.
fn deduplicate(mut diags: ecow::EcoVec<SourceDiagnostic>) -> ecow::EcoVec<SourceDiagnostic> {
    let mut seen = HashSet::new();
    diags.retain(|diag| seen.insert((diag.span, diag.message.clone())));
    diags
}

#[cfg(test)]
mod tests {
    use typst::foundations::Smart;
    use typst_pdf::PdfOptions;

    use super::*;
    use crate::world::{MemoryFiles, SigWorld};

    fn world(source: &str) -> SigWorld {
        let mut files = MemoryFiles::default();
        files.insert("/main.typ", source.as_bytes().to_vec());
        SigWorld::new(files, "/main.typ", None)
    }

    fn pdf(document: &PagedDocument) -> Vec<u8> {
        let options = PdfOptions { ident: Smart::Custom("test".into()), ..PdfOptions::default() };
        typst_pdf::pdf(document, &options).expect("exports")
    }

    /// Page numbers in an outline and a running counter need several passes to settle.
    const SETTLING: &str = r#"
#set page(height: 8cm, numbering: "1")
#set heading(numbering: "1.1")
#outline()
#for i in range(12) [
  = Section #i
  #lorem(40) #footnote[Note #i.] See page #context counter(page).at(label("end")).first().
]
#metadata(none) <end>
"#;

    #[test]
    fn the_same_document_as_typst_compile() {
        let world = world(SETTLING);
        let theirs = typst::compile::<PagedDocument>(&world).output.expect("typst compiles it");
        let settled = Settled::default();
        for passes in [Passes::KeepCache, Passes::EvictUnused, Passes::Continue(&settled)] {
            let ours = compile_paged(&world, passes);
            assert!(ours.warnings.is_empty(), "{:?}", ours.warnings);
            let ours = ours.output.expect("compiles");
            assert_eq!(ours.pages().len(), theirs.pages().len());
            assert!(pdf(&ours) == pdf(&theirs), "{passes:?}: the PDFs differ");
        }
    }

    #[test]
    fn continuing_from_another_version_settles_on_the_same_document() {
        // The first version has fewer sections, so every page number the second one
        // shows is wrong in what the first settled on.
        let settled = Settled::default();
        let first = world(&SETTLING.replace("range(12)", "range(5)"));
        compile_paged(&first, Passes::Continue(&settled)).output.expect("compiles");
        let second = world(SETTLING);
        let ours = compile_paged(&second, Passes::Continue(&settled)).output.expect("compiles");
        let theirs = typst::compile::<PagedDocument>(&second).output.expect("typst compiles it");
        assert!(pdf(&ours) == pdf(&theirs), "the PDFs differ");
        // And once more from its own settled state, as a watch does after a save.
        let again = compile_paged(&second, Passes::Continue(&settled)).output.expect("compiles");
        assert!(pdf(&again) == pdf(&theirs), "the PDFs differ");
    }

    #[test]
    fn a_layout_that_never_settles_warns_instead_of_looping() {
        // Each pass adds a page for every page the previous pass had.
        let world = world("#context for _ in range(counter(page).final().first()) { pagebreak() }");
        let result = compile_paged(&world, Passes::EvictUnused);
        assert!(result.output.is_ok());
        assert!(result.warnings.iter().any(|w| w.message.contains("did not converge")), "{:?}", result.warnings);
    }

    #[test]
    fn an_error_met_twice_at_one_place_is_reported_once() {
        // Both calls fail at the same span inside `f`, as in typst::compile.
        let world = world("#let f() = [#ref(<missing>)]\n#f()\n#f()");
        let theirs = typst::compile::<PagedDocument>(&world).output.expect_err("typst fails");
        let ours = compile_paged(&world, Passes::KeepCache).output.expect_err("fails");
        assert_eq!(ours.len(), 1, "{ours:?}");
        assert_eq!(ours[0].message, theirs[0].message);
        assert_eq!(ours[0].span, theirs[0].span);
    }
}
