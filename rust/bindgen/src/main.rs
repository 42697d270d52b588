//! `entra-bindgen <path>`: writes the generated C# bindings to `<path>`
//! (default: cmdlets/Native/Interop.g.cs under the current directory).

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os().nth(1).map_or_else(|| PathBuf::from(entra_bindgen::COMMITTED_PATH), PathBuf::from);
    let text = entra_bindgen::generate()?;
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, text)?;
        println!("bindings written to {}", path.display());
    } else {
        println!("bindings up to date: {}", path.display());
    }
    Ok(())
}
