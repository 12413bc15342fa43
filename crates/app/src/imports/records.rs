//! Writing one row of each kind: companies (found by any spelling), contacts, leads and deals.

use super::*;

impl Context<'_> {
    pub(super) async fn account(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::accounts;
        let ws = self.auth.user.workspace_id;
        let input = rows::account(&self.lookups, cells)?;
        let data = input.validate()?;
        let mut existing = accounts::by_name_key(&mut tx.conn(), ws, &fold(&data.name), 1)
            .await?
            .first()
            .map(|a| a.id.0);
        let keys: Vec<String> = tandem_domain::dedupe::account_keys(&data)
            .split_whitespace()
            .map(String::from)
            .collect();
        if existing.is_none() {
            existing = self.matching(tx, "accounts", &keys).await?;
        }
        let existing = self.visible_match(tx, Kind::Accounts, existing).await?;
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) => {
                let a = crate::accounts::create_in(tx, self.auth, input).await?;
                self.remember(&keys, a.id.0);
                self.log("account", a.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = accounts::get(&mut tx.conn(), ws, AccountId(id)).await?;
                let merged: tandem_domain::account::AccountInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate()?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                accounts::update(
                    &mut tx.conn(),
                    ws,
                    AccountId(id),
                    before.version,
                    &before.data,
                    &data,
                )
                .await?;
                self.updated(tx, "account", id, &before.data, &data).await
            }
        }
    }

    /// The account a contact or deal row names: an existing one by name, else a new one
    /// (journalled, so the undo takes it back too).
    pub(super) async fn account_named(&mut self, tx: &mut Tx, name: &str) -> AppResult<AccountId> {
        let ws = self.auth.user.workspace_id;
        let key = self.company_key(name);
        if let Some(a) = self.accounts.get(&key).copied() {
            self.note_spelling(name, a);
            return Ok(a);
        }
        let chosen_new = key.starts_with('=');
        if !chosen_new
            && let Some(a) = tandem_store::accounts::by_name_key(&mut tx.conn(), ws, &key, 1)
                .await?
                .first()
        {
            self.accounts.insert(key, a.id);
            self.matched_names.insert(a.id, a.data.name.clone());
            self.note_spelling(name, a.id);
            return Ok(a.id);
        }
        let name = name.trim();
        // Contacts are written at the end of the batch too, after their companies.
        if self.kind == Kind::Contacts
            && self.bulk_contacts(tx).await?
            && self.bulk_accounts(tx).await?
        {
            return self.company_in_bulk(name);
        }
        let input = tandem_domain::account::AccountInput {
            name: name.to_string(),
            owner_id: Some(self.auth.user.id),
            ..Default::default()
        };
        let a = crate::accounts::create_in(tx, self.auth, input)
            .await
            .map_err(|e| match e {
                AppError::Invalid(Invalid(errs)) => Invalid(
                    errs.into_iter()
                        .map(|f| FieldError::new(format!("account.{}", f.field), f.code))
                        .collect(),
                )
                .into(),
                e => e,
            })?;
        self.log("account", a.id.0, None);
        self.accounts.insert(key, a.id);
        Ok(a.id)
    }

    /// The companies of the file that exist in another spelling, with the importer's
    /// choice for each (those chosen to be new, found again for the list).
    pub(super) async fn spellings(&self, tx: &mut Tx) -> AppResult<Vec<CompanyMatch>> {
        let ws = self.auth.user.workspace_id;
        let mut all = self.spellings.clone();
        for given in &self.new_companies {
            if let Some(a) =
                tandem_store::accounts::by_name_key(&mut tx.conn(), ws, &fold(given), 1)
                    .await?
                    .first()
            {
                all.push(CompanyMatch {
                    given: given.clone(),
                    existing: a.data.name.clone(),
                    account_id: a.id,
                    made_new: true,
                });
            }
        }
        all.sort_by(|a, b| a.given.cmp(&b.given));
        Ok(all)
    }

    pub(super) async fn contact(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::contacts;
        let ws = self.auth.user.workspace_id;
        let mut input = rows::contact(cells)?;
        // Checked before the company is looked up, so a bad row makes no company.
        let mut data = input.validate(tandem_domain::format::local_date(self.now))?;
        if let Some(name) = cells.get("account") {
            let account = self.account_named(tx, name).await?;
            input.account_id = Some(account);
            data.account_id = Some(account);
        }
        let keys = email_keys(&data);
        let existing = self.matching(tx, "contacts", &keys).await?;
        let existing = self.visible_match(tx, Kind::Contacts, existing).await?;
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) if self.bulk_contacts(tx).await? => Ok(self.created_in_bulk(keys, data)),
            Some(None) => {
                let c = crate::contacts::create_in(tx, self.auth, input).await?;
                self.remember(&keys, c.id.0);
                self.log("contact", c.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = contacts::get(&mut tx.conn(), ws, ContactId(id)).await?;
                let merged: tandem_domain::contact::ContactInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate(tandem_domain::format::local_date(self.now))?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                contacts::update(
                    &mut tx.conn(),
                    ws,
                    ContactId(id),
                    before.version,
                    &before.data,
                    &data,
                )
                .await?;
                self.updated(tx, "contact", id, &before.data, &data).await
            }
        }
    }

    pub(super) async fn lead(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::leads;
        let ws = self.auth.user.workspace_id;
        let mut input = rows::lead(&self.lookups, cells)?;
        input.owner_id = Some(self.auth.user.id);
        let data = input.validate()?;
        let existing = match &data.email {
            Some(e) => leads::with_email(&mut tx.conn(), ws, e).await?.map(|l| l.0),
            None => None,
        };
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) => {
                let l = crate::leads::create_in(tx, self.auth, &input, None, self.now).await?;
                self.log("lead", l.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = leads::get(&mut tx.conn(), ws, LeadId(id)).await?;
                let merged: tandem_domain::lead_record::LeadInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate()?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                let change = leads::Change {
                    data: Some(data.clone()),
                    ..leads::Change::default()
                };
                leads::update(&mut tx.conn(), ws, LeadId(id), before.version, &change).await?;
                self.updated(tx, "lead", id, &before.data, &data).await
            }
        }
    }

    pub(super) async fn deal(
        &mut self,
        tx: &mut Tx,
        cells: &rows::Cells,
        out: &mut Outcome,
    ) -> AppResult<Done> {
        use tandem_store::deals;
        let ws = self.auth.user.workspace_id;
        let mut input = rows::deal(&self.lookups, cells, self.auth.user.locale)?;
        let account = cells.get("account").cloned().unwrap_or_default();
        let account = self.account_named(tx, &account).await?;
        input.account_id = Some(account);
        let existing = deals::by_title(&mut tx.conn(), ws, account, &input.title)
            .await?
            .map(|d| d.0);
        let existing = self.visible_match(tx, Kind::Deals, existing).await?;
        match self.decide(existing, out) {
            None => Ok(Done::Skipped),
            Some(None) => {
                let d = crate::deals::create_in(tx, self.auth, input).await?;
                self.log("deal", d.id.0, None);
                Ok(Done::Created)
            }
            Some(Some(id)) => {
                let before = deals::get(&mut tx.conn(), ws, DealId(id)).await?;
                let merged: tandem_domain::deal::DealInput =
                    overlay(&before.data.to_input(), &input)?;
                let data = merged.validate()?;
                if data == before.data {
                    return Ok(Done::Skipped);
                }
                deals::update(&mut tx.conn(), ws, &before, &data, Some(self.auth.user.id)).await?;
                self.updated(tx, "deal", id, &before.data, &data).await
            }
        }
    }
}
