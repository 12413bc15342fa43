//! Field diffs for the audit log.

use serde::Serialize;
use serde_json::{Map, Value};

/// The fields that differ between two versions of a record, as `{field: [old, new]}`.
/// Fields listed in `skip` (bookkeeping such as `version`) are left out.
pub fn diff<T: Serialize>(old: Option<&T>, new: Option<&T>, skip: &[&str]) -> Value {
    let as_map = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    let (mut old, new) = (as_map(old), as_map(new));
    let mut out = Map::new();
    let mut changed = |key: String, a: Value, b: Value| {
        if !skip.contains(&key.as_str()) && a != b && !(is_empty(&a) && is_empty(&b)) {
            out.insert(key, Value::Array(vec![a, b]));
        }
    };
    // Values are moved, not copied: an import writes this for every record it makes.
    for (key, b) in new {
        let a = old.remove(&key).unwrap_or(Value::Null);
        changed(key, a, b);
    }
    for (key, a) in old {
        changed(key, a, Value::Null);
    }
    Value::Object(out)
}

/// Nothing set: null, false, an empty list or an empty text.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct R {
        name: &'static str,
        city: Option<&'static str>,
        tags: Vec<&'static str>,
        version: i64,
    }

    #[test]
    fn diff_lists_changed_fields_only() {
        let a = R {
            name: "A",
            city: None,
            tags: vec![],
            version: 1,
        };
        let b = R {
            name: "A",
            city: Some("Ulm"),
            tags: vec![],
            version: 2,
        };
        assert_eq!(
            diff(Some(&a), Some(&b), &["version"]),
            json!({"city": [null, "Ulm"]})
        );
        assert_eq!(
            diff(None, Some(&a), &["version"]),
            json!({"name": [null, "A"]})
        );
    }
}
