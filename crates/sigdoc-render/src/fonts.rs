//! The fonts compiled into the binary: Gentium Plus for text, Inconsolata for code.

use typst::foundations::Bytes;
use typst::text::Font;
use typst_kit::fonts::FontStore;

macro_rules! font_file {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fonts/", $name)).as_slice()
    };
}

/// The embedded font files, as shipped in `fonts/`.
const FONT_FILES: &[&[u8]] = &[
    font_file!("GentiumPlus-Regular.ttf"),
    font_file!("GentiumPlus-Bold.ttf"),
    font_file!("GentiumPlus-Italic.ttf"),
    font_file!("GentiumPlus-BoldItalic.ttf"),
    font_file!("Inconsolata.otf"),
];

/// A font store with every embedded font and nothing from the system.
pub fn embedded_fonts() -> FontStore {
    let mut store = FontStore::new();
    for data in FONT_FILES {
        for font in Font::iter(Bytes::new(*data)) {
            let info = font.info().clone();
            store.push((font, info));
        }
    }
    store
}

/// Whether some embedded font has a glyph for `c`.
pub fn covers(store: &FontStore, c: char) -> bool {
    (0..).map_while(|i| store.book().info(i)).any(|info| info.coverage.contains(c as u32))
}
