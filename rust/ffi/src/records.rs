//! The documents that cross the boundary, described once: `boundary_document!` declares a DTO's
//! serde struct and, from the same field list, the C# class entra-bindgen renders into
//! `cmdlets/Native/Records.g.cs` (field names in PascalCase, the C# type written beside each
//! Rust type); `boundary_enum!` does the same for the enums a document carries by name. A field
//! added in Rust therefore appears in C#, and `dto_tests` checks each document against its
//! class: the JSON Rust writes has exactly the described fields with values of the described C#
//! types, and the JSON C# writes from the class is exactly what the Rust struct reads.

/// Which way a document travels, which decides its serde derive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Rust writes it, C# reads it: `Serialize`.
    Output,
    /// C# writes it (the options of a call), Rust reads it: `Deserialize`, refusing unknown fields
    /// so a misspelt option fails instead of silently taking its default.
    Input,
}

/// One property of a generated C# class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsField {
    /// The Rust field name, snake_case.
    pub name: &'static str,
    /// The JSON name when it is not serde's camelCase of `name` (`azureADEndpoint`).
    pub renamed: Option<&'static str>,
    /// The C# type of the property.
    pub cs_type: &'static str,
}

impl CsField {
    /// The name in the JSON document.
    pub fn json_name(&self) -> String {
        self.renamed.map_or_else(|| camel(self.name), str::to_owned)
    }
}

/// One generated C# class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsRecord {
    pub name: &'static str,
    pub doc: &'static str,
    pub direction: Direction,
    pub fields: &'static [CsField],
}

/// One generated C# enum, read and written by name (camelCase, as serde spells the variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsEnum {
    pub name: &'static str,
    pub doc: &'static str,
    /// The variant names, PascalCase as in Rust and C#.
    pub members: &'static [&'static str],
}

impl CsEnum {
    /// The names the JSON carries, in declaration order.
    pub fn json_names(&self) -> Vec<String> {
        self.members.iter().map(|m| camel_variant(m)).collect()
    }
}

/// Every document that crosses the boundary as a generated class, in the order the file lists them.
pub fn all() -> Vec<CsRecord> {
    use crate::dto::{FailureDto, JobOptionsDto, OutcomeDto, SessionDto, SummaryDto, TraceDto, TraceEntryDto, UserPageDto, VerificationDto};
    use crate::endpoints::{EndpointPairVerdict, EndpointVerdict};
    use crate::sign_in::{ConnectSettingsDto, ProxyEnvironmentDto, SignInAnswerDto, SignInErrorDto};
    vec![
        OutcomeDto::CSHARP,
        VerificationDto::CSHARP,
        FailureDto::CSHARP,
        SummaryDto::CSHARP,
        UserPageDto::CSHARP,
        TraceDto::CSHARP,
        TraceEntryDto::CSHARP,
        SessionDto::CSHARP,
        EndpointPairVerdict::CSHARP,
        EndpointVerdict::CSHARP,
        SignInAnswerDto::CSHARP,
        SignInErrorDto::CSHARP,
        JobOptionsDto::CSHARP,
        crate::user_query::UserQueryDto::CSHARP,
        crate::signed_in_user::OptionsDto::CSHARP,
        ConnectSettingsDto::CSHARP,
        ProxyEnvironmentDto::CSHARP,
    ]
}

/// Every enum a document carries by name, as a generated C# enum.
pub fn all_enums() -> Vec<CsEnum> {
    vec![crate::dto::TraceLevelDto::CSHARP, crate::sign_in::SignInStatus::CSHARP]
}

/// `duration_ms` → `durationMs`, as serde's rename_all = "camelCase" spells a field's JSON name.
pub fn camel(snake: &str) -> String {
    let mut words = snake.split('_');
    let first = words.next().unwrap_or_default().to_owned();
    first + &words.filter(|w| !w.is_empty()).map(|w| w[..1].to_ascii_uppercase() + &w[1..]).collect::<String>()
}

/// `SignedIn` → `signedIn`, as serde's rename_all = "camelCase" spells a variant (and
/// System.Text.Json's camelCase policy spells the C# member).
pub fn camel_variant(pascal: &str) -> String {
    let mut chars = pascal.chars();
    chars.next().map_or_else(String::new, |c| c.to_ascii_lowercase().to_string() + chars.as_str())
}

/// The optional JSON name of a field, as `CsField::renamed`.
macro_rules! boundary_renamed {
    () => {
        None
    };
    ($json:literal) => {
        Some($json)
    };
}

/// ```text
/// boundary_document! {
///     /// doc
///     #[csharp = "Name"]            // or #[csharp_input = "Name"]
///     #[derive(Default)]            // any further attributes of the struct
///     pub struct Dto<'a> { field: RustType => "C# type", renamed as "jsonName": RustType => "C# type", … }
/// }
/// ```
/// `csharp` documents (Rust writes them) derive Serialize, `csharp_input` documents (C# writes
/// them) derive Deserialize with deny_unknown_fields; both use camelCase names, and `Dto::CSHARP`
/// describes the C# class.
macro_rules! boundary_document {
    (
        $(#[doc = $doc:literal])*
        #[csharp = $csharp:literal]
        $($rest:tt)*
    ) => {
        boundary_document! { @emit [$($doc)*] $csharp, Output, [Serialize], [rename_all = "camelCase"], $($rest)* }
    };
    (
        $(#[doc = $doc:literal])*
        #[csharp_input = $csharp:literal]
        $($rest:tt)*
    ) => {
        boundary_document! { @emit [$($doc)*] $csharp, Input, [Deserialize], [rename_all = "camelCase", deny_unknown_fields], $($rest)* }
    };
    (
        @emit [$($doc:literal)*] $csharp:literal, $direction:ident, [$derive:ident], [$($serde:tt)*],
        $(#[$struct_attr:meta])*
        $svis:vis struct $name:ident $(<$lt:lifetime>)? {
            $(
                $(#[$field_attr:meta])*
                $fvis:vis $field:ident $(as $json:literal)? : $ty:ty => $cs:literal,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, $derive)]
        #[serde($($serde)*)]
        $(#[$struct_attr])*
        $svis struct $name $(<$lt>)? {
            $( $(#[$field_attr])* $(#[serde(rename = $json)])? $fvis $field: $ty, )*
        }

        impl $(<$lt>)? $name $(<$lt>)? {
            pub const CSHARP: $crate::records::CsRecord = $crate::records::CsRecord {
                name: $csharp,
                doc: concat!($($doc),*),
                direction: $crate::records::Direction::$direction,
                fields: &[$($crate::records::CsField { name: stringify!($field), renamed: boundary_renamed!($($json)?), cs_type: $cs }),*],
            };
        }
    };
}

/// `boundary_enum! { /// doc  #[csharp = "Name"] pub enum Dto { A, B, … } }`: a unit enum the
/// documents carry by its camelCase name (both ways), and `Dto::CSHARP` describing the C# enum.
macro_rules! boundary_enum {
    (
        $(#[doc = $doc:literal])*
        #[csharp = $csharp:literal]
        $(#[$enum_attr:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_attr:meta])* $variant:ident, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        $(#[$enum_attr])*
        $vis enum $name {
            $( $(#[$variant_attr])* $variant, )*
        }

        impl $name {
            pub const CSHARP: $crate::records::CsEnum = $crate::records::CsEnum {
                name: $csharp,
                doc: concat!($($doc),*),
                members: &[$(stringify!($variant)),*],
            };
        }
    };
}
