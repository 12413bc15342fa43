//! Tandems: admins and managers pair a field rep with an inside rep and name the
//! inside rep's deputy; everyone may see the pairs (who does my quote?).

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {record_change, require},
};
use tandem_domain::{
    FieldError, Invalid, Role, TandemId, UserId,
    handoff::{TandemData, TandemInput},
};
use tandem_store::{
    Store, StoreError, Tx,
    audit::Action,
    tandems::{self, StoredTandem},
    users,
};

fn may_edit(auth: &Auth) -> bool {
    matches!(auth.user.role, Role::Admin | Role::Manager)
}

pub async fn list(store: &Store, auth: &Auth) -> AppResult<Vec<StoredTandem>> {
    let mut c = store.read().await?;
    Ok(tandems::list(&mut c.conn(), auth.user.workspace_id).await?)
}

pub async fn get(store: &Store, auth: &Auth, id: TandemId) -> AppResult<StoredTandem> {
    let mut c = store.read().await?;
    Ok(tandems::get(&mut c.conn(), auth.user.workspace_id, id).await?)
}

/// The shape, then the people: an active field rep, an active inside partner and, if
/// named, an active inside deputy, all of this workspace.
async fn checked(tx: &mut Tx, auth: &Auth, input: &TandemInput) -> AppResult<TandemData> {
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut errors = vec![];
    let mut person = async |field: &'static str, id: UserId, roles: &[Role], code: &'static str| {
        match users::get(&mut tx.conn(), ws, id).await {
            Ok(u) if !u.active => errors.push(FieldError::new(field, "inactive_user")),
            Ok(u) if !roles.contains(&u.role) => errors.push(FieldError::new(field, code)),
            Ok(_) => {}
            Err(StoreError::NotFound) => errors.push(FieldError::new(field, "unknown_user")),
            Err(e) => return Err(AppError::from(e)),
        }
        Ok(())
    };
    let t = &data.tandem;
    person(
        "field_id",
        t.field_id,
        &[Role::Field, Role::Manager],
        "not_field",
    )
    .await?;
    person("inside_id", t.inside_id, &[Role::Inside], "not_inside").await?;
    if let Some(d) = t.deputy_id {
        person("deputy_id", d, &[Role::Inside], "not_inside").await?;
    }
    for kind in data.sla_minutes.keys() {
        match tandem_store::requests::get_type(&mut tx.conn(), ws, *kind).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => errors.push(FieldError::new("sla_hours", "not_found")),
            Err(e) => return Err(e.into()),
        }
    }
    if errors.is_empty() {
        Ok(data)
    } else {
        Err(Invalid(errors).into())
    }
}

fn diff(before: Option<&TandemData>, after: Option<&TandemData>) -> serde_json::Value {
    let side = |d: Option<&TandemData>| {
        d.map(|d| {
            serde_json::json!({
                "field_id": d.tandem.field_id,
                "inside_id": d.tandem.inside_id,
                "deputy_id": d.tandem.deputy_id,
                "agreement": d.agreement,
                "sla_minutes": d.sla_minutes,
            })
        })
    };
    let (b, a) = (side(before), side(after));
    let mut out = serde_json::Map::new();
    for key in [
        "field_id",
        "inside_id",
        "deputy_id",
        "agreement",
        "sla_minutes",
    ] {
        let old = b
            .as_ref()
            .map_or(serde_json::Value::Null, |v| v[key].clone());
        let new = a
            .as_ref()
            .map_or(serde_json::Value::Null, |v| v[key].clone());
        if old != new {
            out.insert(key.into(), serde_json::json!([old, new]));
        }
    }
    serde_json::Value::Object(out)
}

pub async fn create(store: &Store, auth: &Auth, input: TandemInput) -> AppResult<StoredTandem> {
    require(may_edit(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let data = checked(&mut tx, auth, &input).await?;
    let id = TandemId::new();
    tandems::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "tandem",
        "tandems",
        id.0,
        Action::Create,
        diff(None, Some(&data)),
    )
    .await?;
    let stored = tandems::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(stored)
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: TandemId,
    version: i64,
    input: TandemInput,
) -> AppResult<StoredTandem> {
    require(may_edit(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = tandems::get(&mut tx.conn(), ws, id).await?;
    if before.version != version {
        return Err(AppError::Conflict {
            current_version: before.version,
        });
    }
    let data = checked(&mut tx, auth, &input).await?;
    tandems::update(&mut tx.conn(), ws, id, version, &data).await?;
    let changes = diff(Some(&before.data), Some(&data));
    record_change(
        &mut tx,
        auth,
        "tandem",
        "tandems",
        id.0,
        Action::Update,
        changes,
    )
    .await?;
    let stored = tandems::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(stored)
}

pub async fn delete(store: &Store, auth: &Auth, id: TandemId) -> AppResult<()> {
    require(may_edit(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = tandems::get(&mut tx.conn(), ws, id).await?;
    tandems::set_deleted(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "tandem",
        "tandems",
        id.0,
        Action::Delete,
        diff(Some(&before.data), None),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The admin page of tandems: the pairs, the people they can be made of, and the request
/// types whose deadlines a pair may set for itself.
pub struct TandemsPage {
    pub tandems: Vec<StoredTandem>,
    pub users: Vec<users::User>,
    pub types: Vec<tandem_store::requests::StoredType>,
}

/// For admins and managers.
pub async fn page(store: &Store, auth: &Auth) -> AppResult<TandemsPage> {
    require(may_edit(auth))?;
    let types = crate::requests::types(store, auth).await?;
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    Ok(TandemsPage {
        tandems: tandems::list(&mut c.conn(), ws).await?,
        users: users::list(&mut c.conn(), ws).await?,
        types,
    })
}
