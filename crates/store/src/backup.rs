//! Backup and restore of a SQLite installation.

use crate::{Conn, Store, StoreError, StoreResult};
use std::path::Path;

impl Store {
    /// A consistent copy of the live database (`VACUUM INTO`), safe while serving.
    pub async fn backup_to(&self, target: &Path) -> StoreResult<()> {
        if self.sqlite_path().is_none() {
            return Err(StoreError::Backup(
                "backup works on SQLite; for PostgreSQL use pg_dump".into(),
            ));
        }
        if target.exists() {
            return Err(StoreError::Backup(format!(
                "{} exists already; choose a new file",
                target.display()
            )));
        }
        let target = target
            .to_str()
            .ok_or_else(|| StoreError::Backup("the file name must be UTF-8".into()))?;
        let mut c = self.read().await?;
        let Conn::Sqlite(conn, _) = c.conn() else {
            unreachable!("checked above");
        };
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// Replaces the database at `db_path` with the backup `source`. The server must be
/// stopped. The backup is checked first; the old database is kept next to it.
pub async fn restore_sqlite(source: &Path, db_path: &Path) -> StoreResult<()> {
    let mut conn = crate::db::sqlite_single(source).await.map_err(|e| {
        StoreError::Backup(format!(
            "{} is not a readable database: {e}",
            source.display()
        ))
    })?;
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| StoreError::Backup(format!("{} is not a database: {e}", source.display())))?;
    if check != "ok" {
        return Err(StoreError::Backup(format!(
            "integrity check failed: {check}"
        )));
    }
    let has_schema: Option<(i64,)> = sqlx::query_as("SELECT MAX(version) FROM schema_migrations")
        .fetch_optional(&mut conn)
        .await
        .map_err(|_| StoreError::Backup(format!("{} is not a Tandem backup", source.display())))?;
    if has_schema.is_none() {
        return Err(StoreError::Backup(format!(
            "{} is not a Tandem backup",
            source.display()
        )));
    }
    drop(conn);
    let io = |e: std::io::Error| StoreError::Backup(e.to_string());
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let staging = db_path.with_extension("restoring");
    std::fs::copy(source, &staging).map_err(io)?;
    if db_path.exists() {
        let stamp = tandem_domain::time::Clock::system().now().0;
        std::fs::rename(
            db_path,
            db_path.with_extension(format!("before-restore-{stamp}")),
        )
        .map_err(io)?;
    }
    for suffix in ["-wal", "-shm"] {
        let side = format!("{}{suffix}", db_path.display());
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&staging, db_path).map_err(io)?;
    Ok(())
}
