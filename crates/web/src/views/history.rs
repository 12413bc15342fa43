//! The history of a record (its audit log), formatted for its page.

use crate::i18n::Tr;
use serde_json::Value;
use tandem_store::audit::AuditEntry;

/// One entry of the history, formatted.
pub struct HistoryItem {
    pub action: String,
    pub actor: String,
    pub at: String,
    /// `(field label, old value, new value)`
    pub changes: Vec<(String, String, String)>,
}

/// `resolve(field, value)` names what an id or code stands for (owner names, labels).
pub fn history_items(
    entries: Vec<AuditEntry>,
    tr: Tr,
    resolve: impl Fn(&str, &str) -> Option<String>,
) -> Vec<HistoryItem> {
    let locale = tr.locale;
    // Money and deal contacts are stored as objects; they read as amounts and roles.
    let object = |o: &serde_json::Map<String, Value>| -> String {
        if let (Some(minor), Some(currency)) = (
            o.get("minor").and_then(Value::as_i64),
            o.get("currency").and_then(Value::as_str),
        ) {
            return tandem_domain::money::Money::new(minor, currency).format(locale);
        }
        if let Some(role) = o.get("role").and_then(Value::as_str) {
            let who = o
                .get("contact_id")
                .and_then(Value::as_str)
                .and_then(|id| resolve("contact_id", id))
                .unwrap_or_default();
            let role = tr.t(&format!("deal-role-{role}"));
            return if who.is_empty() {
                role
            } else {
                format!("{who} ({role})")
            };
        }
        // Custom field values: `key: value` pairs.
        o.iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s.clone(),
                    Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                format!("{k}: {v}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let show = |field: &str, v: &Value| match v {
        Value::Null => "–".to_string(),
        Value::String(s) => resolve(field, s).unwrap_or_else(|| s.clone()),
        Value::Bool(b) => if *b { "✓" } else { "–" }.to_string(),
        Value::Object(o) => object(o),
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                Value::Object(o) => object(o),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    entries
        .into_iter()
        .map(|e| HistoryItem {
            action: tr.t(&format!("history-{}", e.action)),
            actor: e.actor_name.unwrap_or_else(|| tr.t("history-system")),
            at: tr.instant(&e.at),
            changes: e
                .diff
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(field, pair)| {
                            (
                                tr.t(&format!("field-{}", field.replace('_', "-"))),
                                show(field, &pair[0]),
                                show(field, &pair[1]),
                            )
                        })
                        // Changes that read the same (a default filled in) say nothing.
                        .filter(|(_, old, new)| old != new)
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}
