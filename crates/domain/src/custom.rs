//! Custom fields: extra fields an admin defines per kind of record (accounts, contacts,
//! deals), with a type, checked like built-in fields. Values live in one JSON object
//! per record: `{"key": value}`.

use crate::{
    money::{MAX_MINOR, currency_known},
    validation::{Checker, Invalid},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Account,
    Contact,
    Deal,
}

impl Entity {
    pub const ALL: [Entity; 3] = [Entity::Account, Entity::Contact, Entity::Deal];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Account => "account",
            Entity::Contact => "contact",
            Entity::Deal => "deal",
        }
    }

    pub fn parse(s: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    Number,
    Money,
    Date,
    Select,
    MultiSelect,
    Checkbox,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Text,
        Kind::Number,
        Kind::Money,
        Kind::Date,
        Kind::Select,
        Kind::MultiSelect,
        Kind::Checkbox,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Number => "number",
            Kind::Money => "money",
            Kind::Date => "date",
            Kind::Select => "select",
            Kind::MultiSelect => "multi_select",
            Kind::Checkbox => "checkbox",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn has_options(self) -> bool {
        matches!(self, Kind::Select | Kind::MultiSelect)
    }
}

pub const TEXT_MAX: usize = 1_000;
pub const OPTIONS_MAX: usize = 50;

/// A field definition as an admin gives it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldInput {
    /// account, contact or deal
    #[serde(default)]
    pub entity: String,
    /// Lower-case letters, digits and `_`; derived from the label when empty.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub label: String,
    /// text, number, money, date, select, multi_select or checkbox
    #[serde(default)]
    pub kind: String,
    /// required for select and multi_select
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub entity: Entity,
    pub key: String,
    pub label: String,
    pub kind: Kind,
    pub options: Vec<String>,
    pub required: bool,
}

impl FieldInput {
    pub fn validate(&self) -> Result<FieldDef, Invalid> {
        let mut c = Checker::default();
        let entity = Entity::parse(self.entity.trim());
        if entity.is_none() {
            c.add("entity", "invalid_choice");
        }
        let label = c.required("label", &self.label, 100);
        let key = match self.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => k.to_string(),
            None => crate::text::slugify(&label).replace('-', "_"),
        };
        if key.is_empty()
            || key.len() > 40
            || !key
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        {
            c.add("key", "invalid_key");
        }
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            c.add("kind", "invalid_choice");
        }
        let mut options: Vec<String> = vec![];
        for o in self
            .options
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
        {
            if o.chars().count() > 100 {
                c.add("options", "too_long");
            } else if !options.iter().any(|x| x == o) {
                options.push(o.to_string());
            }
        }
        if kind.is_some_and(Kind::has_options) && options.is_empty() {
            c.add("options", "required");
        }
        if options.len() > OPTIONS_MAX {
            c.add("options", "too_many");
        }
        c.finish()?;
        let kind = kind.unwrap_or(Kind::Text);
        Ok(FieldDef {
            entity: entity.unwrap_or(Entity::Account),
            key,
            label,
            options: if kind.has_options() { options } else { vec![] },
            kind,
            required: self.required,
        })
    }
}

/// Checks custom values against the definitions and returns them normalised: unknown
/// keys, wrong types and missing required values are named as `custom.<key>`.
pub fn validate(
    defs: &[FieldDef],
    values: &Map<String, Value>,
) -> Result<Map<String, Value>, Invalid> {
    let mut c = Checker::default();
    let mut out = Map::new();
    for (key, value) in values {
        let field = format!("custom.{key}");
        let Some(def) = defs.iter().find(|d| &d.key == key) else {
            c.add(&field, "unknown_field");
            continue;
        };
        if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        match check(def, value) {
            Ok(v) => {
                out.insert(key.clone(), v);
            }
            Err(code) => c.add(&field, code),
        }
    }
    for def in defs.iter().filter(|d| d.required) {
        let field = format!("custom.{}", def.key);
        let empty = match out.get(&def.key) {
            None => true,
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Bool(b)) => !b,
            _ => false,
        };
        if empty && !c.has(&field) {
            c.add(&field, "required");
        }
    }
    c.finish()?;
    Ok(out)
}

fn check(def: &FieldDef, v: &Value) -> Result<Value, &'static str> {
    match def.kind {
        Kind::Text => {
            let s = v.as_str().ok_or("invalid_type")?.trim();
            if s.chars().count() > TEXT_MAX {
                return Err("too_long");
            }
            Ok(Value::String(s.to_string()))
        }
        Kind::Number => {
            let n = v.as_f64().ok_or("invalid_type")?;
            if !n.is_finite() || n.abs() > 1e15 {
                return Err("out_of_range");
            }
            Ok(v.clone())
        }
        Kind::Money => {
            let m: crate::money::Money =
                serde_json::from_value(v.clone()).map_err(|_| "invalid_type")?;
            let currency = m.currency.trim().to_ascii_uppercase();
            if !currency_known(&currency) {
                return Err("unknown_currency");
            }
            if !(0..=MAX_MINOR).contains(&m.minor) {
                return Err("out_of_range");
            }
            Ok(serde_json::json!({"minor": m.minor, "currency": currency}))
        }
        Kind::Date => {
            let d = crate::validation::date(v.as_str().ok_or("invalid_type")?)?;
            Ok(Value::String(d.to_string()))
        }
        Kind::Select => {
            let s = v.as_str().ok_or("invalid_type")?.trim();
            if def.options.iter().any(|o| o == s) {
                Ok(Value::String(s.to_string()))
            } else {
                Err("invalid_choice")
            }
        }
        Kind::MultiSelect => {
            let items = v.as_array().ok_or("invalid_type")?;
            let mut chosen: Vec<String> = vec![];
            for item in items {
                let s = item.as_str().ok_or("invalid_type")?.trim();
                if !def.options.iter().any(|o| o == s) {
                    return Err("invalid_choice");
                }
                if !chosen.iter().any(|x| x == s) {
                    chosen.push(s.to_string());
                }
            }
            // In the order of the definition, so equal choices compare equal.
            chosen.sort_by_key(|x| def.options.iter().position(|o| o == x));
            Ok(Value::Array(
                chosen.into_iter().map(Value::String).collect(),
            ))
        }
        Kind::Checkbox => Ok(Value::Bool(v.as_bool().ok_or("invalid_type")?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defs() -> Vec<FieldDef> {
        vec![
            FieldInput {
                entity: "account".into(),
                label: "Maschinenpark".into(),
                kind: "number".into(),
                ..Default::default()
            },
            FieldInput {
                entity: "account".into(),
                label: "Zertifikate".into(),
                kind: "multi_select".into(),
                options: vec!["ISO 9001".into(), "ISO 14001".into()],
                ..Default::default()
            },
            FieldInput {
                entity: "account".into(),
                label: "Rahmenvertrag bis".into(),
                kind: "date".into(),
                required: true,
                ..Default::default()
            },
        ]
        .into_iter()
        .map(|f| f.validate().unwrap())
        .collect()
    }

    #[test]
    fn keys_come_from_labels_and_options_are_needed_for_choices() {
        assert_eq!(defs()[2].key, "rahmenvertrag_bis");
        let bad = FieldInput {
            entity: "lead".into(),
            label: "Größe".into(),
            kind: "select".into(),
            key: Some("Größe!".into()),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["entity", "key", "options"]);
    }

    #[test]
    fn values_are_checked_and_normalised() {
        let ok = validate(
            &defs(),
            json!({"maschinenpark": 12, "zertifikate": ["ISO 14001", "ISO 9001"],
                   "rahmenvertrag_bis": "2027-06-30"})
            .as_object()
            .unwrap(),
        )
        .unwrap();
        assert_eq!(ok["zertifikate"], json!(["ISO 9001", "ISO 14001"]));
        let err = validate(
            &defs(),
            json!({"maschinenpark": "viele", "zertifikate": ["ISO 27001"], "farbe": "rot"})
                .as_object()
                .unwrap(),
        )
        .unwrap_err();
        let got: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("custom.farbe", "unknown_field"),
                ("custom.maschinenpark", "invalid_type"),
                ("custom.zertifikate", "invalid_choice"),
                ("custom.rahmenvertrag_bis", "required"),
            ]
        );
    }
}
