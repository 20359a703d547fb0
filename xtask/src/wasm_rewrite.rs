//! Rewriting a built wasm module section by section: dropping exports
//! before `wasm-opt` (so the code behind them goes too), and dropping
//! custom sections nothing at run time reads.
//!
//! Exports: Leptos always links `server_fn`, which links `wasm-streams`, whose
//! `#[wasm_bindgen]` classes (`IntoUnderlyingSource`, `...Sink`,
//! `...ByteSource`) are exported from every module that contains them. The
//! widget has no server functions and never constructs one, yet their code
//! costs about 2 KB of gzip in each bundle. (The glue keeps its small JS
//! classes for them; nothing calls them, so the missing exports are never
//! looked up.)
//!
//! Custom sections: worker-build always runs `wasm-opt --debuginfo`, which
//! keeps the function names: 158 KB raw, 43 KB gzip of the worker's upload
//! (a tenth of its budget). workerd needs none of it; a panic still logs
//! its message and location (they are in the code's data). `cargo xtask
//! bench` builds a named copy to say which crate the code comes from.

use std::path::Path;

use wasm_encoder::{ExportKind, ExportSection, Module, RawSection};
use wasmparser::{ExternalKind, Parser, Payload};

/// Removes every export whose name starts with one of `prefixes`; returns
/// how many went.
pub fn drop_exports(path: &Path, prefixes: &[&str]) -> Result<usize, String> {
    rewrite_file(path, |bytes| without_exports(bytes, prefixes))
}

/// Removes every custom section named in `names`; returns how many went.
pub fn drop_custom_sections(path: &Path, names: &[&str]) -> Result<usize, String> {
    rewrite_file(path, |bytes| without_custom_sections(bytes, names))
}

fn rewrite_file(
    path: &Path,
    rewrite: impl FnOnce(&[u8]) -> Result<(Vec<u8>, usize), String>,
) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (module, dropped) = rewrite(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, module).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(dropped)
}

/// The module without the custom sections named in `names`, every other
/// section as it was.
fn without_custom_sections(bytes: &[u8], names: &[&str]) -> Result<(Vec<u8>, usize), String> {
    let mut module = Module::new();
    let mut dropped = 0;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| e.to_string())?;
        if let Payload::CustomSection(custom) = &payload
            && names.contains(&custom.name())
        {
            dropped += 1;
        } else if let Some((id, range)) = payload.as_section() {
            module.section(&RawSection {
                id,
                data: &bytes[range],
            });
        }
    }
    Ok((module.finish(), dropped))
}

/// The module with every section as it was, but the export section
/// rewritten without the matching exports.
fn without_exports(bytes: &[u8], prefixes: &[&str]) -> Result<(Vec<u8>, usize), String> {
    let mut module = Module::new();
    let mut dropped = 0;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| e.to_string())?;
        if let Payload::ExportSection(reader) = &payload {
            let mut kept = ExportSection::new();
            for export in reader.clone() {
                let export = export.map_err(|e| e.to_string())?;
                if prefixes
                    .iter()
                    .any(|prefix| export.name.starts_with(prefix))
                {
                    dropped += 1;
                } else {
                    kept.export(export.name, export_kind(export.kind)?, export.index);
                }
            }
            module.section(&kept);
        } else if let Some((id, range)) = payload.as_section() {
            module.section(&RawSection {
                id,
                data: &bytes[range],
            });
        }
    }
    Ok((module.finish(), dropped))
}

fn export_kind(kind: ExternalKind) -> Result<ExportKind, String> {
    Ok(match kind {
        ExternalKind::Func => ExportKind::Func,
        ExternalKind::Table => ExportKind::Table,
        ExternalKind::Memory => ExportKind::Memory,
        ExternalKind::Global => ExportKind::Global,
        ExternalKind::Tag => ExportKind::Tag,
        ExternalKind::FuncExact => return Err("an exact-type function export".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{CodeSection, Function, FunctionSection, TypeSection};

    /// A module with a type, a function and exports of it.
    fn module(exports: &[&str]) -> Vec<u8> {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut section = ExportSection::new();
        for name in exports {
            section.export(name, ExportKind::Func, 0);
        }
        module.section(&section);
        let mut code = CodeSection::new();
        let mut body = Function::new([]);
        body.instructions().end();
        code.function(&body);
        module.section(&code);
        module.finish()
    }

    #[test]
    fn only_the_matching_exports_go() {
        let input = module(&[
            "mount_button",
            "intounderlyingsink_write",
            "__wbg_intounderlyingsink_free",
        ]);
        let (output, dropped) =
            without_exports(&input, &["intounderlying", "__wbg_intounderlying"]).unwrap();
        assert_eq!(dropped, 2);
        assert_eq!(output, module(&["mount_button"]));
        wasmparser::validate(&output).unwrap();
    }

    #[test]
    fn a_module_without_matches_is_unchanged() {
        let input = module(&["mount_button", "memory"]);
        assert_eq!(without_exports(&input, &["nothing"]).unwrap(), (input, 0));
    }

    #[test]
    fn long_sections_keep_their_lengths() {
        let names: Vec<String> = (0..40).map(|i| format!("export_number_{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let input = module(&names);
        let (output, dropped) = without_exports(&input, &["export_number_1"]).unwrap();
        assert_eq!(dropped, 11);
        let kept: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !n.starts_with("export_number_1"))
            .collect();
        assert_eq!(output, module(&kept));
    }

    #[test]
    fn other_files_are_refused() {
        assert!(without_exports(b"not wasm at all", &[]).is_err());
        assert!(without_custom_sections(b"not wasm at all", &[]).is_err());
    }

    /// [`module`] followed by custom sections of these names.
    fn with_custom(names: &[&str]) -> Vec<u8> {
        let mut bytes = module(&["mount_button"]);
        for name in names {
            let section = wasm_encoder::CustomSection {
                name: (*name).into(),
                data: format!("payload of {name}").into_bytes().into(),
            };
            wasm_encoder::Section::append_to(&section, &mut bytes);
        }
        bytes
    }

    #[test]
    fn only_the_named_custom_sections_go() {
        let input = with_custom(&["name", "producers", "target_features"]);
        let (output, dropped) = without_custom_sections(&input, &["name", "producers"]).unwrap();
        assert_eq!(dropped, 2);
        assert_eq!(output, with_custom(&["target_features"]));
        wasmparser::validate(&output).unwrap();
        let (unchanged, none) = without_custom_sections(&output, &["name"]).unwrap();
        assert_eq!((unchanged, none), (output, 0));
    }
}
