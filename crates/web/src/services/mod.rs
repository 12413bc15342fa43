//! Services: each owns its transaction and its permission checks. The HTML pages and
//! the JSON API call the same functions.

pub mod accounts;
pub mod auth;
pub mod jobs;
pub mod users;

use crate::{auth::Auth, error::AppError};

pub(crate) fn require(allowed: bool) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub(crate) fn require_admin(auth: &Auth) -> Result<(), AppError> {
    require(auth.user.role.can_administer())
}
