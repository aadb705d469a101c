//! Widths of text in the embedded body font, which decide where a box's lines break.

use typst::layout::Abs;
use typst::text::{FontInstance, FontVariant, FontVariations};

/// Widths of text in the embedded body font (Gentium Plus), in em.
pub struct FontMeasure {
    font: Option<FontInstance>,
}

impl FontMeasure {
    /// The regular face of the body font.
    pub fn body() -> FontMeasure {
        let fonts = crate::world::shared_fonts();
        let font = fonts
            .book()
            .select("gentium plus", FontVariant::default())
            .and_then(|i| fonts.font(i))
            .map(|f| f.instantiate(FontVariant::default(), Abs::pt(10.0), &FontVariations::default()));
        FontMeasure { font }
    }

    /// The sum of the glyphs' advances; kerning only ever narrows it. A character the
    /// body font lacks counts as a wide fallback glyph.
    pub fn width(&self, text: &str) -> f64 {
        text.chars()
            .map(|c| {
                self.font
                    .as_ref()
                    .and_then(|f| f.ttf().glyph_index(c).and_then(|g| f.x_advance(g.0)))
                    .map_or(0.65, |em| em.get())
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_font_measures_text() {
        let font = FontMeasure::body();
        let narrow = font.width("iiiiiiiiii");
        let wide = font.width("MMMMMMMMMM");
        assert!(narrow > 1.0 && narrow < wide && wide < 10.0, "{narrow} {wide}");
        assert!(font.font.is_some(), "Gentium Plus is embedded");
    }
}
