use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("not found")]
    NotFound,
    /// Someone else changed the record first; carries the version now stored.
    #[error("version conflict (current version {current})")]
    Conflict { current: i64 },
    /// A unique constraint refused the write; names the constraint's field.
    #[error("already exists: {0}")]
    Duplicate(&'static str),
    #[error("unsupported database URL: {0}")]
    BadUrl(String),
    #[error("migration {version} failed: {message}")]
    Migration { version: i64, message: String },
    #[error("backup: {0}")]
    Backup(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn is_unique_violation(err: &sqlx::Error) -> bool {
        err.as_database_error()
            .is_some_and(|e| e.is_unique_violation())
    }

    /// A unique-constraint failure as `Duplicate(field)`; other errors as they are.
    pub fn duplicate_as(self, field: &'static str) -> StoreError {
        match self {
            StoreError::Db(e) if Self::is_unique_violation(&e) => StoreError::Duplicate(field),
            other => other,
        }
    }
}
