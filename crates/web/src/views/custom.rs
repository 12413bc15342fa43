//! Custom fields on forms and detail pages. Inputs are named `cf_<key>` (a money field
//! adds `cf_<key>__currency`, a multi-select one checkbox `cf_<key>__<n>` per option),
//! so that every value arrives as one plain form field.

use crate::i18n::Tr;
use serde_json::{Map, Value};
use std::collections::HashMap;
use tandem_domain::{
    FieldError, Invalid, Locale,
    custom::Kind,
    money::{CURRENCIES, Money, edit_amount, parse_amount},
};
use tandem_store::custom_fields::Field;

/// One custom field on a form.
pub struct CustomInput {
    pub name: String,
    pub label: String,
    /// text, number, money, date, select, multi_select, checkbox
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
    /// For choices: `(input name, value, label, checked)`.
    pub choices: Vec<(String, String, bool)>,
    pub currencies: Vec<(String, bool)>,
    pub error: String,
}

fn name(key: &str) -> String {
    format!("cf_{key}")
}

/// The form values of stored custom values (for an edit form).
pub fn form_values(
    fields: &[Field],
    values: &Map<String, Value>,
    locale: Locale,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for f in fields {
        let n = name(&f.def.key);
        let Some(v) = values.get(&f.def.key) else {
            continue;
        };
        match f.def.kind {
            Kind::Money => {
                if let Ok(m) = serde_json::from_value::<Money>(v.clone()) {
                    out.insert(n.clone(), edit_amount(m.minor, &m.currency, locale));
                    out.insert(format!("{n}__currency"), m.currency);
                }
            }
            Kind::MultiSelect => {
                for (i, o) in f.def.options.iter().enumerate() {
                    if v.as_array()
                        .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(o)))
                    {
                        out.insert(format!("{n}__{i}"), "on".into());
                    }
                }
            }
            Kind::Checkbox => {
                if v.as_bool() == Some(true) {
                    out.insert(n, "on".into());
                }
            }
            Kind::Number => {
                let s = v.to_string();
                out.insert(
                    n,
                    if locale == Locale::De {
                        s.replace('.', ",")
                    } else {
                        s
                    },
                );
            }
            _ => {
                out.insert(n, v.as_str().unwrap_or_default().to_string());
            }
        }
    }
    out
}

/// The custom values typed into a form, or the fields that could not be read.
pub fn typed_values(
    fields: &[Field],
    form: &HashMap<String, String>,
    locale: Locale,
) -> Result<Map<String, Value>, Invalid> {
    let mut out = Map::new();
    let mut errors = vec![];
    for f in fields {
        let n = name(&f.def.key);
        let text = form.get(&n).map(|s| s.trim()).unwrap_or("");
        let field = format!("custom.{}", f.def.key);
        let value = match f.def.kind {
            Kind::Checkbox => Some(Value::Bool(!text.is_empty())),
            Kind::MultiSelect => Some(Value::Array(
                f.def
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| form.contains_key(&format!("{n}__{i}")))
                    .map(|(_, o)| Value::String(o.clone()))
                    .collect(),
            )),
            _ if text.is_empty() => None,
            Kind::Number => {
                let normal = if locale == Locale::De {
                    text.replace('.', "").replace(',', ".")
                } else {
                    text.replace(',', "")
                };
                match normal.parse::<f64>() {
                    Ok(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(Value::from(n as i64)),
                    Ok(n) => Some(Value::from(n)),
                    Err(_) => {
                        errors.push(FieldError::new(field, "not_a_number"));
                        None
                    }
                }
            }
            Kind::Money => {
                let currency = form
                    .get(&format!("{n}__currency"))
                    .map_or("EUR", |c| c.as_str());
                match parse_amount(text, currency, locale) {
                    Some(minor) => Some(serde_json::json!({"minor": minor, "currency": currency})),
                    None => {
                        errors.push(FieldError::new(field, "not_an_amount"));
                        None
                    }
                }
            }
            _ => Some(Value::String(text.to_string())),
        };
        if let Some(v) = value {
            out.insert(f.def.key.clone(), v);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Invalid(errors))
    }
}

/// The inputs of a form, filled from `form` (typed or stored values).
pub fn inputs(
    fields: &[Field],
    form: &HashMap<String, String>,
    errors: &super::FormErrors,
) -> Vec<CustomInput> {
    fields
        .iter()
        .map(|f| {
            let n = name(&f.def.key);
            let currency = form
                .get(&format!("{n}__currency"))
                .cloned()
                .unwrap_or_else(|| "EUR".into());
            CustomInput {
                value: form.get(&n).cloned().unwrap_or_default(),
                label: f.def.label.clone(),
                kind: f.def.kind.as_str(),
                required: f.def.required,
                choices: f
                    .def
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let checked = match f.def.kind {
                            Kind::MultiSelect => form.contains_key(&format!("{n}__{i}")),
                            _ => form.get(&n) == Some(o),
                        };
                        (format!("{n}__{i}"), o.clone(), checked)
                    })
                    .collect(),
                currencies: CURRENCIES
                    .iter()
                    .map(|(c, _)| (c.to_string(), *c == currency))
                    .collect(),
                error: errors.get(&format!("custom.{}", f.def.key)).to_string(),
                name: n,
            }
        })
        .collect()
}

/// `(label, value)` of each custom field with a value, for detail pages.
pub fn facts(
    fields: &[Field],
    values: &Map<String, Value>,
    tr: Tr,
    locale: Locale,
) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|f| {
            let v = values.get(&f.def.key)?;
            let shown = match f.def.kind {
                Kind::Money => serde_json::from_value::<Money>(v.clone())
                    .ok()?
                    .format(locale),
                Kind::Checkbox => tr.t(if v.as_bool()? { "yes" } else { "no" }),
                Kind::Date => {
                    let d: jiff::civil::Date = v.as_str()?.parse().ok()?;
                    tandem_domain::format::date(d, locale)
                }
                Kind::MultiSelect => v
                    .as_array()?
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                Kind::Number => {
                    let s = v.to_string();
                    if locale == Locale::De {
                        s.replace('.', ",")
                    } else {
                        s
                    }
                }
                _ => v.as_str()?.to_string(),
            };
            (!shown.is_empty()).then(|| (f.def.label.clone(), shown))
        })
        .collect()
}

/// A list filter on a custom field with choices (selection, multiple selection, checkbox).
pub struct FilterInput {
    /// `custom.<key>`
    pub name: String,
    pub label: String,
    pub options: super::Options,
}

pub fn filter_inputs(fields: &[Field], pairs: &[(String, String)], tr: Tr) -> Vec<FilterInput> {
    fields
        .iter()
        .filter(|f| f.def.kind.has_options() || f.def.kind == Kind::Checkbox)
        .map(|f| {
            let name = format!("custom.{}", f.def.key);
            let current = pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map_or("", |(_, v)| v.as_str());
            let options = if f.def.kind == Kind::Checkbox {
                vec![
                    ("true".to_string(), tr.t("yes"), current == "true"),
                    ("false".to_string(), tr.t("no"), current == "false"),
                ]
            } else {
                f.def
                    .options
                    .iter()
                    .map(|o| (o.clone(), o.clone(), current == o))
                    .collect()
            };
            FilterInput {
                label: f.def.label.clone(),
                options,
                name,
            }
        })
        .collect()
}

/// The `custom.*` pairs of a query string that have a value.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| k.starts_with("custom.") && !v.is_empty())
        .collect()
}

/// The custom fields of a kind of record.
pub async fn fields(
    state: &crate::AppState,
    auth: &crate::auth::Auth,
    entity: tandem_domain::custom::Entity,
) -> crate::error::AppResult<Vec<Field>> {
    Ok(tandem_app::custom_fields::list(&state.store, auth, Some(entity)).await?)
}

/// What a list page needs for its custom-field filters.
pub struct ListFilters {
    /// The `custom.*` pairs of the query string (kept in pager links).
    pub pairs: Vec<(String, String)>,
    /// The fields, for the filter controls.
    pub fields: Vec<Field>,
    /// The filters to apply.
    pub filters: Vec<tandem_store::custom_fields::CustomFilter>,
}

pub async fn list_filters(
    state: &crate::AppState,
    auth: &crate::auth::Auth,
    entity: tandem_domain::custom::Entity,
    raw: Option<&str>,
) -> crate::error::AppResult<ListFilters> {
    let pairs = query_pairs(raw);
    let fields = fields(state, auth, entity).await?;
    // A filter on a field that no longer exists is dropped rather than refused.
    let filters = tandem_app::custom_fields::filters(&state.store, auth, entity, &pairs)
        .await
        .unwrap_or_default();
    Ok(ListFilters {
        pairs,
        fields,
        filters,
    })
}
