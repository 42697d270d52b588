//! Generates the C# bindings of the native library from the FFI inventory, and the C#
//! constants of its contract (`contract`) and the classes of its JSON documents (`records`).

mod contract;
mod records;

pub use contract::generate_contract;
pub use records::generate_records;

use interoptopus_csharp::RustLibrary;
use interoptopus_csharp::config::HeaderConfig;
use interoptopus_csharp::dispatch::Dispatch;

/// Namespace of the generated C#; the cmdlet assembly compiles it in, so the assembly's one
/// DllImport resolver covers it.
pub const NAMESPACE: &str = "Microsoft.Graph.Entra.Rs.Native";
/// The cdylib's name without platform prefix or suffix; the resolver maps it to the file.
pub const DLL_NAME: &str = "microsoft_graph_entra_rs_native";
/// Where the generated file is committed, relative to the repository root.
pub const COMMITTED_PATH: &str = "cmdlets/Native/Interop.g.cs";
/// The generated contract constants, beside the bindings.
pub const CONTRACT_FILE_NAME: &str = "Contract.g.cs";
/// The generated classes of the JSON documents, beside the bindings.
pub const RECORDS_FILE_NAME: &str = "Records.g.cs";

/// The complete text of the generated C# file.
pub fn generate() -> Result<String, Box<dyn std::error::Error>> {
    let output = RustLibrary::builder(microsoft_graph_entra_rs_native::ffi_inventory())
        .dll_name(DLL_NAME)
        .dispatch(Dispatch::single_file(NAMESPACE))
        .headers(HeaderConfig { emit_version: false, ..HeaderConfig::default() })
        .build()
        .process()?;
    let text = output.buffer("Interop.cs").ok_or("the generator produced no Interop.cs")?;
    Ok(text.replace("\r\n", "\n"))
}
