//! Typst's compile loop for paged documents, holding one laid-out document at a time.
//!
//! `typst::compile` evaluates the main file once and lays the document out until its
//! introspections (page numbers, counters, queries) settle, keeping every pass's
//! document until the end so that it can explain a layout that never settles. A pass
//! only reads the one before it, and each laid-out document holds every page's frames
//! and the whole introspector: at thousands of pages, the extra documents were most of
//! the peak memory. This loop keeps the previous pass only and, for one-off builds,
//! lets comemo drop the cache entries the last pass did not use.

use std::collections::HashSet;

use comemo::{Constraint, Track};
use typst::World;
use typst::diag::{At, SourceDiagnostic, SourceResult, Warned};
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{Output, StyleChain, Target, TargetElem};
use typst::introspection::{EmptyIntrospector, Introspector, MAX_ITERS};
use typst::syntax::Span;
use typst::utils::Protected;
use typst_layout::PagedDocument;

/// What comemo's cache keeps between layout passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passes {
    /// Everything: a long-lived world (`sigdoc watch`) reuses every pass's work in the
    /// next compile, the first pass included.
    KeepCache,
    /// Only what the latest pass used: nothing else will be asked for again in a
    /// one-off build, and memoized layouts of a finished pass are pages' worth of frames.
    EvictUnused,
}

/// Compiles the world's main file into a paged document, as `typst::compile` does.
pub fn compile_paged(world: &dyn World, passes: Passes) -> Warned<SourceResult<PagedDocument>> {
    let mut sink = Sink::new();
    let output = compile_impl(world, &mut sink, passes).map_err(deduplicate);
    Warned { output, warnings: sink.warnings() }
}

fn compile_impl(world: &dyn World, sink: &mut Sink, passes: Passes) -> SourceResult<PagedDocument> {
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

    let mut previous: Option<PagedDocument> = None;
    let mut pass = 1;
    loop {
        let constraint = Constraint::new();
        let mut subsink = Sink::new();
        let document = {
            let introspector: &dyn Introspector = match &previous {
                Some(doc) => Output::introspector(doc),
                None => &EmptyIntrospector,
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
            return Ok(document);
        }
        // The pass before the last is no longer read: drop it before the next pass.
        previous = Some(document);
        pass += 1;
        if passes == Passes::EvictUnused {
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
        for passes in [Passes::KeepCache, Passes::EvictUnused] {
            let ours = compile_paged(&world, passes);
            assert!(ours.warnings.is_empty(), "{:?}", ours.warnings);
            let ours = ours.output.expect("compiles");
            assert_eq!(ours.pages().len(), theirs.pages().len());
            assert!(pdf(&ours) == pdf(&theirs), "{passes:?}: the PDFs differ");
        }
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
