//! The documents C# writes (`#[csharp_input]`: the options of each call) as Rust reads them:
//! the generated C# class has exactly the fields serde reads, under the same names, and the
//! JSON C# writes from it (every property set, or each nullable one left null, as
//! System.Text.Json writes an unset one) is read without error.

use crate::dto::JobOptionsDto;
use crate::dto_tests::{described_enum, described};
use crate::records::{CsRecord, Direction};
use crate::sign_in::{ConnectSettingsDto, ProxyEnvironmentDto};
use crate::signed_in_user::OptionsDto;
use crate::user_query::UserQueryDto;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::{Value, json};

/// Asks a derived `Deserialize` which fields it reads: serde passes them (renames applied) to
/// `deserialize_struct`, and this deserializer keeps them and stops there.
#[derive(Default)]
struct FieldNames(Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, fields: &'static [&'static str], _visitor: V) -> Result<V::Value, Self::Error> {
        self.0 = Some(fields);
        Err(de::Error::custom("fields read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

fn serde_fields<T: DeserializeOwned>() -> Vec<String> {
    let mut names = FieldNames::default();
    let _ = T::deserialize(&mut names);
    let mut fields: Vec<String> = names.0.unwrap_or_else(|| panic!("{} is a struct", std::any::type_name::<T>())).iter().map(|f| (*f).to_owned()).collect();
    fields.sort();
    fields
}

/// One input document: its C# class, the fields its Rust struct reads, and its reader.
struct InputDocument {
    record: CsRecord,
    serde_fields: Vec<String>,
    read: fn(Value) -> Result<(), serde_json::Error>,
}

fn input<T: DeserializeOwned>(record: CsRecord) -> InputDocument {
    InputDocument { record, serde_fields: serde_fields::<T>(), read: |json| serde_json::from_value::<T>(json).map(drop) }
}

fn inputs() -> Vec<InputDocument> {
    vec![
        input::<JobOptionsDto>(JobOptionsDto::CSHARP),
        input::<UserQueryDto>(UserQueryDto::CSHARP),
        input::<OptionsDto>(OptionsDto::CSHARP),
        input::<ConnectSettingsDto>(ConnectSettingsDto::CSHARP),
        input::<ProxyEnvironmentDto>(ProxyEnvironmentDto::CSHARP),
    ]
}

/// A value System.Text.Json could write for a property of this C# type; `null` for every
/// nullable one when `nulls`.
fn sample(cs_type: &str, nulls: bool) -> Value {
    if nulls && cs_type.ends_with('?') {
        return Value::Null;
    }
    match cs_type.trim_end_matches('?') {
        "string" => json!("x"),
        "bool" => json!(true),
        "int" | "long" => json!(3),
        "double" => json!(2.5),
        "string[]" => json!(["a", "b"]),
        other => match described_enum(other) {
            // The last name: not the default, so a name serde does not know would show.
            Some(enumeration) => json!(enumeration.json_names().last().expect("an enum has members")),
            None => sample_document(described(other), nulls),
        },
    }
}

fn sample_document(record: CsRecord, nulls: bool) -> Value {
    Value::Object(record.fields.iter().map(|f| (f.json_name(), sample(f.cs_type, nulls))).collect())
}

#[test]
fn every_input_document_is_checked_here() {
    let checked: Vec<&str> = inputs().iter().map(|d| d.record.name).collect();
    for record in crate::records::all().into_iter().filter(|r| r.direction == Direction::Input) {
        assert!(checked.contains(&record.name), "{} is an input document: add it to `inputs`", record.name);
    }
}

#[test]
fn every_input_document_reads_exactly_the_fields_of_its_generated_csharp_class() {
    for document in inputs() {
        let mut csharp: Vec<String> = document.record.fields.iter().map(|f| f.json_name()).collect();
        csharp.sort();
        assert_eq!(csharp, document.serde_fields, "{}: the C# properties (left) and the fields Rust reads (right)", document.record.name);
    }
}

#[test]
fn every_input_document_reads_what_csharp_writes_with_every_property_set_or_null() {
    for document in inputs() {
        for nulls in [false, true] {
            let json = sample_document(document.record, nulls);
            if let Err(e) = (document.read)(json.clone()) {
                panic!("{} does not read {json}: {e}", document.record.name);
            }
        }
    }
}

#[test]
fn an_input_document_refuses_a_field_its_csharp_class_lacks() {
    for document in inputs() {
        let Value::Object(mut json) = sample_document(document.record, false) else { unreachable!("a document is an object") };
        json.insert("notAnOption".to_owned(), json!(1));
        assert!((document.read)(Value::Object(json)).is_err(), "{} accepts an unknown field", document.record.name);
    }
}
