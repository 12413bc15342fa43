//! One row of an import at a time: read by the mapping, checked, matched against what exists, written.

use super::*;

/// One batch's work: the names looked up, the journal it writes.
pub(super) struct Context<'a> {
    pub(super) auth: &'a Auth,
    pub(super) kind: Kind,
    pub(super) mode: OnDuplicate,
    pub(super) mapping: Vec<Option<&'static str>>,
    pub(super) lookups: rows::Lookups,
    pub(super) journal: Vec<Item>,
    pub(super) seq: i64,
    pub(super) now: Instant,
    /// Match keys (`d:`, `e:`, `p:`) of the live accounts or contacts, loaded once per
    /// import and kept up to date with what it writes.
    pub(super) keys: Option<std::collections::HashMap<String, Uuid>>,
    /// Companies named by rows, by folded name.
    pub(super) accounts: std::collections::HashMap<String, AccountId>,
    /// New contacts of the batch, written together when it ends; `None` until it is
    /// known whether contacts may be written that way (no required custom fields).
    pub(super) pending: Option<Vec<(ContactId, tandem_domain::contact::ContactData)>>,
    /// New companies that rows named, written before the batch's contacts; `None`
    /// until it is known whether companies may be written that way.
    pub(super) pending_accounts: Option<Vec<(AccountId, tandem_domain::account::AccountData)>>,
    /// Whether rows are worked out without the database (see `load_in_memory`).
    pub(super) in_memory: bool,
    /// Company names the importer chose to make anew despite an existing company of
    /// the same name in another spelling.
    pub(super) new_companies: std::collections::HashSet<String>,
    /// The names of existing companies that rows were matched to.
    pub(super) matched_names: std::collections::HashMap<AccountId, String>,
    /// Names of rows matched to an existing company spelt otherwise (for the preview).
    pub(super) spellings: Vec<CompanyMatch>,
}

/// A company name of the file that an existing company has in another spelling
/// ("Häring" for "Haering"): the rows go to the existing one unless the importer
/// chooses to make it anew.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CompanyMatch {
    /// As the file has it.
    pub given: String,
    /// As the existing company is named.
    pub existing: String,
    #[schema(value_type = String, format = Uuid)]
    pub account_id: AccountId,
    /// Whether the importer chose to make it as a new company.
    pub made_new: bool,
}

/// What one row came to.
pub(super) enum Done {
    Created,
    Updated,
    Skipped,
}

impl<'a> Context<'a> {
    pub(super) async fn new(
        tx: &mut Tx,
        auth: &'a Auth,
        i: &Import,
        mapping: Vec<Option<&'static str>>,
        now: Instant,
    ) -> AppResult<Context<'a>> {
        Ok(Context {
            auth,
            kind: i.kind,
            mode: i.on_duplicate,
            mapping,
            lookups: rows::Lookups::load(tx, auth).await?,
            journal: vec![],
            seq: 0,
            now,
            keys: None,
            accounts: Default::default(),
            pending: None,
            pending_accounts: None,
            in_memory: false,
            new_companies: i.new_companies.iter().cloned().collect(),
            matched_names: Default::default(),
            spellings: vec![],
        })
    }

    /// The key a company name is known by in this import: its folded form, or, for a
    /// name chosen to be made anew, the name itself (apart from every folded one).
    pub(super) fn company_key(&self, name: &str) -> String {
        let name = name.trim();
        if self.new_companies.contains(name) {
            format!("={name}")
        } else {
            fold(name)
        }
    }

    /// Notes a row's company name that the existing company `id` spells otherwise.
    pub(super) fn note_spelling(&mut self, given: &str, id: AccountId) {
        let given = given.trim();
        let Some(existing) = self.matched_names.get(&id) else {
            return;
        };
        if existing.trim() == given || self.spellings.iter().any(|m| m.given == given) {
            return;
        }
        self.spellings.push(CompanyMatch {
            given: given.to_string(),
            existing: existing.clone(),
            account_id: id,
            made_new: false,
        });
    }

    /// Loads what contact rows need (every match key, every company name) so that they
    /// can be worked out without the database: when contacts and companies are written
    /// in bulk and duplicates are skipped or created anyway (an update reads the record).
    pub(super) async fn load_in_memory(&mut self, tx: &mut Tx) -> AppResult<()> {
        if self.kind != Kind::Contacts
            || self.mode == OnDuplicate::Update
            || !self.bulk_contacts(tx).await?
            || !self.bulk_accounts(tx).await?
        {
            return Ok(());
        }
        self.matching(tx, "contacts", &[]).await?;
        let ws = self.auth.user.workspace_id;
        for (key, id) in tandem_store::accounts::name_keys(&mut tx.conn(), ws).await? {
            self.accounts.entry(key).or_insert(id);
        }
        self.in_memory = true;
        Ok(())
    }

    /// A contact row worked out in memory.
    pub(super) fn contact_in_memory(
        &mut self,
        row: &[String],
        out: &mut Outcome,
    ) -> AppResult<Done> {
        let cells = rows::cells(&self.mapping, row);
        let missing = rows::required_missing(self.kind, &cells);
        if !missing.is_empty() {
            return Err(Invalid(missing).into());
        }
        let today = tandem_domain::format::local_date(self.now);
        let mut data = rows::contact(&cells)?.validate(today)?;
        if let Some(name) = cells.get("account") {
            data.account_id = Some(self.company_in_bulk(name)?);
        }
        let keys = email_keys(&data);
        let existing = self.known(&keys);
        Ok(match self.decide(existing, out) {
            None => Done::Skipped,
            Some(_) => self.created_in_bulk(keys, data),
        })
    }

    /// A contact to be written with the batch.
    pub(super) fn created_in_bulk(
        &mut self,
        keys: Vec<String>,
        data: tandem_domain::contact::ContactData,
    ) -> Done {
        let id = ContactId::new();
        self.remember(&keys, id.0);
        self.log("contact", id.0, None);
        if let Some(p) = self.pending.as_mut() {
            p.push((id, data));
        }
        Done::Created
    }

    /// The company of that name this import knows, or a new one written with the batch.
    pub(super) fn company_in_bulk(&mut self, name: &str) -> AppResult<AccountId> {
        let key = self.company_key(name);
        if let Some(a) = self.accounts.get(&key) {
            return Ok(*a);
        }
        let input = tandem_domain::account::AccountInput {
            name: name.to_string(),
            owner_id: Some(self.auth.user.id),
            ..Default::default()
        };
        let data = input.validate().map_err(|Invalid(errs)| {
            AppError::from(Invalid(
                errs.into_iter()
                    .map(|f| FieldError::new(format!("account.{}", f.field), f.code))
                    .collect(),
            ))
        })?;
        let id = AccountId::new();
        self.log("account", id.0, None);
        self.accounts.insert(key, id);
        if let Some(p) = self.pending_accounts.as_mut() {
            p.push((id, data));
        }
        Ok(id)
    }

    /// The batch worked out in memory, taken for writing.
    pub(super) fn take_batch(&mut self, out: &Outcome) -> Batch {
        Batch {
            accounts: self
                .pending_accounts
                .as_mut()
                .map(std::mem::take)
                .unwrap_or_default(),
            contacts: self
                .pending
                .as_mut()
                .map(std::mem::take)
                .unwrap_or_default(),
            journal: std::mem::take(&mut self.journal),
            out: out.clone(),
        }
    }

    /// Whether new companies can be written in bulk (no required custom fields).
    pub(super) async fn bulk_accounts(&mut self, tx: &mut Tx) -> AppResult<bool> {
        if self.pending_accounts.is_none() {
            let mut errors = vec![];
            crate::custom_fields::check(
                &mut tx.conn(),
                self.auth,
                tandem_domain::custom::Entity::Account,
                &mut Map::new(),
                &mut errors,
            )
            .await?;
            if !errors.is_empty() {
                return Ok(false);
            }
            self.pending_accounts = Some(vec![]);
        }
        Ok(true)
    }

    /// Whether new contacts can be written in bulk: only when contacts need no
    /// custom field (an import has none to give).
    pub(super) async fn bulk_contacts(&mut self, tx: &mut Tx) -> AppResult<bool> {
        if self.pending.is_none() {
            let mut errors = vec![];
            crate::custom_fields::check(
                &mut tx.conn(),
                self.auth,
                tandem_domain::custom::Entity::Contact,
                &mut Map::new(),
                &mut errors,
            )
            .await?;
            if !errors.is_empty() {
                return Ok(false);
            }
            self.pending = Some(vec![]);
        }
        Ok(true)
    }

    /// Writes the batch's new companies and contacts.
    pub(super) async fn flush(&mut self, tx: &mut Tx) -> AppResult<()> {
        let accounts = self.pending_accounts.as_mut().map(std::mem::take);
        let contacts = self.pending.as_mut().map(std::mem::take);
        write_new(
            tx,
            self.auth,
            accounts.unwrap_or_default(),
            contacts.unwrap_or_default(),
        )
        .await
    }

    /// After a row filled in an existing record: its audit row and the journal entry
    /// with the data before, which the undo writes back.
    pub(super) async fn updated<D: serde::Serialize>(
        &mut self,
        tx: &mut Tx,
        entity: &'static str,
        id: Uuid,
        before: &D,
        after: &D,
    ) -> AppResult<Done> {
        let topic = format!("{entity}s");
        record_change(
            tx,
            self.auth,
            entity,
            &topic,
            id,
            Action::Update,
            diff(Some(before), Some(after), &[]),
        )
        .await?;
        self.log(
            entity,
            id,
            Some(serde_json::to_value(before).unwrap_or_default()),
        );
        Ok(Done::Updated)
    }

    /// The record that already has one of these match keys.
    pub(super) async fn matching(
        &mut self,
        tx: &mut Tx,
        table: &'static str,
        keys: &[String],
    ) -> AppResult<Option<Uuid>> {
        if self.keys.is_none() {
            let ws = self.auth.user.workspace_id;
            let mut map = std::collections::HashMap::new();
            for (id, ks) in tandem_store::dedupe::all_keys(&mut tx.conn(), table, ws).await? {
                for k in ks.split_whitespace() {
                    map.entry(k.to_string()).or_insert(id);
                }
            }
            self.keys = Some(map);
        }
        Ok(self.known(keys))
    }

    /// The record that already has one of these match keys, of those loaded.
    pub(super) fn known(&self, keys: &[String]) -> Option<Uuid> {
        self.keys
            .as_ref()
            .and_then(|m| keys.iter().find_map(|k| m.get(k).copied()))
    }

    pub(super) fn remember(&mut self, keys: &[String], id: Uuid) {
        if let Some(m) = self.keys.as_mut() {
            for k in keys {
                m.entry(k.clone()).or_insert(id);
            }
        }
    }

    pub(super) fn log(&mut self, entity: &str, id: Uuid, before: Option<Value>) {
        self.seq += 1;
        self.journal.push(Item {
            seq: self.seq,
            entity: entity.into(),
            record_id: id,
            action: if before.is_some() {
                "updated"
            } else {
                "created"
            }
            .into(),
            before,
        });
    }

    /// Every row of `chunk` (numbered from `first + 1`), then the batch's new records.
    pub(super) async fn apply(
        &mut self,
        tx: &mut Tx,
        chunk: &[Vec<String>],
        first: usize,
        out: &mut Outcome,
    ) -> AppResult<()> {
        for (k, row) in chunk.iter().enumerate() {
            let result = match checked(row) {
                Ok(()) => self.row(tx, row, out).await,
                Err(e) => Err(e),
            };
            tally(out, first + k + 1, result)?;
        }
        self.flush(tx).await
    }

    pub(super) async fn row(
        &mut self,
        tx: &mut Tx,
        row: &[String],
        out: &mut Outcome,
    ) -> AppResult<Done> {
        let cells = rows::cells(&self.mapping, row);
        let missing = rows::required_missing(self.kind, &cells);
        if !missing.is_empty() {
            return Err(Invalid(missing).into());
        }
        match self.kind {
            Kind::Accounts => self.account(tx, &cells, out).await,
            Kind::Contacts => self.contact(tx, &cells, out).await,
            Kind::Leads => self.lead(tx, &cells, out).await,
            Kind::Deals => self.deal(tx, &cells, out).await,
        }
    }

    /// A duplicate to update must be one the importer may see: a record they cannot see
    /// is no duplicate of theirs (a new record is made; the hidden one stays as it was).
    pub(super) async fn visible_match(
        &self,
        tx: &mut Tx,
        kind: Kind,
        existing: Option<Uuid>,
    ) -> AppResult<Option<Uuid>> {
        let Some(id) = existing else {
            return Ok(None);
        };
        if self.mode != OnDuplicate::Update {
            return Ok(Some(id));
        }
        let refs = crate::References::of(tx, self.auth).await?;
        let seen = match kind {
            Kind::Accounts => refs.account(tx, AccountId(id)).await?.is_some(),
            Kind::Contacts => refs.contact(tx, ContactId(id)).await?.is_some(),
            Kind::Deals => refs.deal(tx, DealId(id)).await?.is_some(),
            // Only those who manage leads import them, and they see every lead.
            Kind::Leads => true,
        };
        Ok(seen.then_some(id))
    }

    /// What to do with a row that matches `existing`.
    pub(super) fn decide(&self, existing: Option<Uuid>, out: &mut Outcome) -> Option<Option<Uuid>> {
        match (existing, self.mode) {
            (None, _) => Some(None),
            (Some(_), OnDuplicate::Skip) => {
                out.duplicates += 1;
                None
            }
            (Some(id), OnDuplicate::Update) => {
                out.duplicates += 1;
                Some(Some(id))
            }
            (Some(_), OnDuplicate::Create) => {
                out.duplicates += 1;
                Some(None)
            }
        }
    }
}

/// A contact's email match keys: the ones an import checks against.
pub(super) fn email_keys(data: &tandem_domain::contact::ContactData) -> Vec<String> {
    tandem_domain::dedupe::contact_keys(data)
        .split_whitespace()
        .filter(|k| k.starts_with("e:"))
        .map(String::from)
        .collect()
}

/// The stored record's input with the row's non-empty values laid over it.
pub(super) fn overlay<T: serde::Serialize + serde::de::DeserializeOwned>(
    base: &T,
    row: &T,
) -> AppResult<T> {
    let internal = |e: serde_json::Error| AppError::Internal(format!("overlay: {e}"));
    let (Value::Object(mut b), Value::Object(r)) = (
        serde_json::to_value(base).map_err(internal)?,
        serde_json::to_value(row).map_err(internal)?,
    ) else {
        return Err(AppError::Internal("overlay of a non-object".into()));
    };
    for (k, v) in r {
        let empty = match &v {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Bool(b) => !b,
            Value::Number(_) => false,
        };
        if !empty {
            b.insert(k, v);
        }
    }
    serde_json::from_value(Value::Object(Map::from_iter(b))).map_err(internal)
}
