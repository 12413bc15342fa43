//! The job queue as the admin sees it.

use crate::{actor::Auth, error::AppResult, require_admin};
use tandem_store::{Store, jobs};

pub async fn recent(store: &Store, auth: &Auth) -> AppResult<Vec<jobs::Job>> {
    require_admin(auth)?;
    let mut c = store.read().await?;
    Ok(jobs::recent(&mut c.conn(), auth.user.workspace_id, 100).await?)
}
