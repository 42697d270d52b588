//! The committed C# bindings must be exactly what the current FFI inventory generates; a stale
//! file would call functions with the wrong signatures (the API guard also catches it at load).

#[test]
fn committed_bindings_match_the_ffi_inventory() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let committed = std::fs::read_to_string(root.join(entra_bindgen::COMMITTED_PATH))
        .expect("cmdlets/Native/Interop.g.cs is committed")
        .replace("\r\n", "\n");
    let generated = entra_bindgen::generate().expect("bindings generate");
    assert!(
        committed == generated,
        "cmdlets/Native/Interop.g.cs is stale: run `pwsh ./build.ps1` (or `cargo run -p entra-bindgen`) and commit the result"
    );
}
