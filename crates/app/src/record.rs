//! One mechanism for changing editable records: update with a version check, partial
//! update (JSON merge patch), bulk change, trash and restore, each on one transaction
//! handle. A feature says how to load its record, who may change or trash it and how to
//! save a new input; the rules for versions, the trash and atomic bulk changes live
//! here, once.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};
use std::future::Future;
use tandem_domain::Invalid;
use tandem_store::{Store, Tx, audit::Action};

/// An editable kind of record (accounts, deals …).
pub(crate) trait Record {
    type Id: Copy + Send + Sync + Into<uuid::Uuid>;
    /// The record as stored.
    type Row: Send + tandem_store::Versioned;
    /// What a client sends to change it.
    type Input: Serialize + DeserializeOwned + Send;

    /// Its name in the audit trail ("deal") and the topic its changes are announced on.
    const ENTITY: &'static str;
    const TOPIC: &'static str;

    fn uuid(id: Self::Id) -> uuid::Uuid {
        id.into()
    }

    /// The record in `tx`, also from the trash: 404 when it is of another workspace or
    /// not visible to the caller, so that nothing is revealed.
    fn load(
        tx: &mut Tx,
        auth: &Auth,
        id: Self::Id,
    ) -> impl Future<Output = AppResult<Self::Row>> + Send;

    fn version(row: &Self::Row) -> i64 {
        tandem_store::Versioned::version(row)
    }

    fn is_deleted(row: &Self::Row) -> bool {
        tandem_store::Versioned::in_trash(row)
    }

    /// 403 unless the caller may move this record to the trash and back (by default:
    /// whoever may delete records).
    fn may_trash(auth: &Auth, _row: &Self::Row) -> AppResult<()> {
        crate::require(auth.user.role.can_delete_records())
    }

    /// Moves the record to the trash or back in the store.
    fn mark_deleted(
        tx: &mut Tx,
        auth: &Auth,
        id: Self::Id,
        deleted: bool,
    ) -> impl Future<Output = AppResult<()>> + Send;

    /// The input that would store the record as it is.
    fn input(row: &Self::Row) -> Self::Input;

    /// Validates `input` and stores it over `before`, audited and announced.
    fn save(
        tx: &mut Tx,
        auth: &Auth,
        before: Self::Row,
        input: Self::Input,
    ) -> impl Future<Output = AppResult<Self::Row>> + Send;
}

/// The record for a change: as [`Record::load`], and 404 in the trash.
async fn load_live<R: Record>(tx: &mut Tx, auth: &Auth, id: R::Id) -> AppResult<R::Row> {
    let row = R::load(tx, auth, id).await?;
    if R::is_deleted(&row) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// Moves a record to the trash (`deleted`) or back, audited and announced. A record
/// the caller cannot see is 404 before any 403.
pub(crate) async fn set_deleted<R: Record>(
    store: &Store,
    auth: &Auth,
    id: R::Id,
    deleted: bool,
) -> AppResult<()> {
    let mut tx = store.begin().await?;
    let row = R::load(&mut tx, auth, id).await?;
    R::may_trash(auth, &row)?;
    R::mark_deleted(&mut tx, auth, id, deleted).await?;
    let action = if deleted {
        Action::Delete
    } else {
        Action::Restore
    };
    let uuid = R::uuid(id);
    let diff = serde_json::json!({});
    crate::record_change(&mut tx, auth, R::ENTITY, R::TOPIC, uuid, action, diff).await?;
    tx.commit().await?;
    Ok(())
}

/// Audits and announces the change of a record from `before` to `after` (nothing when
/// no field changed).
pub(crate) async fn record_update<R: Record, D: Serialize>(
    tx: &mut Tx,
    auth: &Auth,
    id: R::Id,
    before: &D,
    after: &D,
) -> AppResult<()> {
    let changes = tandem_domain::audit::diff(Some(before), Some(after), &[]);
    if changes.as_object().is_none_or(|m| m.is_empty()) {
        return Ok(());
    }
    let uuid = R::uuid(id);
    crate::record_change(tx, auth, R::ENTITY, R::TOPIC, uuid, Action::Update, changes).await
}

/// 409 with the stored version unless the client read `version`.
fn check_version<R: Record>(row: &R::Row, version: i64) -> AppResult<()> {
    let current_version = R::version(row);
    if current_version == version {
        Ok(())
    } else {
        Err(AppError::Conflict { current_version })
    }
}

/// Replaces the record's input, if the client read the stored `version`.
pub(crate) async fn update<R: Record>(
    store: &Store,
    auth: &Auth,
    id: R::Id,
    version: i64,
    input: R::Input,
) -> AppResult<R::Row> {
    let mut tx = store.begin().await?;
    let saved = update_in::<R>(&mut tx, auth, id, version, input).await?;
    tx.commit().await?;
    Ok(saved)
}

/// [`update`] in the caller's transaction.
pub(crate) async fn update_in<R: Record>(
    tx: &mut Tx,
    auth: &Auth,
    id: R::Id,
    version: i64,
    input: R::Input,
) -> AppResult<R::Row> {
    let before = load_live::<R>(tx, auth, id).await?;
    check_version::<R>(&before, version)?;
    R::save(tx, auth, before, input).await
}

/// Changes the stored input with `change`, if the client read the stored `version`
/// (the pages' single-purpose forms: a stage move, a win, a new contact).
pub(crate) async fn change<R: Record>(
    store: &Store,
    auth: &Auth,
    id: R::Id,
    version: i64,
    change: impl FnOnce(&mut R::Input) + Send,
) -> AppResult<R::Row> {
    let mut tx = store.begin().await?;
    let before = load_live::<R>(&mut tx, auth, id).await?;
    check_version::<R>(&before, version)?;
    let mut input = R::input(&before);
    change(&mut input);
    let saved = R::save(&mut tx, auth, before, input).await?;
    tx.commit().await?;
    Ok(saved)
}

/// A partial update: the fields in `patch` replace the stored ones; `version` is
/// required, and a field the input does not have is refused by name.
pub(crate) async fn patch<R: Record>(
    store: &Store,
    auth: &Auth,
    id: R::Id,
    patch: Map<String, Value>,
) -> AppResult<R::Row> {
    let mut tx = store.begin().await?;
    let before = load_live::<R>(&mut tx, auth, id).await?;
    let (version, input) = crate::merge_patch(&R::input(&before), patch)?;
    check_version::<R>(&before, version)?;
    let saved = R::save(&mut tx, auth, before, input).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Applies `change` to every listed record in one transaction: when one of them is
/// refused (not visible, in the trash, invalid afterwards) none is changed. Returns how
/// many were changed.
pub(crate) async fn bulk<R: Record>(
    store: &Store,
    auth: &Auth,
    ids: &[R::Id],
    change: impl Fn(&mut R::Input) + Send + Sync,
) -> AppResult<usize> {
    if ids.is_empty() {
        return Err(Invalid::one("ids", "required").into());
    }
    let mut tx = store.begin().await?;
    for &id in ids {
        let before = load_live::<R>(&mut tx, auth, id).await?;
        let mut input = R::input(&before);
        change(&mut input);
        R::save(&mut tx, auth, before, input).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}
