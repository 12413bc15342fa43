//! Global search: a full-text index over accounts, contacts, deals and leads. SQLite
//! uses one FTS5 table per kind (`search_index_<kind>` with its keys table), PostgreSQL
//! one `tsvector` table with a GIN index; both index the folded text (ä → ae, lower
//! case, words only) and match every word of the query as a prefix. A word with an
//! umlaut is indexed in both spellings (`mueller` and `muller`), so that "muller" finds
//! Müller as "mueller" and "Müller" do.

use crate::{Conn, StoreResult};
use sea_query::{Expr, ExprTrait, Query};
use tandem_domain::{WorkspaceId, text::fold};
use uuid::Uuid;

/// The words of a text as the index sees them.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The words a text is indexed by: its words, and each word with an umlaut also in the
/// spelling without the `e` (`mueller` → `muller`, `groesse` → `grosse`).
pub fn index_words(text: &str) -> Vec<String> {
    let mut out = vec![];
    for w in words(text) {
        let plain = without_umlaut_e(&w);
        out.push(w);
        if let Some(plain) = plain {
            out.push(plain);
        }
    }
    out
}

fn without_umlaut_e(word: &str) -> Option<String> {
    let plain = word
        .replace("ae", "a")
        .replace("oe", "o")
        .replace("ue", "u");
    (plain != word).then_some(plain)
}

/// The same as [`index_words`] in SQL, for a text column of folded words (both backends
/// have `replace`): the text, and the text without the umlaut `e`s where that differs.
const INDEX_TEXT_SQL: &str = "CASE WHEN replace(replace(replace(t.search_text, 'ae', 'a'), \
     'oe', 'o'), 'ue', 'u') = t.search_text THEN t.search_text ELSE t.search_text || ' ' || \
     replace(replace(replace(t.search_text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u') END";

/// Puts a record into the index (`Some(text)`) or takes it out (`None`).
pub(crate) async fn index(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    entity: &'static str,
    id: Uuid,
    text: Option<&str>,
) -> StoreResult<()> {
    let text = text.map(|t| index_words(t).join(" "));
    match c {
        Conn::Sqlite(conn, _) => {
            // `entity` is one of our constants (account, contact, deal), never input.
            let (fts, keys) = sqlite_tables(entity);
            let rowid: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT rowid FROM {keys} WHERE entity_id = ?"
            )))
            .bind(id)
            .fetch_optional(&mut **conn)
            .await?;
            if let Some((rowid,)) = rowid {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {fts} WHERE rowid = ?"
                )))
                .bind(rowid)
                .execute(&mut **conn)
                .await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {keys} WHERE rowid = ?"
                )))
                .bind(rowid)
                .execute(&mut **conn)
                .await?;
            }
            if let Some(text) = text {
                let (rowid,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {keys} (workspace_id, entity_id) VALUES (?, ?) RETURNING rowid"
                )))
                .bind(ws.0)
                .bind(id)
                .fetch_one(&mut **conn)
                .await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {fts} (rowid, text) VALUES (?, ?)"
                )))
                .bind(rowid)
                .bind(text)
                .execute(&mut **conn)
                .await?;
            }
        }
        Conn::Postgres(conn, _) => match text {
            Some(text) => {
                sqlx::query(
                    "INSERT INTO search_index (workspace_id, entity, entity_id, text) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, entity, entity_id) \
                     DO UPDATE SET text = EXCLUDED.text",
                )
                .bind(ws.0)
                .bind(entity)
                .bind(id)
                .bind(text)
                .execute(&mut **conn)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM search_index WHERE workspace_id = $1 AND entity = $2 AND entity_id = $3")
                    .bind(ws.0)
                    .bind(entity)
                    .bind(id)
                    .execute(&mut **conn)
                    .await?;
            }
        },
    }
    Ok(())
}

/// Puts many new records into the index at once (an import's batch); `items` are
/// `(id, text)` of records not indexed before.
pub(crate) async fn index_new(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    entity: &'static str,
    items: &[(Uuid, String)],
) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let indexed = |t: &str| words(t).join(" ");
    if matches!(c, Conn::Sqlite(_, _)) {
        let (fts, keys) = sqlite_tables(entity);
        // The writer is ours for the transaction: the new keys take the rowids after the
        // largest, and the full-text rows the same ones, without reading them back.
        #[derive(sqlx::FromRow)]
        struct Max {
            top: Option<i64>,
        }
        let mut top = 0;
        for table in [keys, fts] {
            let q = Query::select()
                .expr_as(Expr::col("rowid").max(), "top")
                .from(table)
                .to_owned();
            top = Ord::max(top, c.one::<Max>(&q).await?.top.unwrap_or(0));
        }
        let mut key_rows = Vec::with_capacity(items.len());
        let mut fts_rows = Vec::with_capacity(items.len());
        for (n, (id, t)) in items.iter().enumerate() {
            let rowid = top + 1 + n as i64;
            key_rows.push(vec![rowid.into(), ws.0.into(), (*id).into()]);
            fts_rows.push(serde_json::json!([rowid, indexed(t)]));
        }
        crate::list::insert_rows(c, keys, &["rowid", "workspace_id", "entity_id"], key_rows)
            .await?;
        // FTS5 writes its pending terms out at the end of every statement: the whole
        // batch goes in as one statement (rows as JSON), not one per 128 rows.
        let sql = match fts {
            "search_index_account" => {
                "INSERT INTO search_index_account (rowid, text) \
                 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)"
            }
            "search_index_contact" => {
                "INSERT INTO search_index_contact (rowid, text) \
                 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)"
            }
            _ => {
                "INSERT INTO search_index_deal (rowid, text) \
                 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)"
            }
        };
        c.exec_sqlite_json(sql, serde_json::Value::Array(fts_rows).to_string())
            .await?;
        Ok(())
    } else {
        let rows = items
            .iter()
            .map(|(id, t)| vec![ws.0.into(), entity.into(), (*id).into(), indexed(t).into()])
            .collect();
        crate::list::insert_rows(
            c,
            "search_index",
            &["workspace_id", "entity", "entity_id", "text"],
            rows,
        )
        .await
    }
}

/// The FTS5 table and the keys table of a kind of record.
fn sqlite_tables(entity: &'static str) -> (&'static str, &'static str) {
    match entity {
        "account" => ("search_index_account", "search_index_keys_account"),
        "contact" => ("search_index_contact", "search_index_keys_contact"),
        "lead" => ("search_index_lead", "search_index_keys_lead"),
        _ => ("search_index_deal", "search_index_keys_deal"),
    }
}

/// Re-indexes a record from its stored `search_text` (after a restore from the trash).
pub(crate) async fn reindex(
    c: &mut Conn<'_>,
    table: &'static str,
    entity: &'static str,
    ws: WorkspaceId,
    id: Uuid,
) -> StoreResult<()> {
    #[derive(sqlx::FromRow)]
    struct Text {
        search_text: String,
    }
    let row: Text = c
        .one(
            &Query::select()
                .column("search_text")
                .from(table)
                .and_where(Expr::col("workspace_id").eq(ws.0))
                .and_where(Expr::col("id").eq(id))
                .to_owned(),
        )
        .await?;
    index(c, ws, entity, id, Some(&row.search_text)).await
}

/// Indexes every live record of `table` that is not in the index yet (after bulk
/// inserts), in one statement per backend.
pub async fn index_missing(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    entity: &'static str,
    table: &'static str,
) -> StoreResult<()> {
    // `table` and `entity` are our own constants, never user input.
    match c {
        Conn::Sqlite(conn, _) => {
            let (fts, keys) = sqlite_tables(entity);
            let (before,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT COALESCE(MAX(rowid), 0) FROM {keys}"
            )))
            .fetch_one(&mut **conn)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {keys} (workspace_id, entity_id) \
                 SELECT t.workspace_id, t.id FROM {table} t \
                 WHERE t.workspace_id = ? AND t.deleted_at IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM {keys} k WHERE k.entity_id = t.id)"
            )))
            .bind(ws.0)
            .execute(&mut **conn)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {fts} (rowid, text) SELECT k.rowid, {INDEX_TEXT_SQL} \
                 FROM {keys} k JOIN {table} t ON t.workspace_id = k.workspace_id \
                 AND t.id = k.entity_id WHERE k.rowid > ?"
            )))
            .bind(before)
            .execute(&mut **conn)
            .await?;
        }
        Conn::Postgres(conn, _) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO search_index (workspace_id, entity, entity_id, text) \
                 SELECT t.workspace_id, '{entity}', t.id, \
                 regexp_replace({INDEX_TEXT_SQL}, '[^[:alnum:]]+', ' ', 'g') \
                 FROM {table} t WHERE t.workspace_id = $1 AND t.deleted_at IS NULL \
                 ON CONFLICT (workspace_id, entity, entity_id) DO NOTHING"
            )))
            .bind(ws.0)
            .execute(&mut **conn)
            .await?;
        }
    }
    Ok(())
}

/// The ids of the best matches of one kind, best first.
pub async fn find(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    entity: &'static str,
    query: &str,
    limit: u32,
) -> StoreResult<Vec<Uuid>> {
    let words: Vec<String> = words(query).into_iter().take(8).collect();
    if words.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<(Uuid,)> = match c {
        Conn::Sqlite(conn, _) => {
            let pattern = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            // The full-text match runs once, first; a join driven from the keys table
            // would run it once per key.
            let (fts, keys) = sqlite_tables(entity);
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "WITH m AS MATERIALIZED (SELECT rowid, rank FROM {fts} WHERE {fts} MATCH ?) \
                 SELECT k.entity_id FROM m JOIN {keys} k ON k.rowid = m.rowid \
                 WHERE k.workspace_id = ? ORDER BY m.rank LIMIT ?"
            )))
            .bind(pattern)
            .bind(ws.0)
            .bind(i64::from(limit))
            .fetch_all(&mut **conn)
            .await?
        }
        Conn::Postgres(conn, _) => {
            let pattern = words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            sqlx::query_as(
                "SELECT entity_id FROM search_index \
                 WHERE workspace_id = $1 AND entity = $2 AND tsv @@ to_tsquery('simple', $3) \
                 ORDER BY ts_rank(tsv, to_tsquery('simple', $3)) DESC, entity_id LIMIT $4",
            )
            .bind(ws.0)
            .bind(entity)
            .bind(pattern)
            .bind(i64::from(limit))
            .fetch_all(&mut **conn)
            .await?
        }
    };
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_are_folded_and_split_on_punctuation() {
        assert_eq!(
            words("Müller-Straße 5, info@mueller.de"),
            vec!["mueller", "strasse", "5", "info", "mueller", "de"]
        );
        assert!(words(" -- ").is_empty());
    }

    #[test]
    fn a_word_with_an_umlaut_is_indexed_in_both_spellings() {
        assert_eq!(
            super::index_words("Peter Größe, Müller"),
            vec!["peter", "groesse", "grosse", "mueller", "muller"]
        );
    }
}
