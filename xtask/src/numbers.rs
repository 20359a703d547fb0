//! `cargo xtask numbers`: regenerate `numbers/src/data.rs` from Google's
//! libphonenumber metadata, and the differential test that checks the
//! `callme-numbers` crate against libphonenumber itself.
//!
//! Both read the same pinned package, the Python port `phonenumbers`
//! (its data files are generated from Google's PhoneNumberMetadata.xml and
//! it follows each upstream release), installed into a virtual environment
//! in the tool cache. Python is the only registry that ships that metadata
//! with a reference implementation beside it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::cmd::{self, Outcome, probe};
use crate::tools;

/// The pinned libphonenumber port; bump it, run `cargo xtask numbers`, and
/// commit the regenerated `numbers/src/data.rs`.
pub const PHONENUMBERS_VERSION: &str = "9.0.43";

/// Where the generated tables live.
const DATA_RS: &str = "numbers/src/data.rs";

/// `cargo xtask numbers`: rewrite the tables from the pinned metadata.
pub fn run() -> Outcome {
    let source = generate()?;
    let path = tools::root().join(DATA_RS);
    fs::write(&path, source).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("numbers: wrote {}", path.display());
    Ok(())
}

/// The virtual environment with the pinned `phonenumbers`, made on first
/// use. Returns its Python.
///
/// # Errors
/// When Python 3 or its `venv` module is missing, or pip cannot install.
pub fn python() -> Outcome<PathBuf> {
    venv_with(
        "phonenumbers",
        "phonenumbers",
        PHONENUMBERS_VERSION,
        "the number-metadata reference",
    )
}

/// A virtual environment in the tool cache holding `package` (imported as
/// `module`) at `version`, made on first use and keyed by the version, so
/// a second run only asks the venv's Python for the version. Returns its
/// Python; `purpose` says in an error what needs it.
///
/// # Errors
/// When Python 3 or its `venv` module is missing, or pip cannot install.
pub fn venv_with(package: &str, module: &str, version: &str, purpose: &str) -> Outcome<PathBuf> {
    let venv = tools::cache_dir().join(format!("py-{}-{version}", package.to_ascii_lowercase()));
    let python = venv.join("bin").join("python");
    let installed = || {
        probe(Command::new(&python).args([
            "-c",
            &format!("import {module}; print({module}.__version__)"),
        ]))
    };
    if installed().is_some_and(|v| v.trim() == version) {
        println!("setup: {package} {version} present");
        return Ok(python);
    }
    cmd::run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).map_err(|e| {
        format!("{e}\npython3 with venv is needed for {purpose}: install it with `apt-get install python3 python3-venv` (Debian, Ubuntu) or `brew install python` (macOS)")
    })?;
    cmd::run(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("{package}=={version}")),
    )?;
    match installed() {
        Some(v) if v.trim() == version => Ok(python),
        other => Err(format!(
            "{package} {version} did not install in {} (found {other:?})",
            venv.display()
        )),
    }
}

/// The Rust source of the tables, from the pinned metadata.
fn generate() -> Outcome<String> {
    let python = python()?;
    let script = tools::root().join("numbers/reference/dump_metadata.py");
    let output = Command::new(&python)
        .arg(&script)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let dump: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("metadata dump is not JSON: {e}"))?;
    render(&dump)
}

/// Fails when the committed tables differ from what the pinned metadata
/// gives (someone edited them, or bumped the pin without regenerating).
pub fn check_fresh() -> Outcome {
    let expected = generate()?;
    let path = tools::root().join(DATA_RS);
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed == expected {
        println!("numbers: {DATA_RS} matches phonenumbers {PHONENUMBERS_VERSION}");
        Ok(())
    } else {
        Err(format!(
            "{DATA_RS} is not what phonenumbers {PHONENUMBERS_VERSION} gives: run `cargo xtask numbers` and commit the result"
        ))
    }
}

/// The differential test: libphonenumber's verdicts on 41,000+ numbers,
/// then the edge's on the same numbers. Returns (agreeing, disagreeing).
pub fn differential() -> Outcome<(u64, u64)> {
    let python = python()?;
    let root = tools::root();
    let out_dir = root.join("target/numbers");
    fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let reference = out_dir.join("reference.jsonl");
    cmd::run(
        Command::new(&python)
            .arg(root.join("numbers/reference/verdicts.py"))
            .arg(&reference),
    )?;
    let (ok, output) = cmd::run_teed(
        cmd::cargo(&root)
            .args([
                "run",
                "--quiet",
                "--package",
                "callme-edge",
                "--example",
                "numbers_differential",
                "--",
            ])
            .arg(&reference),
    )?;
    let counted = |word: &str| -> Option<u64> {
        output
            .lines()
            .find_map(|line| line.strip_prefix(word)?.trim().parse().ok())
    };
    match (counted("agreeing:"), counted("disagreeing:")) {
        (Some(agreeing), Some(0)) if ok && agreeing > 20_000 => Ok((agreeing, 0)),
        (agreeing, disagreeing) => Err(format!(
            "the edge disagrees with libphonenumber: {disagreeing:?} disagreeing, {agreeing:?} agreeing"
        )),
    }
}

fn field<'a>(value: &'a Value, name: &str) -> Outcome<&'a Value> {
    value
        .get(name)
        .ok_or_else(|| format!("metadata dump lacks {name:?}"))
}

fn text(value: &Value, name: &str) -> Outcome<Option<String>> {
    match field(value, name)? {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(format!("{name} is {other}, not text")),
    }
}

fn option(text: Option<String>) -> String {
    text.map_or_else(|| "None".into(), |t| format!("Some({t:?})"))
}

fn lengths(value: &Value, name: &str) -> Outcome<String> {
    let list = field(value, name)?
        .as_array()
        .ok_or_else(|| format!("{name} is not a list"))?;
    let numbers: Vec<String> = list
        .iter()
        .map(|n| {
            n.as_u64()
                .filter(|n| *n < 256)
                .map(|n| n.to_string())
                .ok_or_else(|| format!("{name} holds {n}"))
        })
        .collect::<Outcome<_>>()?;
    Ok(format!("&[{}]", numbers.join(", ")))
}

fn desc(value: &Value) -> Outcome<Option<String>> {
    if value.is_null() {
        return Ok(None);
    }
    let Some(pattern) = text(value, "pattern")? else {
        return Ok(None);
    };
    Ok(Some(format!(
        "Desc {{ pattern: {pattern:?}, lengths: {}, local_lengths: {} }}",
        lengths(value, "lengths")?,
        lengths(value, "local_lengths")?
    )))
}

/// Renders the dump as `data.rs`.
fn render(dump: &Value) -> Outcome<String> {
    let version = text(dump, "version")?.ok_or("no version")?;
    let types: Vec<&str> = field(dump, "types")?
        .as_array()
        .ok_or("types is not a list")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let regions = field(dump, "regions")?
        .as_array()
        .ok_or("regions is not a list")?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! libphonenumber's metadata for validity, region and type, generated by\n//! `cargo xtask numbers` from the Python port `phonenumbers` {version}.\n//! Do not edit: change the pin in `xtask/src/numbers.rs` and regenerate.\n\nuse crate::metadata::{{CallingCode, Desc, Region}};\n\n/// The metadata's version.\npub(crate) const VERSION: &str = {version:?};\n"
    );
    let _ = writeln!(
        out,
        "/// Every region, then every non-geographic calling code (`001`).\npub(crate) static REGIONS: [Region; {}] = [",
        regions.len()
    );
    let mut index: HashMap<(String, u64), usize> = HashMap::new();
    let mut examples = Vec::new();
    for (i, region) in regions.iter().enumerate() {
        let id = text(region, "id")?.ok_or("region without id")?;
        let code = field(region, "country_code")?
            .as_u64()
            .ok_or("country_code is not a number")?;
        index.insert((id.clone(), code), i);
        let general = desc(field(region, "general")?)?.ok_or("region without general desc")?;
        let region_types = field(region, "types")?;
        // Fixed-line examples first: within a shared calling code (NANPA)
        // the other types' examples are often the same number everywhere.
        for name in ["fixed_line", "mobile"].iter().chain(&types) {
            let d = field(region_types, name)?;
            if let Some(example) = (!d.is_null())
                .then(|| text(d, "example"))
                .transpose()?
                .flatten()
                && !examples
                    .iter()
                    .any(|(_, r): &(String, String)| *r == id && id != "001")
            {
                examples.push((format!("+{code}{example}"), id.clone()));
            }
        }
        let mut slots = Vec::new();
        for name in &types {
            let d = field(region_types, name)?;
            slots.push(desc(d)?.map_or_else(|| "None".into(), |d| format!("Some({d})")));
        }
        let same = field(region, "same_mobile_and_fixed_line_pattern")?
            .as_bool()
            .ok_or("same_mobile_and_fixed_line_pattern is not a bool")?;
        let _ = writeln!(
            out,
            "    Region {{ id: {id:?}, country_code: {code}, leading_digits: {}, national_prefix_for_parsing: {}, national_prefix_transform_rule: {}, same_mobile_and_fixed_line_pattern: {same},\n        general: {general},\n        types: [{}] }},",
            option(text(region, "leading_digits")?),
            option(text(region, "national_prefix_for_parsing")?),
            option(text(region, "national_prefix_transform_rule")?),
            slots.join(", ")
        );
    }
    out.push_str("];\n\n");
    let codes = field(dump, "country_codes")?
        .as_array()
        .ok_or("country_codes is not a list")?;
    let _ = writeln!(
        out,
        "/// Calling codes in ascending order, each with its regions (the main one\n/// first), as indices into [`REGIONS`].\npub(crate) static CALLING_CODES: [CallingCode; {}] = [",
        codes.len()
    );
    for entry in codes {
        let code = field(entry, "country_code")?
            .as_u64()
            .ok_or("country_code is not a number")?;
        let ids: Vec<String> = field(entry, "regions")?
            .as_array()
            .ok_or("regions is not a list")?
            .iter()
            .map(|id| {
                let id = id.as_str().ok_or("a region id is not text")?;
                index
                    .get(&(id.to_owned(), code))
                    .map(usize::to_string)
                    .ok_or_else(|| format!("calling code {code} names unknown region {id}"))
            })
            .collect::<Outcome<_>>()?;
        let _ = writeln!(
            out,
            "    CallingCode {{ code: {code}, regions: &[{}] }},",
            ids.join(", ")
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// One example number per region (every one for `001`), for tests.\n#[cfg(test)]\npub(crate) static EXAMPLES: &[(&str, &str)] = &[\n");
    for (number, id) in &examples {
        let _ = writeln!(out, "    ({number:?}, {id:?}),");
    }
    out.push_str("];\n");
    Ok(out)
}
