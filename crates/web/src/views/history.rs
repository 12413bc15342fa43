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
    let show = |field: &str, v: &Value| match v {
        Value::Null => "–".to_string(),
        Value::String(s) => resolve(field, s).unwrap_or_else(|| s.clone()),
        Value::Bool(b) => if *b { "✓" } else { "–" }.to_string(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
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
