//! The lead settings page's read-model: the policy, and what its forms choose from.

use super::*;
use tandem_store::{
    campaigns::{Campaign, LeadForm},
    users::User,
};

pub struct SettingsPage {
    pub settings: LeadSettings,
    /// The active field reps, who territories can go to.
    pub reps: Vec<User>,
    pub campaigns: Vec<Campaign>,
    /// The web forms that create leads.
    pub forms: Vec<LeadForm>,
}

/// For marketing, managers and admins.
pub async fn settings_page(store: &Store, auth: &Auth) -> AppResult<SettingsPage> {
    require(may_manage(auth))?;
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let settings = policy_of(&mut c.conn(), auth).await?;
    let reps = tandem_store::users::list(&mut c.conn(), ws)
        .await?
        .into_iter()
        .filter(|u| u.active && u.role == Role::Field)
        .collect();
    let campaigns = tandem_store::campaigns::all(&mut c.conn(), ws).await?;
    let forms = tandem_store::campaigns::all_forms(&mut c.conn(), ws).await?;
    Ok(SettingsPage {
        settings,
        reps,
        campaigns,
        forms,
    })
}
