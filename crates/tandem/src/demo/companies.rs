//! Accounts with contacts, activities and deals.

use super::*;

/// The audit row of a record the demo creates.
pub(super) async fn created<T: serde::Serialize>(
    tx: &mut tandem_store::Tx,
    ws: WorkspaceId,
    entity: &'static str,
    id: uuid::Uuid,
    data: &T,
) -> anyhow::Result<()> {
    let diff = tandem_domain::audit::diff(None, Some(data), &[]);
    audit::record(
        &mut tx.conn(),
        NewEntry {
            workspace_id: ws,
            entity,
            entity_id: id,
            action: Action::Create,
            actor: None,
            diff: &diff,
        },
    )
    .await?;
    Ok(())
}

pub(super) fn demo_contact(
    rng: &mut Rng,
    account: AccountId,
    domain: &str,
    today: jiff::civil::Date,
) -> anyhow::Result<ContactData> {
    let (first, salutation) = *rng.pick(&FIRST);
    let last = rng.pick(&LAST);
    let n = rng.next();
    let local = tandem_domain::text::slugify(&format!("{first} {last}")).replace('-', ".");
    // Most data was verified within the last two years; some never.
    let days_ago = |d: u64| {
        today
            .saturating_sub(jiff::Span::new().days(d as i64))
            .to_string()
    };
    let consent = n.is_multiple_of(3);
    let input = ContactInput {
        salutation: Some(salutation.into()),
        title: n.is_multiple_of(11).then(|| "Dr.".into()),
        first_name: Some(first.into()),
        last_name: last.to_string(),
        position: Some(rng.pick(&POSITIONS).to_string()),
        account_id: Some(account),
        emails: vec![format!("{local}@{domain}")],
        phones: vec![format!("+49 {} {}", 100 + n % 900, 100_000 + n % 900_000)],
        consent_email: consent,
        consent_phone: false,
        consent_on: consent.then(|| days_ago(30 + n % 300)),
        consent_source: consent.then(|| "Messe".into()),
        verified_on: (!n.is_multiple_of(5)).then(|| days_ago(n % 700)),
        notes: None,
        custom: Default::default(),
    };
    input.validate(today).context("demo contact invalid")
}

pub(super) const SUBJECTS: [(&str, &str); 8] = [
    ("visit", "Besuch: neue Linie vorgestellt"),
    ("visit", "Werksbesuch mit Einkauf und Technik"),
    ("call", "Rückruf wegen Liefertermin"),
    ("call", "Nachfrage zum Angebot"),
    ("meeting", "Jahresgespräch, Rahmenvertrag"),
    ("email", "Unterlagen zur Wartung geschickt"),
    ("note", "Wettbewerber war letzte Woche vor Ort"),
    ("call", "Reklamation aufgenommen"),
];

pub(super) fn demo_activity(
    rng: &mut Rng,
    account: AccountId,
    contact: ContactId,
    deal: Option<tandem_domain::DealId>,
) -> anyhow::Result<ActivityData> {
    let (kind, subject) = *rng.pick(&SUBJECTS);
    let n = rng.next();
    // Spread over the last year, before the demo's "today".
    let at = 1_793_491_200_000 - (n % 365) as i64 * 86_400_000 - (n % 36_000) as i64 * 1_000;
    let input = ActivityInput {
        kind: kind.into(),
        subject: subject.into(),
        occurred_at: Some(tandem_domain::Instant(at).to_rfc3339()),
        duration_minutes: (kind != "note").then(|| 15 + (n % 8) as i64 * 15),
        key_conversation: n.is_multiple_of(7),
        account_id: Some(account),
        contact_id: Some(contact),
        deal_id: deal,
        ..Default::default()
    };
    input
        .validate(tandem_domain::Instant(at))
        .context("demo activity invalid")
}

pub(super) async fn seed_accounts(
    store: &Store,
    ws: WorkspaceId,
    owners: &[UserId],
    shape: &Shape,
) -> anyhow::Result<()> {
    let count = shape.accounts;
    let started = std::time::Instant::now();
    let mut rng = Rng(0x7A4D_E1A5_0000_0001);
    let today = jiff::civil::date(2026, 11, 1);
    let pipeline = {
        let mut c = store.read().await?;
        tandem_store::pipelines::list(&mut c.conn(), ws)
            .await?
            .into_iter()
            .next()
            .context("the demo workspace has no pipeline")?
    };
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(1_000);
        let mut tx = store.begin().await?;
        let mut new_deals = vec![];
        let mut new_activities = vec![];
        for _ in 0..batch {
            let family = rng.pick(&FAMILY);
            let (trade, industry) = *rng.pick(&TRADES);
            let form = rng.pick(&FORMS);
            let (city, zip, street) = *rng.pick(&TOWNS);
            let lifecycle = match rng.next() % 10 {
                0..=4 => Lifecycle::Customer,
                5..=7 => Lifecycle::Prospect,
                8 => Lifecycle::Former,
                _ => Lifecycle::Partner,
            };
            let slug = tandem_domain::text::slugify(family);
            let n = rng.next();
            let tags = if n.is_multiple_of(3) {
                vec![rng.pick(&TAGS).to_string()]
            } else {
                vec![]
            };
            let owner = *rng.pick(owners);
            let input = AccountInput {
                name: format!("{family} {trade}"),
                legal_form: Some(form.to_string()),
                industry: Some(industry.to_string()),
                employees: Some(10 + (n % 990) as i64),
                street: Some(format!("{street} {}", 1 + n % 120)),
                postal_code: Some(zip.to_string()),
                city: Some(city.to_string()),
                country: Some("DE".into()),
                vat_id: Some(format!("DE{:09}", n % 1_000_000_000)),
                website: Some(format!(
                    "www.{slug}-{}.de",
                    trade.to_lowercase().replace('ä', "ae")
                )),
                phone: Some(format!("+49 {} {}", 100 + n % 900, 10_000 + n % 90_000)),
                email: Some(format!(
                    "info@{slug}-{}.de",
                    trade.to_lowercase().replace('ä', "ae")
                )),
                tags,
                lifecycle: Some(lifecycle.as_str().to_string()),
                owner_id: Some(owner),
                notes: None,
                custom: Default::default(),
            };
            let data = input.validate().context("demo account invalid")?;
            let id = AccountId::new();
            accounts::insert(&mut tx.conn(), ws, id, &data, None).await?;
            created(&mut tx, ws, "account", id.0, &data).await?;
            let domain = data
                .website
                .as_deref()
                .unwrap_or("")
                .trim_start_matches("https://www.")
                .to_string();
            // Around the shape's averages: 1..2n-1 contacts, 0..2n deals and activities.
            let mut account_contacts = vec![];
            for _ in 0..(1 + rng.next() % (2 * shape.contacts - 1)) {
                let contact = demo_contact(&mut rng, id, &domain, today)?;
                let cid = ContactId::new();
                account_contacts.push(cid);
                contacts::insert(&mut tx.conn(), ws, cid, &contact, None).await?;
                created(&mut tx, ws, "contact", cid.0, &contact).await?;
            }
            let mut account_deals = vec![];
            for _ in 0..(rng.next() % (2 * shape.deals + 1)) {
                let deal = demo_deal(
                    &mut rng,
                    &pipeline,
                    id,
                    owner,
                    &account_contacts,
                    store.now(),
                )?;
                account_deals.push(deal.0);
                new_deals.push(deal);
            }
            for _ in 0..(rng.next() % (2 * shape.activities + 1)) {
                let contact = *rng.pick(&account_contacts);
                let deal = match rng.next() % 3 {
                    0 if !account_deals.is_empty() => Some(*rng.pick(&account_deals)),
                    _ => None,
                };
                let activity = demo_activity(&mut rng, id, contact, deal)?;
                new_activities.push((ActivityId::new(), activity, Some(owner)));
            }
        }
        tandem_store::deals::insert_many(&mut tx.conn(), ws, new_deals).await?;
        activities::insert_many(&mut tx.conn(), ws, new_activities).await?;
        tx.commit().await?;
        done += batch;
        if done % 10_000 == 0 {
            tracing::info!(
                accounts = done,
                seconds = started.elapsed().as_secs(),
                "demo data"
            );
        }
    }
    let mut tx = store.begin().await?;
    tandem_store::search::index_missing(&mut tx.conn(), ws, "deal", "deals").await?;
    tx.commit().await?;
    tracing::info!(
        accounts = count,
        seconds = started.elapsed().as_secs(),
        "demo accounts created"
    );
    Ok(())
}

pub(super) const DEAL_TITLES: [&str; 10] = [
    "CNC-Bearbeitungszentrum",
    "Wartungsvertrag 2027",
    "Ersatzteilpaket",
    "Retrofit Steuerung",
    "Förderanlage Halle 3",
    "Rahmenvertrag Verschleißteile",
    "Schulungspaket Bediener",
    "Verpackungslinie",
    "Prüfstand Endkontrolle",
    "Roboterzelle Schweißen",
];
pub(super) const LOST_REASONS: [(&str, Option<&str>); 4] = [
    ("Preis", Some("DMG Mori")),
    ("Wettbewerber gewählt", Some("Trumpf")),
    ("Kein Budget", None),
    ("Projekt verschoben", None),
];
pub(super) const SOURCES: [&str; 6] = [
    "existing_customer",
    "referral",
    "trade_fair",
    "website",
    "marketing",
    "cold_outreach",
];

/// A deal with a consistent past: created up to two years ago, through the stages in
/// order, open (a third of them rotting), won or lost.
#[allow(clippy::type_complexity)]
pub(super) fn demo_deal(
    rng: &mut Rng,
    pipeline: &tandem_store::pipelines::Pipeline,
    account: AccountId,
    owner: UserId,
    contacts: &[ContactId],
    now: tandem_domain::Instant,
) -> anyhow::Result<(
    tandem_domain::DealId,
    tandem_domain::deal::DealData,
    Option<UserId>,
    tandem_store::deals::Past,
)> {
    use tandem_domain::{
        DealId, Instant,
        deal::{DealContactInput, DealInput},
        money::Money,
    };
    const DAY: i64 = 86_400_000;
    let today = tandem_domain::format::local_date(now);
    let n = rng.next();
    let status = match n % 10 {
        0..=4 => "open",
        5..=7 => "won",
        _ => "lost",
    };
    let stages = &pipeline.stages;
    let last = stages.len() - 1;
    let reached = match status {
        "won" => last,
        _ => (rng.next() % stages.len() as u64) as usize,
    };
    let created_ms = now.0 - (20 + (rng.next() % 700) as i64) * DAY;
    let end = match status {
        // Open deals entered their stage within the last six weeks.
        "open" => now.0 - (rng.next() % 42) as i64 * DAY,
        _ => {
            created_ms
                + ((now.0 - created_ms) as f64 * 0.3 + (rng.next() % 60) as f64 * DAY as f64)
                    .min((now.0 - created_ms) as f64) as i64
        }
    };
    let step = (end - created_ms) / (reached as i64 + 1).max(1);
    let mut visits = vec![];
    for (i, stage) in stages.iter().take(reached + 1).enumerate() {
        let entered = Instant(created_ms + step * i as i64);
        let left = if i < reached {
            Some(Instant(created_ms + step * (i as i64 + 1)))
        } else if status == "open" {
            None
        } else {
            Some(Instant(end))
        };
        let entered = if i == reached && status == "open" {
            Instant(end)
        } else {
            entered
        };
        visits.push((stage.id, entered, left));
    }
    let closed_at = (status != "open").then_some(Instant(end));
    let close_date = match closed_at {
        Some(c) => tandem_domain::format::local_date(c),
        None => today.saturating_add(jiff::Span::new().days(10 + (rng.next() % 170) as i64)),
    };
    let (lost_reason, competitor) = if status == "lost" {
        let (r, c) = *rng.pick(&LOST_REASONS);
        (Some(r.to_string()), c.map(str::to_string))
    } else {
        (None, None)
    };
    let input = DealInput {
        title: rng.pick(&DEAL_TITLES).to_string(),
        account_id: Some(account),
        pipeline_id: Some(pipeline.id),
        stage_id: Some(stages[reached].id),
        amount: Some(Money::new(
            (5_000 + (rng.next() % 495) as i64 * 1_000) * 100,
            "EUR",
        )),
        expected_close: Some(close_date.to_string()),
        owner_id: Some(owner),
        next_step: (status == "open").then(|| "Angebot nachfassen".to_string()),
        next_step_due: (status == "open").then(|| {
            today
                .saturating_add(jiff::Span::new().days((rng.next() % 14) as i64 - 3))
                .to_string()
        }),
        source: Some(rng.pick(&SOURCES).to_string()),
        status: Some(status.into()),
        lost_reason,
        competitor,
        contacts: contacts
            .iter()
            .take(2)
            .enumerate()
            .map(|(i, c)| DealContactInput {
                contact_id: *c,
                role: Some(
                    if i == 0 {
                        "decision_maker"
                    } else {
                        "influencer"
                    }
                    .into(),
                ),
            })
            .collect(),
        ..Default::default()
    };
    let data = input.validate().context("demo deal invalid")?;
    let id = DealId::new();
    let past = tandem_store::deals::Past {
        created_at: Instant(created_ms),
        visits,
        closed_at,
    };
    Ok((id, data, Some(owner), past))
}
