//! What each crate costs in a wasm module: the size of every function body
//! attributed, through the module's name section, to the crate its
//! (demangled) name starts with. Generic code counts for the crate that
//! defines it (`tachys::...::build` instantiated for a widget closure is
//! tachys'), which is where a smaller choice would have to be made.

use std::collections::BTreeMap;

use crate::wasm_exports::{leb128, sections};

/// Bytes of code per crate, and of data, in one module.
pub struct Composition {
    /// Function body bytes per crate, largest first.
    pub crates: Vec<(String, usize)>,
    /// Bytes of the data segments (strings, tables).
    pub data: usize,
}

/// Reads a module that still has its name section (`wasm-opt -g`).
pub fn composition(bytes: &[u8]) -> Result<Composition, String> {
    let mut imported_functions = 0;
    let mut bodies: Vec<usize> = Vec::new();
    let mut names: BTreeMap<usize, String> = BTreeMap::new();
    let mut data = 0;
    for (id, body) in sections(bytes)? {
        match id {
            2 => imported_functions = count_function_imports(body)?,
            10 => bodies = function_sizes(body)?,
            11 => data = body.len(),
            0 => names.extend(function_names(body)?),
            _ => {}
        }
    }
    let mut crates: BTreeMap<String, usize> = BTreeMap::new();
    for (i, size) in bodies.iter().enumerate() {
        let name = names
            .get(&(imported_functions + i))
            .map_or("(unnamed)", String::as_str);
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

fn count_function_imports(body: &[u8]) -> Result<usize, String> {
    let (count, mut at) = leb128(body, 0)?;
    let mut functions = 0;
    for _ in 0..count {
        for _ in 0..2 {
            let (len, name_at) = leb128(body, at)?;
            at = name_at + len;
        }
        let kind = *body.get(at).ok_or("an import runs past the end")?;
        at += 1;
        match kind {
            0 => {
                functions += 1;
                at = leb128(body, at)?.1;
            }
            1 => at = limits(body, at + 1)?,
            2 => at = limits(body, at)?,
            3 => at += 2,
            4 => at = leb128(body, at + 1)?.1,
            other => return Err(format!("unknown import kind {other}")),
        }
    }
    Ok(functions)
}

/// Skips a table's or memory's limits.
fn limits(body: &[u8], at: usize) -> Result<usize, String> {
    let flags = *body.get(at).ok_or("limits run past the end")?;
    let at = leb128(body, at + 1)?.1;
    if flags & 1 == 1 {
        Ok(leb128(body, at)?.1)
    } else {
        Ok(at)
    }
}

fn function_sizes(body: &[u8]) -> Result<Vec<usize>, String> {
    let (count, mut at) = leb128(body, 0)?;
    let mut sizes = Vec::with_capacity(count);
    for _ in 0..count {
        let (size, code_at) = leb128(body, at)?;
        sizes.push(size + (code_at - at));
        at = code_at + size;
    }
    Ok(sizes)
}

/// The function names of a custom section, if it is the name section.
fn function_names(body: &[u8]) -> Result<Vec<(usize, String)>, String> {
    let (len, at) = leb128(body, 0)?;
    if body.get(at..at + len) != Some(b"name".as_slice()) {
        return Ok(Vec::new());
    }
    let mut at = at + len;
    let mut names = Vec::new();
    while at < body.len() {
        let id = body[at];
        let (size, sub_at) = leb128(body, at + 1)?;
        if id == 1 {
            let (count, mut entry) = leb128(body, sub_at)?;
            for _ in 0..count {
                let (index, name_at) = leb128(body, entry)?;
                let (len, text_at) = leb128(body, name_at)?;
                let text = body
                    .get(text_at..text_at + len)
                    .ok_or("a name runs past the end")?;
                names.push((index, String::from_utf8_lossy(text).into_owned()));
                entry = text_at + len;
            }
        }
        at = sub_at + size;
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

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
