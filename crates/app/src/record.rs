//! One mechanism for changing editable records: update with a version check, partial
//! update (JSON merge patch) and bulk change, each on one transaction handle. A feature
//! says how to load its record for a write and how to save a new input; the rules for
//! versions, the trash and atomic bulk changes live here, once.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};
use std::future::Future;
use tandem_domain::Invalid;
use tandem_store::{Store, Tx};

/// An editable kind of record (accounts, deals …).
pub(crate) trait Record {
    type Id: Copy + Send + Sync;
    /// The record as stored.
    type Row: Send;
    /// What a client sends to change it.
    type Input: Serialize + DeserializeOwned + Send;

    /// The record for a write in `tx`: 404 when it is of another workspace, in the trash
    /// or not visible to the caller, so that nothing is revealed.
    fn load(
        tx: &mut Tx,
        auth: &Auth,
        id: Self::Id,
    ) -> impl Future<Output = AppResult<Self::Row>> + Send;

    fn version(row: &Self::Row) -> i64;

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
    let before = R::load(tx, auth, id).await?;
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
    let before = R::load(&mut tx, auth, id).await?;
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
    let before = R::load(&mut tx, auth, id).await?;
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
        let before = R::load(&mut tx, auth, id).await?;
        let mut input = R::input(&before);
        change(&mut input);
        R::save(&mut tx, auth, before, input).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}
