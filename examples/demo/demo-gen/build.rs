// Generates src code from a data file: a typical, harmless build script.
use std::{env, fs, path::Path};

fn main() {
    let text = fs::read_to_string("greeting.txt").expect("greeting.txt");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("greeting.rs");
    fs::write(&out, format!("pub const GREETING: &str = {:?};\n", text.trim())).unwrap();
    println!("cargo:rerun-if-changed=greeting.txt");
}
