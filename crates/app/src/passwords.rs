//! Password hashing is slow on purpose (Argon2id, ~50 ms of a core each): at most one
//! hash per core runs at a time, so a flood of sign-ins cannot starve everything else.
//! Whoever waits longer than a few seconds for a turn is told to try again.

use crate::error::AppError;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    tokio::sync::Semaphore::new(cores)
});

async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = tokio::time::timeout(std::time::Duration::from_secs(5), HASHING.acquire())
        .await
        .map_err(|_| AppError::RateLimited { retry_after_s: 5 })?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    hashing(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing: {e}")))
    })
    .await?
}

/// Whether `password` matches `hash`; an error only when no turn to hash came free.
pub async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    hashing(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
}
