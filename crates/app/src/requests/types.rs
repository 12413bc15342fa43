//! The workspace's request types: what a request asks for, its deadline in business hours, who may be asked.

use super::*;

/// The workspace's request types; the defaults (in the caller's language) are made
/// the first time anyone looks.
pub async fn types(store: &Store, auth: &Auth) -> AppResult<Vec<StoredType>> {
    let ws = auth.user.workspace_id;
    {
        let mut c = store.read().await?;
        if requests::any_types_ever(&mut c.conn(), ws).await? {
            return Ok(requests::types(&mut c.conn(), ws).await?);
        }
    }
    let mut tx = store.begin().await?;
    if !requests::any_types_ever(&mut tx.conn(), ws).await? {
        for (i, t) in request::default_types(auth.user.locale).iter().enumerate() {
            let id = RequestTypeId::new();
            requests::insert_type(&mut tx.conn(), ws, id, t, i as i64, None).await?;
            if i == 0 {
                requests::set_purpose(&mut tx.conn(), ws, id, request::Purpose::Quote).await?;
            }
        }
    }
    let types = requests::types(&mut tx.conn(), ws).await?;
    tx.commit().await?;
    Ok(types)
}

/// The workspace's discount approval type, made (in the workspace's language) the
/// first time a quote needs an approval. The caller has called `types` before.
pub(crate) async fn approval_type(tx: &mut Tx, auth: &Auth) -> AppResult<StoredType> {
    let data = request::approval_type(auth.user.locale);
    special_type(tx, auth, request::Purpose::Approval, data).await
}

/// The workspace's lead handoff type, made the first time a lead is handed to sales.
pub(crate) async fn lead_type(tx: &mut Tx, auth: &Auth, sla_hours: i64) -> AppResult<StoredType> {
    let data = request::lead_type(auth.user.locale, sla_hours);
    special_type(tx, auth, request::Purpose::Lead, data).await
}

/// The type with this purpose, made from `data` if the workspace has none yet.
pub(super) async fn special_type(
    tx: &mut Tx,
    auth: &Auth,
    purpose: request::Purpose,
    data: RequestTypeData,
) -> AppResult<StoredType> {
    let ws = auth.user.workspace_id;
    let all = requests::types(&mut tx.conn(), ws).await?;
    if let Some(t) = all.into_iter().find(|t| t.purpose == Some(purpose)) {
        return Ok(t);
    }
    let id = RequestTypeId::new();
    requests::insert_type(&mut tx.conn(), ws, id, &data, 100, None)
        .await
        .map_err(|e| AppError::Internal(format!("{} type: {e}", purpose.as_str())))?;
    requests::set_purpose(&mut tx.conn(), ws, id, purpose).await?;
    Ok(requests::get_type(&mut tx.conn(), ws, id).await?)
}

pub async fn get_type(store: &Store, auth: &Auth, id: RequestTypeId) -> AppResult<StoredType> {
    let mut c = store.read().await?;
    Ok(requests::get_type(&mut c.conn(), auth.user.workspace_id, id).await?)
}

pub(super) fn type_diff(
    before: Option<&RequestTypeData>,
    after: Option<&RequestTypeData>,
) -> serde_json::Value {
    let side = |d: Option<&RequestTypeData>| d.map(|d| serde_json::to_value(d).unwrap_or_default());
    serde_json::json!({ "request_type": [side(before), side(after)] })
}

pub async fn create_type(
    store: &Store,
    auth: &Auth,
    input: &RequestTypeInput,
) -> AppResult<StoredType> {
    require_admin(auth)?;
    let data = input.validate()?;
    let existing = types(store, auth).await?;
    let ws = auth.user.workspace_id;
    let id = RequestTypeId::new();
    let mut tx = store.begin().await?;
    let position = existing.iter().map(|t| t.position + 1).max().unwrap_or(0);
    requests::insert_type(&mut tx.conn(), ws, id, &data, position, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "request_type",
        "request_types",
        id.0,
        Action::Create,
        type_diff(None, Some(&data)),
    )
    .await?;
    let t = requests::get_type(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(t)
}

pub async fn update_type(
    store: &Store,
    auth: &Auth,
    id: RequestTypeId,
    version: i64,
    input: &RequestTypeInput,
) -> AppResult<StoredType> {
    require_admin(auth)?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = requests::get_type(&mut tx.conn(), ws, id).await?;
    requests::update_type(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "request_type",
        "request_types",
        id.0,
        Action::Update,
        type_diff(Some(&before.data), Some(&data)),
    )
    .await?;
    let t = requests::get_type(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(t)
}

/// Removes a type from the choice; requests of it keep their terms and name.
pub async fn delete_type(store: &Store, auth: &Auth, id: RequestTypeId) -> AppResult<()> {
    require_admin(auth)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = requests::get_type(&mut tx.conn(), ws, id).await?;
    requests::delete_type(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "request_type",
        "request_types",
        id.0,
        Action::Delete,
        type_diff(Some(&before.data), None),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
