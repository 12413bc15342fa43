//! Gapless running numbers (quote and order numbers): the next value is taken by an
//! upsert in the caller's transaction, so a rolled-back transaction gives its number
//! back and concurrent writers queue on the row.

use crate::{Conn, StoreResult};
use sea_query::{Expr, ExprTrait, OnConflict, Query};
use tandem_domain::WorkspaceId;

/// The next number of sequence `name` in `year` (use 0 for a sequence that never
/// restarts), starting at 1.
pub async fn next(c: &mut Conn<'_>, ws: WorkspaceId, name: &str, year: i64) -> StoreResult<i64> {
    #[derive(sqlx::FromRow)]
    struct Value {
        value: i64,
    }
    let q = Query::insert()
        .into_table("number_sequences")
        .columns(["workspace_id", "name", "year", "value"])
        .values_panic([ws.0.into(), name.into(), year.into(), 1i64.into()])
        .on_conflict(
            OnConflict::columns(["workspace_id", "name", "year"])
                .value("value", Expr::col(("number_sequences", "value")).add(1))
                .to_owned(),
        )
        .returning_col("value")
        .to_owned();
    Ok(c.one::<Value>(&q).await?.value)
}
