//! The history of a record (its audit log), formatted for its page.

use crate::{AppState, auth::Auth, i18n::Tr};
use serde_json::Value;
use std::collections::HashMap;
use tandem_domain::{AccountId, ContactId, DealId};
use tandem_store::audit::AuditEntry;

/// The names of the records and people that the history's changes refer to by id
/// (a company the contact belonged to before, a former owner …), as far as the viewer
/// may see them; the others stay unnamed.
pub async fn referenced_names(
    state: &AppState,
    auth: &Auth,
    entries: &[AuditEntry],
) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let mut wanted: Vec<(String, String)> = vec![];
    for e in entries {
        for (field, pair) in e.diff.as_object().into_iter().flatten() {
            for v in pair.as_array().into_iter().flatten() {
                if let Some(id) = v.as_str().filter(|s| s.parse::<uuid::Uuid>().is_ok())
                    && !wanted.iter().any(|(_, w)| w == id)
                {
                    wanted.push((field.clone(), id.to_string()));
                }
            }
        }
    }
    if wanted.is_empty() {
        return names;
    }
    let people = tandem_app::users::list(&state.store, auth)
        .await
        .unwrap_or_default();
    for (field, id) in wanted {
        let Ok(uuid) = id.parse::<uuid::Uuid>() else {
            continue;
        };
        let name = match field.as_str() {
            "account_id" | "parent_id" => {
                tandem_app::accounts::get(&state.store, auth, AccountId(uuid))
                    .await
                    .ok()
                    .map(|a| a.data.name)
            }
            "contact_id" => tandem_app::contacts::get(&state.store, auth, ContactId(uuid))
                .await
                .ok()
                .map(|c| c.data.display_name()),
            "deal_id" => tandem_app::deals::get(&state.store, auth, DealId(uuid))
                .await
                .ok()
                .map(|d| d.data.title),
            _ => people
                .iter()
                .find(|u| u.id.0 == uuid)
                .map(|u| u.name.clone()),
        };
        if let Some(n) = name {
            names.insert(id, n);
        }
    }
    names
}

/// One entry of the history, formatted.
pub struct HistoryItem {
    pub action: String,
    pub actor: String,
    pub at: String,
    /// `(field label, old value, new value)`
    pub changes: Vec<(String, String, String)>,
}

/// `resolve(field, value)` names what a code stands for (labels); `names` what an id
/// stands for (from [`referenced_names`]). An id that is not named reads as a record
/// one may not see, never as the id itself.
pub fn history_items(
    entries: Vec<AuditEntry>,
    tr: Tr,
    names: &HashMap<String, String>,
    resolve: impl Fn(&str, &str) -> Option<String>,
) -> Vec<HistoryItem> {
    let resolve = |field: &str, value: &str| -> Option<String> {
        resolve(field, value)
            .or_else(|| names.get(value).cloned())
            .or_else(|| {
                value
                    .parse::<uuid::Uuid>()
                    .is_ok()
                    .then(|| tr.t("history-unnamed-record"))
            })
    };
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
        Value::String(s) if s.is_empty() => "–".to_string(),
        Value::Object(o) if o.is_empty() => "–".to_string(),
        Value::Array(a) if a.is_empty() => "–".to_string(),
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
            action: tr.t(&format!("history-{}", e.action.as_str())),
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
                        // Changes that read the same (a default filled in, nothing
                        // to nothing) say nothing.
                        .filter(|(_, old, new)| old != new)
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}
