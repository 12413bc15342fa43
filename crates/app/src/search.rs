//! Global search over accounts, contacts, deals and leads.

use crate::{actor::Auth, error::AppResult};
use tandem_domain::{AccountId, ContactId, DealId, Invalid, LeadId};
use tandem_store::{Store, accounts::Account, contacts::Contact, deals::Deal, leads::Lead, search};

pub struct Results {
    pub accounts: Vec<Account>,
    pub contacts: Vec<Contact>,
    pub deals: Vec<Deal>,
    /// The leads the caller may see (marketing, managers and admins all; others those
    /// handed to them).
    pub leads: Vec<Lead>,
}

/// The best `limit` matches of each kind; every word of `q` matches as a prefix.
pub async fn search(store: &Store, auth: &Auth, q: &str, limit: u32) -> AppResult<Results> {
    if q.chars().count() > 200 {
        return Err(Invalid::one("q", "too_long").into());
    }
    if !(1..=50).contains(&limit) {
        return Err(Invalid::one("limit", "out_of_range").into());
    }
    let ws = auth.user.workspace_id;
    let seen = super::seen(store, auth).await?;
    let mut c = store.read().await?;
    let mut accounts = vec![];
    for id in search::find(&mut c.conn(), ws, "account", q, limit).await? {
        let a = tandem_store::accounts::get(&mut c.conn(), ws, AccountId(id)).await?;
        if seen.sees(&[a.data.owner_id]) {
            accounts.push(a);
        }
    }
    let mut contacts = vec![];
    for id in search::find(&mut c.conn(), ws, "contact", q, limit).await? {
        let contact = tandem_store::contacts::get(&mut c.conn(), ws, ContactId(id)).await?;
        let owner = match contact.data.account_id {
            Some(a) => {
                tandem_store::accounts::get(&mut c.conn(), ws, a)
                    .await?
                    .data
                    .owner_id
            }
            None => None,
        };
        if seen.sees(&[owner]) {
            contacts.push(contact);
        }
    }
    let mut deals = vec![];
    for id in search::find(&mut c.conn(), ws, "deal", q, limit).await? {
        let d = tandem_store::deals::get(&mut c.conn(), ws, DealId(id)).await?;
        if seen.sees(&[d.data.owner_id, d.data.inside_partner_id]) {
            deals.push(d);
        }
    }
    let mut leads = vec![];
    for id in search::find(&mut c.conn(), ws, "lead", q, limit).await? {
        let l = tandem_store::leads::get(&mut c.conn(), ws, LeadId(id)).await?;
        if crate::leads::may_see(auth, &l) {
            leads.push(l);
        }
    }
    Ok(Results {
        accounts,
        contacts,
        deals,
        leads,
    })
}
