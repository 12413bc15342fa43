//! Custom fields: admins define them per kind of record; every create and update checks
//! the values against the definitions.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {record_change, require_admin},
};
use serde_json::{Map, Value};
use tandem_domain::{
    FieldError, Invalid,
    audit::diff,
    custom::{self, Entity, FieldInput, Kind},
};
use tandem_store::{
    Conn, Store,
    audit::Action,
    custom_fields::{self as store, CustomFilter, Field},
};
use uuid::Uuid;

pub async fn list(store: &Store, auth: &Auth, entity: Option<Entity>) -> AppResult<Vec<Field>> {
    let mut c = store.read().await?;
    Ok(store::list(&mut c.conn(), auth.user.workspace_id, entity).await?)
}

/// Checks and normalises the custom values of a record of `entity` in place; adds
/// what is wrong to `errors` (a failing database is an error of its own).
pub(crate) async fn check(
    c: &mut Conn<'_>,
    auth: &Auth,
    entity: Entity,
    values: &mut Map<String, Value>,
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    let defs: Vec<_> = store::list(c, auth.user.workspace_id, Some(entity))
        .await?
        .into_iter()
        .map(|f| f.def)
        .collect();
    match custom::validate(&defs, values) {
        Ok(v) => *values = v,
        Err(Invalid(e)) => errors.extend(e),
    }
    Ok(())
}

/// List filters from query pairs `custom.<key>=<value>` (values typed by the field).
pub async fn filters(
    store: &Store,
    auth: &Auth,
    entity: Entity,
    pairs: &[(String, String)],
) -> AppResult<Vec<CustomFilter>> {
    let wanted: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, v)| k.starts_with("custom.") && !v.trim().is_empty())
        .collect();
    if wanted.is_empty() {
        return Ok(vec![]);
    }
    let fields = list(store, auth, Some(entity)).await?;
    let mut errors = vec![];
    let mut out = vec![];
    for (k, v) in wanted {
        let key = &k["custom.".len()..];
        let Some(f) = fields.iter().find(|f| f.def.key == key) else {
            errors.push(FieldError::new(k.clone(), "unknown_field"));
            continue;
        };
        let v = v.trim();
        let value = match f.def.kind {
            Kind::Number => v.replace(',', ".").parse::<f64>().ok().map(Value::from),
            Kind::Checkbox => match v {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            Kind::Money => v.parse::<i64>().ok().map(Value::from),
            _ => Some(Value::String(v.to_string())),
        };
        match value {
            // Money filters compare the amount in minor units.
            Some(value) if f.def.kind == Kind::Money => out.push(CustomFilter {
                key: format!("{key}.minor"),
                value,
                multi: false,
            }),
            Some(value) => out.push(CustomFilter {
                key: key.to_string(),
                value,
                multi: f.def.kind == Kind::MultiSelect,
            }),
            None => errors.push(FieldError::new(k.clone(), "invalid_type")),
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    Ok(out)
}

pub async fn create(store: &Store, auth: &Auth, input: FieldInput) -> AppResult<Field> {
    require_admin(auth)?;
    let def = input.validate()?;
    let ws = auth.user.workspace_id;
    let id = Uuid::now_v7();
    let mut tx = store.begin().await?;
    store::insert(&mut tx.conn(), ws, id, &def, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "custom_field",
        "custom_fields",
        id,
        Action::Create,
        diff(None, Some(&def), &[]),
    )
    .await?;
    let field = store::list(&mut tx.conn(), ws, Some(def.entity))
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(field)
}

async fn find(store: &Store, auth: &Auth, id: Uuid) -> AppResult<Field> {
    list(store, auth, None)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)
}

/// Changes label, options and whether a value is required; the key, the kind of record
/// and the type stay (stored values depend on them).
pub async fn update(
    store: &Store,
    auth: &Auth,
    id: Uuid,
    version: i64,
    label: String,
    options: Vec<String>,
    required: bool,
) -> AppResult<Field> {
    let before = find(store, auth, id).await?;
    require_admin(auth)?;
    let def = FieldInput {
        entity: before.def.entity.as_str().into(),
        key: Some(before.def.key.clone()),
        label,
        kind: before.def.kind.as_str().into(),
        options,
        required,
    }
    .validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    store::update(&mut tx.conn(), ws, id, version, &def).await?;
    let changes = diff(Some(&before.def), Some(&def), &[]);
    record_change(
        &mut tx,
        auth,
        "custom_field",
        "custom_fields",
        id,
        Action::Update,
        changes,
    )
    .await?;
    tx.commit().await?;
    find(store, auth, id).await
}

/// Removes a field; values already stored stay in the records (and return if a field
/// with the same key is defined again) but are no longer shown or accepted.
pub async fn delete(store: &Store, auth: &Auth, id: Uuid) -> AppResult<()> {
    find(store, auth, id).await?;
    require_admin(auth)?;
    let mut tx = store.begin().await?;
    store::delete(&mut tx.conn(), auth.user.workspace_id, id).await?;
    record_change(
        &mut tx,
        auth,
        "custom_field",
        "custom_fields",
        id,
        Action::Delete,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
