//! Prints the loader's words (see `callme_widget::words`) for `cargo xtask
//! build` to write into `callme.js`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    print!("{}", callme_widget::words::loader_table());
}

#[cfg(target_arch = "wasm32")]
fn main() {}
