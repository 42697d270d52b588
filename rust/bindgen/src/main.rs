//! `entra-bindgen <path>`: writes the generated C# bindings to `<path>`
//! (default: cmdlets/Native/Interop.g.cs under the current directory) and the contract
//! constants to `Contract.g.cs` and the document classes to `Records.g.cs` in the same folder.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os().nth(1).map_or_else(|| PathBuf::from(entra_bindgen::COMMITTED_PATH), PathBuf::from);
    write_if_changed(&path, &entra_bindgen::generate()?)?;
    let contract = path.with_file_name(entra_bindgen::CONTRACT_FILE_NAME);
    write_if_changed(&contract, &entra_bindgen::generate_contract(entra_bindgen::NAMESPACE))?;
    let records = path.with_file_name(entra_bindgen::RECORDS_FILE_NAME);
    write_if_changed(&records, &entra_bindgen::generate_records(entra_bindgen::NAMESPACE))?;
    Ok(())
}

/// Leaves an up-to-date file untouched, so its timestamp does not trigger a C# rebuild.
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        println!("up to date: {}", path.display());
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)?;
    println!("written: {}", path.display());
    Ok(())
}
