//! Fuzzes YAML parsing with locations on arbitrary text: an error or a value, never a
//! panic, and every located key lies inside the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sigdoc_model::yaml::YamlDoc;

fuzz_target!(|text: &str| {
    let lines = text.split('\n').count();
    match YamlDoc::parse("f.yaml", text, 0) {
        Ok(doc) => {
            let loc = doc.value_loc(&[]);
            assert!(loc.line >= 1 && loc.line <= lines, "{loc:?} in {lines} lines");
        }
        Err(d) => assert!(d.line >= 1 && !d.message.is_empty(), "{d}"),
    }
});
