//! Dropping exports from a wasm module before `wasm-opt`, so the code
//! behind them goes too.
//!
//! Why: Leptos always links `server_fn`, which links `wasm-streams`, whose
//! `#[wasm_bindgen]` classes (`IntoUnderlyingSource`, `...Sink`,
//! `...ByteSource`) are exported from every module that contains them. The
//! widget has no server functions and never constructs one, yet their code
//! costs about 2 KB of gzip in each bundle. (The glue keeps its small JS
//! classes for them; nothing calls them, so the missing exports are never
//! looked up.)

use std::path::Path;

/// The export section's id in the binary format.
const EXPORT_SECTION: u8 = 7;

/// Removes every export whose name starts with one of `prefixes`; returns
/// how many went.
pub fn drop_exports(path: &Path, prefixes: &[&str]) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (module, dropped) =
        without_exports(&bytes, prefixes).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, module).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(dropped)
}

fn without_exports(bytes: &[u8], prefixes: &[&str]) -> Result<(Vec<u8>, usize), String> {
    let mut out = bytes[..8].to_vec();
    let mut dropped = 0;
    for (id, body) in sections(bytes)? {
        let body = if id == EXPORT_SECTION {
            let (kept, count) = kept_exports(body, prefixes)?;
            dropped = count;
            kept
        } else {
            body.to_vec()
        };
        out.push(id);
        write_leb128(&mut out, body.len());
        out.extend_from_slice(&body);
    }
    Ok((out, dropped))
}

/// The sections of a module, in order: id and body.
pub fn sections(bytes: &[u8]) -> Result<Vec<(u8, &[u8])>, String> {
    if bytes.get(..4) != Some(b"\0asm".as_slice()) || bytes.len() < 8 {
        return Err("not a wasm module".into());
    }
    let mut sections = Vec::new();
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        let (size, body_at) = leb128(bytes, at + 1)?;
        let body = bytes
            .get(body_at..body_at + size)
            .ok_or("a section runs past the end")?;
        sections.push((id, body));
        at = body_at + size;
    }
    Ok(sections)
}

/// The export section's body without the matching exports.
fn kept_exports(body: &[u8], prefixes: &[&str]) -> Result<(Vec<u8>, usize), String> {
    let (count, mut at) = leb128(body, 0)?;
    let mut kept = Vec::new();
    let mut kept_count = 0;
    for _ in 0..count {
        let start = at;
        let (name_len, name_at) = leb128(body, at)?;
        let name = body
            .get(name_at..name_at + name_len)
            .ok_or("an export name runs past the end")?;
        let name = std::str::from_utf8(name).map_err(|e| e.to_string())?;
        // The kind byte, then the index.
        let (_, end) = leb128(body, name_at + name_len + 1)?;
        at = end;
        if !prefixes.iter().any(|prefix| name.starts_with(prefix)) {
            kept.extend_from_slice(&body[start..end]);
            kept_count += 1;
        }
    }
    let mut section = Vec::new();
    write_leb128(&mut section, kept_count);
    section.extend_from_slice(&kept);
    Ok((section, count - kept_count))
}

pub fn leb128(bytes: &[u8], mut at: usize) -> Result<(usize, usize), String> {
    let mut value = 0usize;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(at).ok_or("a number runs past the end")?;
        at += 1;
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
        shift += 7;
        if shift > 28 {
            return Err("a number is too long".into());
        }
    }
}

fn write_leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with a type, a function and three exports of it.
    fn module(exports: &[&str]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]); // type: () -> ()
        m.extend_from_slice(&[3, 2, 1, 0]); // one function of type 0
        let mut section = Vec::new();
        write_leb128(&mut section, exports.len());
        for name in exports {
            write_leb128(&mut section, name.len());
            section.extend_from_slice(name.as_bytes());
            section.extend_from_slice(&[0, 0]); // function 0
        }
        m.push(EXPORT_SECTION);
        write_leb128(&mut m, section.len());
        m.extend_from_slice(&section);
        m.extend_from_slice(&[10, 4, 1, 2, 0, 0x0b]); // code: an empty body
        m
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
    }
}
