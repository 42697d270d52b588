//! The query string, kept apart from the path: a raw `?` starts it and never belongs to an id.

use percent_encoding::percent_decode_str;

use crate::graph_error::GraphError;

#[derive(Debug, Default)]
pub struct QueryParams {
    /// (lower-cased name, decoded value): OData option names are case-insensitive.
    pairs: Vec<(String, String)>,
}

fn decode(part: &str) -> String {
    // Query strings use form encoding: `+` is a space.
    percent_decode_str(&part.replace('+', " ")).decode_utf8_lossy().into_owned()
}

impl QueryParams {
    pub fn parse(raw: Option<&str>) -> Result<Self, GraphError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let name = decode(k).to_ascii_lowercase();
            if name.starts_with('$') && pairs.iter().any(|(n, _)| *n == name) {
                return Err(GraphError::bad_request(format!(
                    "Query option '{}' was specified more than once, but it must be specified at most once.",
                    decode(k)
                )));
            }
            pairs.push((name, decode(v)));
        }
        Ok(Self { pairs })
    }

    /// A system query option, with or without its `$` (Graph accepts both).
    pub fn option(&self, name: &str) -> Option<&str> {
        let bare = name.trim_start_matches('$');
        self.pairs
            .iter()
            .find(|(n, _)| n.trim_start_matches('$') == bare)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_values_and_folds_names() {
        let q = QueryParams::parse(Some("$Select=id,displayName&$filter=startswith(displayName,%27A%27)&top=5")).unwrap();
        assert_eq!(q.option("$select"), Some("id,displayName"));
        assert_eq!(q.option("$filter"), Some("startswith(displayName,'A')"));
        assert_eq!(q.option("$top"), Some("5"));
        assert_eq!(q.option("$search"), None);
    }

    #[test]
    fn repeated_options_are_refused() {
        assert!(QueryParams::parse(Some("$top=1&$top=2")).is_err());
    }
}
