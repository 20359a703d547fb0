//! What each crate costs in a wasm module: the size of every function body
//! attributed, through the module's name section, to the crate its
//! (demangled) name starts with. Generic code counts for the crate that
//! defines it (`tachys::...::build` instantiated for a widget closure is
//! tachys'), which is where a smaller choice would have to be made.

use std::collections::BTreeMap;

use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

/// Bytes of code per crate, and of data, in one module.
pub struct Composition {
    /// Function body bytes per crate, largest first.
    pub crates: Vec<(String, usize)>,
    /// Bytes of the data segments (strings, tables).
    pub data: usize,
}

/// Reads a module that still has its name section (`wasm-opt -g`).
pub fn composition(bytes: &[u8]) -> Result<Composition, String> {
    let error = |e: wasmparser::BinaryReaderError| e.to_string();
    let mut imported_functions = 0;
    let mut bodies: Vec<usize> = Vec::new();
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    let mut data = 0;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(error)? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(
                        import.map_err(error)?.ty,
                        TypeRef::Func(_) | TypeRef::FuncExact(_)
                    ) {
                        imported_functions += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(body.range().len()),
            Payload::DataSection(reader) => data = reader.range().len(),
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(reader) = reader.as_known() {
                    for name in reader {
                        if let Name::Function(map) = name.map_err(error)? {
                            for naming in map {
                                let naming = naming.map_err(error)?;
                                names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut crates: BTreeMap<String, usize> = BTreeMap::new();
    for (i, size) in bodies.iter().enumerate() {
        let index = u32::try_from(imported_functions + i).map_err(|e| e.to_string())?;
        let name = names.get(&index).map_or("(unnamed)", String::as_str);
        *crates.entry(crate_of(name)).or_default() += size;
    }
    let mut crates: Vec<(String, usize)> = crates.into_iter().collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Composition { crates, data })
}

/// The crate a symbol belongs to: the first path segment of its demangled
/// name, looking through `<` and `&`; code without a path (wasm-bindgen's
/// shims) is "(glue)".
fn crate_of(symbol: &str) -> String {
    let demangled = format!("{:#}", rustc_demangle::demangle(symbol));
    let name = demangled.trim_start_matches(['<', '&', '*', ' ']);
    let name = name.strip_prefix("mut ").unwrap_or(name);
    let name = name.strip_prefix("dyn ").unwrap_or(name);
    let first = name.split_once("::").map_or("", |(first, _)| first);
    // `<f64 as core::fmt::Display>::fmt`: a primitive's impl belongs to
    // the trait's crate.
    let first = first.rsplit_once(" as ").map_or(first, |(_, tr)| tr);
    // wasm-bindgen writes names already demangled, with the crate's
    // disambiguator: `callme_widget[dc18dc16944aef06]::mount::...`.
    let first = first.split_once('[').map_or(first, |(krate, _)| krate);
    if !first.is_empty() && first.chars().all(|c| c.is_alphanumeric() || c == '_') {
        first.to_owned()
    } else {
        "(glue)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{
        CodeSection, EntityType, Function, FunctionSection, ImportSection, Module, NameMap,
        NameSection, TypeSection,
    };

    #[test]
    fn function_bodies_count_for_their_crates_after_the_imports() {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut imports = ImportSection::new();
        imports.import("env", "imported", EntityType::Function(0));
        module.section(&imports);
        let mut functions = FunctionSection::new();
        functions.function(0).function(0);
        module.section(&functions);
        let mut code = CodeSection::new();
        let mut small = Function::new([]);
        small.instructions().end();
        let mut large = Function::new([]);
        large.instructions().nop().nop().nop().nop().end();
        code.function(&small).function(&large);
        module.section(&code);
        let mut names = NameMap::new();
        names.append(0, "env::imported");
        names.append(1, "tachys::view::build");
        names.append(2, "callme_widget::mount::mount_button");
        let mut section = NameSection::new();
        section.functions(&names);
        module.section(&section);
        let parts = composition(&module.finish()).unwrap();
        // Index 0 is the import: the bodies are functions 1 and 2.
        assert_eq!(
            parts.crates,
            [("callme_widget".to_owned(), 6), ("tachys".to_owned(), 2)]
        );
        assert_eq!(parts.data, 0);
    }

    #[test]
    fn symbols_belong_to_the_crate_that_defines_them() {
        assert_eq!(
            crate_of("_ZN13callme_widget5mount12mount_button17h99bdb7a0dd14082dE"),
            "callme_widget"
        );
        assert_eq!(
            crate_of(
                "_ZN94_$LT$tachys..html..element..HtmlElement$LT$E$C$At$C$Ch$GT$$u20$as$u20$tachys..view..Render$GT$5build17h1560b516dc496fbeE"
            ),
            "tachys"
        );
        assert_eq!(crate_of("<f64 as core::fmt::Display>::fmt"), "core");
        assert_eq!(
            crate_of("<tachys[90f692894551877]::html::event::On<E, F>>::attach"),
            "tachys"
        );
        assert_eq!(
            crate_of("<f64 as core[79aa79c6299ed9a6]::fmt::Display>::fmt"),
            "core"
        );
        assert_eq!(crate_of("mount_button externref shim"), "(glue)");
        assert_eq!(
            crate_of("core::ptr::drop_in_place<alloc::string::String>"),
            "core"
        );
    }
}
