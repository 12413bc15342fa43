//! JSON into typed input: malformed JSON is a bad request, a wrong field is invalid
//! naming the field; text with control characters is refused.

use crate::error::AppError;
use serde::de::DeserializeOwned;
use serde_json::error::Category;
use tandem_domain::{Invalid, text::has_control_chars};

/// The body as `T`. The whole body must be one JSON value (bytes after it are a
/// malformed request, not ignored), and no text in it may hold control characters
/// other than tab and line breaks (422 naming the field).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?;
    if let Some(field) = field_with_control_chars(&value, None) {
        return Err(Invalid::one(field, "control_characters").into());
    }
    from_value(value)
}

/// The top-level field (or `body`) of the first text with control characters, in keys
/// as in values.
fn field_with_control_chars(value: &serde_json::Value, top: Option<&str>) -> Option<String> {
    use serde_json::Value;
    let named = |key: &str| top.unwrap_or(key).to_string();
    match value {
        Value::String(s) if has_control_chars(s) => Some(top.unwrap_or("body").to_string()),
        Value::Array(items) => items
            .iter()
            .find_map(|v| field_with_control_chars(v, Some(top.unwrap_or("body")))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if has_control_chars(k) {
                Some(named("body"))
            } else {
                field_with_control_chars(v, Some(top.unwrap_or(k)))
            }
        }),
        _ => None,
    }
}

pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    let result: Result<T, _> = serde_path_to_error::deserialize(value);
    result.map_err(|e| classify(e.path().to_string(), e.into_inner()))
}

fn classify(path: String, e: serde_json::Error) -> AppError {
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            AppError::BadRequest(format!("malformed JSON: {e}"))
        }
        Category::Data => {
            let msg = e.to_string();
            let named = msg.split('`').nth(1).map(str::to_string);
            let (field, code) = if msg.starts_with("unknown field") {
                (named.unwrap_or_default(), "unknown_field")
            } else if msg.starts_with("missing field") {
                (named.unwrap_or_default(), "required")
            } else {
                (path, "invalid_type")
            };
            let field = match field.as_str() {
                "" | "." => "body".to_string(),
                _ => field.split('[').next().unwrap_or(&field).to_string(),
            };
            Invalid::one(field, code).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_domain::account::AccountInput;

    /// 400 for a malformed body, 422 with the fields named for an invalid one.
    fn err(body: &str) -> (u16, Vec<(String, String)>) {
        match from_slice::<AccountInput>(body.as_bytes()).unwrap_err() {
            AppError::BadRequest(_) => (400, vec![]),
            AppError::Invalid(Invalid(errs)) => (
                422,
                errs.into_iter()
                    .map(|f| (f.field, f.code.to_string()))
                    .collect(),
            ),
            e => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn bad_bodies_name_the_field() {
        assert_eq!(err("{"), (400, vec![]));
        assert_eq!(
            err(r#"{"name": 5}"#),
            (422, vec![("name".into(), "invalid_type".into())])
        );
        assert_eq!(
            err(r#"{"name": "A", "colour": "red"}"#),
            (422, vec![("colour".into(), "unknown_field".into())])
        );
        assert_eq!(
            err(r#"{"name": "A", "tags": [1]}"#),
            (422, vec![("tags".into(), "invalid_type".into())])
        );
        assert_eq!(
            err("5"),
            (422, vec![("body".into(), "invalid_type".into())])
        );
    }

    #[test]
    fn bytes_after_the_body_are_malformed() {
        assert_eq!(err(r#"{"name":"x"}}]"#), (400, vec![]));
        assert_eq!(err(r#"{"name":"x"} {}"#), (400, vec![]));
    }

    #[test]
    fn control_characters_name_their_field() {
        assert_eq!(
            err(r#"{"name": "A\u0000B"}"#),
            (422, vec![("name".into(), "control_characters".into())])
        );
        assert_eq!(
            err(r#"{"name": "A", "tags": ["ok", "\u001b[31m"]}"#),
            (422, vec![("tags".into(), "control_characters".into())])
        );
        // Tabs and line breaks are text.
        assert!(from_slice::<AccountInput>(br#"{"name": "A\tB\nC"}"#).is_ok());
    }
}
