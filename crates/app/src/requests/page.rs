//! The request page's read-model: the request, what the caller may do with it, its
//! timeline and who it can go to.

use super::*;
use tandem_store::users::User;

pub struct RequestPage {
    pub request: StoredRequest,
    pub allowed: Allowed,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The active inside reps it can be reassigned to (when the caller may reassign).
    pub assignees: Vec<User>,
}

pub async fn page(store: &Store, auth: &Auth, id: RequestId) -> AppResult<RequestPage> {
    let request = get(store, auth, id).await?;
    let allowed = allowed(auth, &request);
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let timeline = requests::timeline(&mut c.conn(), ws, id).await?;
    let assignees = if allowed.reassign {
        tandem_store::users::list(&mut c.conn(), ws)
            .await?
            .into_iter()
            .filter(|u| u.active && u.role == Role::Inside && Some(u.id) != request.assignee_id)
            .collect()
    } else {
        vec![]
    };
    Ok(RequestPage {
        request,
        allowed,
        timeline,
        assignees,
    })
}
