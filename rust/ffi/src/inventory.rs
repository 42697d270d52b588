//! Everything exported, for the bindings generator and the API guard.

use crate::{check_endpoints, GraphSession, RevokeJobHandle, SignInFlow, SignedInRevocationHandle, UserQueryHandle};
use interoptopus::inventory::RustInventory;
use interoptopus::{builtins_string, function, guard, service};

pub fn ffi_inventory() -> RustInventory {
    RustInventory::new()
        .register(builtins_string!())
        .register(guard!(ffi_inventory))
        .register(function!(check_endpoints))
        .register(service!(SignInFlow))
        .register(service!(GraphSession))
        .register(service!(RevokeJobHandle))
        .register(service!(UserQueryHandle))
        .register(service!(SignedInRevocationHandle))
        .validate()
}
