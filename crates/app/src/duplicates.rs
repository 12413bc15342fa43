//! Likely duplicates of accounts and contacts (same web domain, email or phone, or a
//! very similar name), and merging two records into one without losing anything: every
//! related record moves over, empty fields are filled, both histories stay.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {record_change, require},
};
use std::collections::HashSet;
use tandem_domain::{
    AccountId, ContactId, Invalid,
    account::AccountData,
    audit::diff,
    contact::ContactData,
    dedupe::{self, SIMILAR, similarity},
    text::fold,
};
use tandem_store::{
    Store, accounts, accounts::Account, audit::Action, contacts, contacts::Contact,
    dedupe as store_dedupe, search,
};
use uuid::Uuid;

/// A likely duplicate and why: `same_domain`, `same_email`, `same_phone`, `similar_name`.
pub struct Candidate<T> {
    pub record: T,
    pub reasons: Vec<&'static str>,
}

const MAX: usize = 5;

fn key_list(keys: &str) -> Vec<String> {
    keys.split_whitespace().map(str::to_string).collect()
}

fn shared_reasons(mine: &[String], theirs: &str) -> Vec<&'static str> {
    let theirs = key_list(theirs);
    let mut reasons = vec![];
    for (prefix, reason) in [
        ("d:", "same_domain"),
        ("e:", "same_email"),
        ("p:", "same_phone"),
    ] {
        if mine
            .iter()
            .any(|k| k.starts_with(prefix) && theirs.contains(k))
        {
            reasons.push(reason);
        }
    }
    reasons
}

/// Accounts that are probably the same company as `data` (visible ones only).
pub async fn for_account(
    store: &Store,
    auth: &Auth,
    data: &AccountData,
    exclude: Option<AccountId>,
) -> AppResult<Vec<Candidate<Account>>> {
    let ws = auth.user.workspace_id;
    let seen = super::seen(store, auth).await?;
    let keys = key_list(&dedupe::account_keys(data));
    let core = dedupe::company_core(&data.name);
    let mut c = store.read().await?;
    let mut ids: Vec<Uuid> =
        store_dedupe::with_keys(&mut c.conn(), "accounts", ws, &keys, 20).await?;
    ids.extend(search::find(&mut c.conn(), ws, "account", &core, 10).await?);
    // A typo in one word: look for the longest word alone as well.
    if let Some(longest) = core
        .split(' ')
        .max_by_key(|w| w.len())
        .filter(|w| w.len() >= 4)
    {
        let stem: String = longest.chars().take(4).collect();
        ids.extend(search::find(&mut c.conn(), ws, "account", &stem, 30).await?);
    }
    let mut done = HashSet::new();
    let mut out = vec![];
    for id in ids {
        if Some(AccountId(id)) == exclude || !done.insert(id) {
            continue;
        }
        let a = accounts::get(&mut c.conn(), ws, AccountId(id)).await?;
        if a.deleted_at.is_some() || !seen.sees(&[a.data.owner_id]) {
            continue;
        }
        let mut reasons = shared_reasons(&keys, &dedupe::account_keys(&a.data));
        if similarity(&core, &dedupe::company_core(&a.data.name)) >= SIMILAR {
            reasons.push("similar_name");
        }
        if !reasons.is_empty() {
            out.push(Candidate { record: a, reasons });
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.reasons.len()));
    out.truncate(MAX);
    Ok(out)
}

/// Contacts that are probably the same person as `data`: same email or phone, or a very
/// similar name at the same account.
pub async fn for_contact(
    store: &Store,
    auth: &Auth,
    data: &ContactData,
    exclude: Option<ContactId>,
) -> AppResult<Vec<Candidate<Contact>>> {
    let ws = auth.user.workspace_id;
    let keys = key_list(&dedupe::contact_keys(data));
    let name = fold(&format!(
        "{} {}",
        data.first_name.as_deref().unwrap_or(""),
        data.last_name
    ));
    let mut c = store.read().await?;
    let mut ids = store_dedupe::with_keys(&mut c.conn(), "contacts", ws, &keys, 20).await?;
    ids.extend(search::find(&mut c.conn(), ws, "contact", &fold(&data.last_name), 30).await?);
    drop(c);
    let mut done = HashSet::new();
    let mut out = vec![];
    for id in ids {
        if Some(ContactId(id)) == exclude || !done.insert(id) {
            continue;
        }
        // Through the service: invisible contacts are left out.
        let Ok(other) = super::contacts::get(store, auth, ContactId(id)).await else {
            continue;
        };
        if other.deleted_at.is_some() {
            continue;
        }
        let mut reasons = shared_reasons(&keys, &dedupe::contact_keys(&other.data));
        let other_name = fold(&format!(
            "{} {}",
            other.data.first_name.as_deref().unwrap_or(""),
            other.data.last_name
        ));
        if other.data.account_id == data.account_id && similarity(&name, &other_name) >= SIMILAR {
            reasons.push("similar_name");
        }
        if !reasons.is_empty() {
            out.push(Candidate {
                record: other,
                reasons,
            });
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.reasons.len()));
    out.truncate(MAX);
    Ok(out)
}

fn distinct<T: PartialEq>(keep: T, from: T) -> AppResult<()> {
    if keep == from {
        Err(Invalid::one("from", "same_record").into())
    } else {
        Ok(())
    }
}

/// Merges account `from` into `keep` (managers and admins): contacts, deals, activities
/// and tasks move over, empty fields are filled, `from` goes to the trash noting where
/// it went. Both audit histories stay.
pub async fn merge_accounts(
    store: &Store,
    auth: &Auth,
    keep: AccountId,
    from: AccountId,
) -> AppResult<Account> {
    distinct(keep, from)?;
    let target = super::accounts::get(store, auth, keep).await?;
    let source = super::accounts::get(store, auth, from)
        .await
        .map_err(|_| Invalid::one("from", "unknown_account"))?;
    require(auth.user.role.can_delete_records())?;
    if target.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    if source.deleted_at.is_some() {
        return Err(Invalid::one("from", "unknown_account").into());
    }
    let ws = auth.user.workspace_id;
    let merged = dedupe::merge_accounts(&target.data, &source.data);
    let mut tx = store.begin().await?;
    let moved = store_dedupe::move_account_records(&mut tx.conn(), ws, from, keep).await?;
    accounts::update(
        &mut tx.conn(),
        ws,
        keep,
        target.version,
        &target.data,
        &merged,
    )
    .await?;
    let mut changes = diff(Some(&target.data), Some(&merged), &[]);
    if let Some(m) = changes.as_object_mut() {
        m.insert(
            "merged_from".into(),
            serde_json::json!([null, source.data.name]),
        );
        m.insert("records_moved".into(), serde_json::json!([null, moved]));
    }
    record_change(
        &mut tx,
        auth,
        "account",
        "accounts",
        keep.0,
        Action::Merge,
        changes,
    )
    .await?;
    accounts::set_deleted(&mut tx.conn(), ws, from, true).await?;
    store_dedupe::set_merged_into(&mut tx.conn(), "accounts", ws, from.0, keep.0).await?;
    let note = serde_json::json!({ "merged_into": [null, target.data.name] });
    record_change(
        &mut tx,
        auth,
        "account",
        "accounts",
        from.0,
        Action::Delete,
        note,
    )
    .await?;
    let result = accounts::get(&mut tx.conn(), ws, keep).await?;
    tx.commit().await?;
    Ok(result)
}

/// Merges contact `from` into `keep` (managers and admins), like accounts: activities,
/// tasks and deal roles move over.
pub async fn merge_contacts(
    store: &Store,
    auth: &Auth,
    keep: ContactId,
    from: ContactId,
) -> AppResult<Contact> {
    distinct(keep, from)?;
    let target = super::contacts::get(store, auth, keep).await?;
    let source = super::contacts::get(store, auth, from)
        .await
        .map_err(|_| Invalid::one("from", "unknown_contact"))?;
    require(auth.user.role.can_delete_records())?;
    if target.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    if source.deleted_at.is_some() {
        return Err(Invalid::one("from", "unknown_contact").into());
    }
    let ws = auth.user.workspace_id;
    let merged = dedupe::merge_contacts(&target.data, &source.data);
    let mut tx = store.begin().await?;
    let moved = store_dedupe::move_contact_records(&mut tx.conn(), ws, from, keep).await?;
    contacts::update(
        &mut tx.conn(),
        ws,
        keep,
        target.version,
        &target.data,
        &merged,
    )
    .await?;
    let mut changes = diff(Some(&target.data), Some(&merged), &[]);
    if let Some(m) = changes.as_object_mut() {
        m.insert(
            "merged_from".into(),
            serde_json::json!([null, source.data.display_name()]),
        );
        m.insert("records_moved".into(), serde_json::json!([null, moved]));
    }
    record_change(
        &mut tx,
        auth,
        "contact",
        "contacts",
        keep.0,
        Action::Merge,
        changes,
    )
    .await?;
    contacts::set_deleted(&mut tx.conn(), ws, from, true).await?;
    store_dedupe::set_merged_into(&mut tx.conn(), "contacts", ws, from.0, keep.0).await?;
    let note = serde_json::json!({ "merged_into": [null, target.data.display_name()] });
    record_change(
        &mut tx,
        auth,
        "contact",
        "contacts",
        from.0,
        Action::Delete,
        note,
    )
    .await?;
    let result = contacts::get(&mut tx.conn(), ws, keep).await?;
    tx.commit().await?;
    Ok(result)
}
