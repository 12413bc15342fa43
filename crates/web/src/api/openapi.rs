//! The OpenAPI document as the server really behaves. The handlers' annotations name
//! their success bodies and the errors of their own rules; what every operation can
//! answer because of the shared extractors and middleware (401 without a token, 400 for
//! malformed JSON, 415 for another media type, 413, 422 for a bad query, 404 for an id
//! that is not there or not visible, 409 for a stale version or a state conflict) is
//! added here from the operation's shape, so the document cannot forget it. Every error
//! is `application/problem+json`. Query parameters get their types from their names and
//! their value lists from their descriptions.

use serde_json::{Map, Value, json};

const PROBLEM: &str = "#/components/schemas/Problem";

/// The document to serve.
pub fn complete(doc: &utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if let Some(op) = op.as_object_mut() {
                    complete_operation(method, op);
                }
            }
        }
    }
    doc
}

fn complete_operation(method: &str, op: &mut Map<String, Value>) {
    let params: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has_path = params.iter().any(|p| p["in"] == "path");
    let has_query = params.iter().any(|p| p["in"] == "query");
    let has_body = op.contains_key("requestBody");
    let writes = method != "get";
    let mut statuses = vec![401, 403];
    if has_body {
        statuses.extend([400, 413, 415, 422]);
    }
    if has_query {
        statuses.push(422);
    }
    if has_path {
        statuses.push(404);
    }
    if writes {
        statuses.extend([409, 422]);
    }
    let responses = op
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(responses) = responses.as_object_mut() {
        for status in statuses {
            responses
                .entry(status.to_string())
                .or_insert_with(|| json!({"description": description(status)}));
        }
        for (status, response) in responses.iter_mut() {
            if status.parse::<u16>().is_ok_and(|s| s >= 400) {
                response["content"] =
                    json!({"application/problem+json": {"schema": {"$ref": PROBLEM}}});
            }
        }
    }
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params.iter_mut().filter(|p| p["in"] == "query") {
            type_query_parameter(p);
        }
    }
}

fn description(status: u16) -> &'static str {
    match status {
        400 => "The body is not well-formed JSON (or has bytes after it).",
        401 => "No valid API token.",
        403 => "The token's user may not do this.",
        404 => "No such record, or not visible to the token's user.",
        409 => {
            "Someone changed the record first (see `current_version`), or its state forbids this."
        }
        413 => "The body is too large.",
        415 => "The body is not `application/json`.",
        422 => "A field or parameter is invalid; `errors` names each.",
        _ => "Error.",
    }
}

/// Ids are UUIDs, `limit` a number, flags `true`/`false`, days `YYYY-MM-DD`; a
/// parameter whose description lists its values gets them as an enum.
fn type_query_parameter(p: &mut Value) {
    let name = p["name"].as_str().unwrap_or("").to_string();
    let desc = p["description"].as_str().unwrap_or("").to_string();
    let schema = match name.as_str() {
        "limit" => Some(json!({"type": "integer", "minimum": 1, "maximum": 200})),
        "deleted" | "done" | "key_conversation" | "stale" | "overdue" | "active" => {
            Some(json!({"type": "string", "enum": ["true", "false"]}))
        }
        "from" | "to" => Some(json!({"type": "string", "format": "date"})),
        "created_by" => Some(json!({"type": "string", "format": "uuid"})),
        n if n.ends_with("_id") => Some(json!({"type": "string", "format": "uuid"})),
        _ => values_in(&desc).map(|v| json!({"type": "string", "enum": v})),
    };
    if let Some(schema) = schema {
        p["schema"] = schema;
    }
}

/// The values a description lists: `a`, `b` or `c` in back-ticks, or a plain list
/// `a, b or c` (text in parentheses and after `;` is commentary).
fn values_in(desc: &str) -> Option<Vec<String>> {
    let token = |t: &str| {
        !t.is_empty()
            && t.trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_')
    };
    let ticked: Vec<&str> = desc.split('`').skip(1).step_by(2).collect();
    let values: Vec<String> = if !ticked.is_empty() {
        if !ticked.iter().all(|t| token(t)) {
            return None;
        }
        ticked.iter().map(|t| t.to_string()).collect()
    } else {
        let mut plain = String::new();
        let mut depth = 0;
        for c in desc.split(';').next().unwrap_or("").chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        let parts: Vec<String> = plain
            .replace(" or ", ", ")
            .split(',')
            .map(|t| t.trim().to_string())
            .collect();
        if !parts.iter().all(|t| token(t)) {
            return None;
        }
        parts
    };
    let mut unique: Vec<String> = vec![];
    for v in values {
        if !unique.contains(&v) {
            unique.push(v);
        }
    }
    (unique.len() >= 2).then_some(unique)
}

#[cfg(test)]
mod tests {
    use super::values_in;

    #[test]
    fn value_lists_are_read_from_descriptions() {
        assert_eq!(
            values_in("prospect, customer, former or partner").unwrap(),
            ["prospect", "customer", "former", "partner"]
        );
        assert_eq!(
            values_in("name (title), -name, created_at").unwrap(),
            ["name", "-name", "created_at"]
        );
        assert_eq!(
            values_in("`open` (default: open, in progress, waiting) or `all`").unwrap(),
            ["open", "all"]
        );
        assert_eq!(
            values_in("account, contact or deal; default all")
                .unwrap()
                .len(),
            3
        );
        assert_eq!(values_in("`me` (default), `workspace`, `team:<id>`"), None);
        assert_eq!(values_in("Comma-separated statuses"), None);
        assert_eq!(values_in("the author"), None);
    }
}
