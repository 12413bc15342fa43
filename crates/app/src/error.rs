//! What can go wrong in a use case. The web crate maps each case to a status and a
//! problem+json body (or an error page) in one place, `tandem_web::error`.

use tandem_domain::Invalid;
use tandem_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid CSRF token")]
    Csrf,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("version conflict")]
    Conflict { current_version: i64 },
    /// The record is still used (a stage with deals): 409 naming the field and why.
    #[error("still in use: {0}")]
    InUse(Invalid),
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("request body too large")]
    TooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    RateLimited { retry_after_s: u64 },
    #[error(transparent)]
    Store(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { current } => AppError::Conflict {
                current_version: current,
            },
            StoreError::Duplicate(field) => Invalid::one(field, "taken").into(),
            e => AppError::Store(e),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
