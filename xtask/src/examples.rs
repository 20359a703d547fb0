//! The README's portal-backend examples (`examples/mint.mjs` with npm's
//! `jsonwebtoken`, `examples/mint.py` with PyPI's `PyJWT`), which
//! `edge/tests/examples.test.mjs` runs against the edge: the Python one
//! needs PyJWT, kept in a virtual environment of the tool cache.

use std::path::PathBuf;

use crate::cmd::Outcome;

/// The pinned PyJWT (PyPI), the JWT library most Python backends use.
pub const PYJWT_VERSION: &str = "2.15.1";

/// The environment variable that hands the tests the venv's Python.
pub const PYTHON_ENV: &str = "CALLME_PYJWT_PYTHON";

/// The Python of the PyJWT venv, made on first use.
///
/// # Errors
/// When Python 3 with venv is missing, or pip cannot install PyJWT.
pub fn pyjwt_python() -> Outcome<PathBuf> {
    crate::numbers::venv_with("PyJWT", "jwt", PYJWT_VERSION, "the README's PyJWT example")
}
