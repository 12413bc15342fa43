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

/// What the form for a new request shows.
pub struct NewRequestPage {
    /// The types a person can ask for directly (discount approvals and lead handoffs
    /// start from the quote or the lead).
    pub types: Vec<StoredType>,
    /// What the request will be about, in words: the account, and the deal if one.
    pub about: Vec<String>,
    /// Who gets it today.
    pub tandem: Option<crate::my_day::TodaysTandem>,
}

pub async fn new_page(
    store: &Store,
    auth: &Auth,
    deal: Option<tandem_domain::DealId>,
    account: Option<tandem_domain::AccountId>,
) -> AppResult<NewRequestPage> {
    use tandem_domain::request::Purpose;
    let types = types(store, auth)
        .await?
        .into_iter()
        .filter(|t| !matches!(t.purpose, Some(Purpose::Approval | Purpose::Lead)))
        .collect();
    // An id the caller does not see names nothing; the request itself refuses it.
    let about = match (deal, account) {
        (Some(id), _) => crate::deals::get(store, auth, id)
            .await
            .map(|d| vec![d.account_name.clone(), d.data.title])
            .unwrap_or_default(),
        (None, Some(id)) => crate::accounts::get(store, auth, id)
            .await
            .map(|a| vec![a.data.name])
            .unwrap_or_default(),
        (None, None) => vec![],
    };
    let tandem = crate::my_day::tandem_of(store, auth).await?;
    Ok(NewRequestPage {
        types,
        about,
        tandem,
    })
}
