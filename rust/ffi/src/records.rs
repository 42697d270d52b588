//! The documents C# reads, described once: `boundary_document!` declares a DTO's serde struct
//! and, from the same field list, the C# class entra-bindgen renders into
//! `cmdlets/Native/Records.g.cs` (field names in PascalCase, the C# type written beside each
//! Rust type). A field added in Rust therefore appears in C#, and `dto_tests` checks that each
//! document's JSON has exactly the described fields with values of the described C# types.

/// One generated C# class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsRecord {
    pub name: &'static str,
    pub doc: &'static str,
    /// (Rust field name in snake_case, C# type).
    pub fields: &'static [(&'static str, &'static str)],
}

/// Every document C# reads as a generated class, in the order the file lists them.
pub fn all() -> Vec<CsRecord> {
    crate::dto::csharp_records()
}

/// `boundary_document! { /// doc  #[csharp = "Name"] struct Dto<'a> { field: RustType => "C# type", … } }`:
/// the struct derives Serialize with camelCase names, and `Dto::CSHARP` describes its C# class.
macro_rules! boundary_document {
    (
        $(#[doc = $doc:literal])*
        #[csharp = $csharp:literal]
        $svis:vis struct $name:ident $(<$lt:lifetime>)? {
            $(
                $(#[$field_attr:meta])*
                $fvis:vis $field:ident : $ty:ty => $cs:literal,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Serialize)]
        #[serde(rename_all = "camelCase")]
        $svis struct $name $(<$lt>)? {
            $( $(#[$field_attr])* $fvis $field: $ty, )*
        }

        impl $(<$lt>)? $name $(<$lt>)? {
            pub const CSHARP: $crate::records::CsRecord = $crate::records::CsRecord {
                name: $csharp,
                doc: concat!($($doc),*),
                fields: &[$((stringify!($field), $cs)),*],
            };
        }
    };
}
