//! The committed C# bindings must be exactly what the current FFI inventory generates; a stale
//! file would call functions with the wrong signatures (the API guard also catches it at load).

use std::path::{Path, PathBuf};

fn committed(name: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{} is committed: {e}", name.display())).replace("\r\n", "\n")
}

#[test]
fn committed_bindings_match_the_ffi_inventory() {
    let generated = entra_bindgen::generate().expect("bindings generate");
    assert!(
        committed(Path::new(entra_bindgen::COMMITTED_PATH)) == generated,
        "cmdlets/Native/Interop.g.cs is stale: run `pwsh ./build.ps1` (or `cargo run -p entra-bindgen`) and commit the result"
    );
}

#[test]
fn committed_contract_matches_the_ffi_contract() {
    let path = PathBuf::from(entra_bindgen::COMMITTED_PATH).with_file_name(entra_bindgen::CONTRACT_FILE_NAME);
    assert!(
        committed(&path) == entra_bindgen::generate_contract(entra_bindgen::NAMESPACE),
        "cmdlets/Native/Contract.g.cs is stale: run `pwsh ./build.ps1` (or `cargo run -p entra-bindgen`) and commit the result"
    );
}

#[test]
fn committed_records_match_the_ffi_documents() {
    let path = PathBuf::from(entra_bindgen::COMMITTED_PATH).with_file_name(entra_bindgen::RECORDS_FILE_NAME);
    assert!(
        committed(&path) == entra_bindgen::generate_records(entra_bindgen::NAMESPACE),
        "cmdlets/Native/Records.g.cs is stale: run `pwsh ./build.ps1` (or `cargo run -p entra-bindgen`) and commit the result"
    );
}
