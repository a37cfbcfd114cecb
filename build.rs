//! Rebuild when a migration or the embedded sample account changes (`include_dir` does not notice new files).
fn main() {
    println!("cargo:rerun-if-changed=migrations/");
    println!("cargo:rerun-if-changed=config/emulator/");
}
