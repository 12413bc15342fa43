//! Extractors shared by every feature's handlers.

use crate::error::{AppError, HttpError};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use std::str::FromStr;

/// A record's id from the path (`/deals/{id}`). An id that does not parse names no record:
/// 404, as for an id that does not exist.
pub struct Id<T>(pub T);

impl<S: Send + Sync, T: FromStr + Send> FromRequestParts<S> for Id<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HttpError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| HttpError(AppError::NotFound))?;
        raw.parse()
            .map(Id)
            .map_err(|_| HttpError(AppError::NotFound))
    }
}
