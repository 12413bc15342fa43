//! Demo data: a realistic, deterministic German Mittelstand workspace.

use anyhow::Context;
use tandem_app::auth::{NewUserInput, create_user};
use tandem_domain::{
    AccountId, ActivityId, ContactId, Locale, Role, TaskId, UserId, WorkspaceId,
    account::{AccountInput, Lifecycle},
    activity::{ActivityData, ActivityInput},
    auth::new_secret,
    contact::{ContactData, ContactInput},
    task::TaskInput,
};
use tandem_store::{
    Store, accounts, activities,
    audit::{self, Action, NewEntry},
    contacts, tasks, users, workspaces,
};

pub const DEMO_SLUG: &str = "demo";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Small,
    Medium,
    Large,
    /// About this many deals, with the proportions of `large`.
    Deals(u32),
}

/// How much a demo holds: accounts, and per account on average contacts, deals and
/// activities; plus the number of users.
struct Shape {
    accounts: u32,
    contacts: u64,
    deals: u64,
    activities: u64,
    users: usize,
}

impl Size {
    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "small" => Some(Size::Small),
            "medium" => Some(Size::Medium),
            "large" => Some(Size::Large),
            n => n.parse().ok().filter(|n| *n > 0).map(Size::Deals),
        }
    }

    fn shape(self) -> Shape {
        // large: 200 users, 100k accounts, 300k contacts, 1M deals, 5M activities.
        match self {
            Size::Small => Shape {
                accounts: 250,
                contacts: 2,
                deals: 2,
                activities: 4,
                users: PEOPLE.len(),
            },
            Size::Medium => Shape {
                accounts: 10_000,
                contacts: 3,
                deals: 10,
                activities: 50,
                users: 50,
            },
            Size::Large => Shape {
                accounts: 100_000,
                contacts: 3,
                deals: 10,
                activities: 50,
                users: 200,
            },
            Size::Deals(n) => Shape {
                accounts: n.div_ceil(10),
                contacts: 3,
                deals: 10,
                activities: 50,
                users: PEOPLE.len().max((n / 5_000) as usize).min(200),
            },
        }
    }
}

const PEOPLE: [(&str, &str, Role, &str); 7] = [
    ("admin@demo.tandem.test", "Anna Admin", Role::Admin, ""),
    (
        "petra.schulz@demo.tandem.test",
        "Petra Schulz",
        Role::Manager,
        "Vertrieb Süd",
    ),
    (
        "dieter.mayer@demo.tandem.test",
        "Dieter Mayer",
        Role::Field,
        "Vertrieb Süd",
    ),
    (
        "klaus.becker@demo.tandem.test",
        "Klaus Becker",
        Role::Inside,
        "Vertrieb Süd",
    ),
    (
        "sabine.wolf@demo.tandem.test",
        "Sabine Wolf",
        Role::Inside,
        "Vertrieb Süd",
    ),
    (
        "jana.krueger@demo.tandem.test",
        "Jana Krüger",
        Role::Field,
        "Vertrieb Nord",
    ),
    (
        "miriam.ott@demo.tandem.test",
        "Miriam Ott",
        Role::Marketing,
        "",
    ),
];

/// Creates the demo workspace unless it exists; prints the logins once.
pub async fn ensure_demo(store: &Store, size: Size) -> anyhow::Result<()> {
    let existing = {
        let mut c = store.read().await?;
        workspaces::by_slug(&mut c.conn(), DEMO_SLUG).await?
    };
    if existing.is_some() {
        tracing::info!("the demo workspace exists already");
        return Ok(());
    }
    let ws = {
        let mut tx = store.begin().await?;
        let ws = workspaces::create(
            &mut tx.conn(),
            DEMO_SLUG,
            "Demo Maschinenbau GmbH",
            tandem_domain::Locale::De,
        )
        .await?;
        tx.commit().await?;
        ws.id
    };
    let mut team_ids = std::collections::HashMap::new();
    for team in ["Vertrieb Süd", "Vertrieb Nord"] {
        let mut tx = store.begin().await?;
        team_ids.insert(
            team,
            users::create_team(&mut tx.conn(), ws, team, None).await?,
        );
        tx.commit().await?;
    }
    println!("\nDemo workspace created. Sign in with one of these (shown only now):\n");
    let mut owners = vec![];
    let mut people = vec![];
    for (email, name, role, team) in PEOPLE {
        let password = new_secret("").chars().take(16).collect::<String>();
        let id = create_user(
            store,
            ws,
            NewUserInput {
                email: email.into(),
                name: name.into(),
                role,
                team_id: team_ids.get(team).copied(),
                locale: Locale::De,
                password: password.clone(),
            },
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating {email}: {e}"))?;
        println!("  {:<10} {email:<34} {password}", role.as_str());
        people.push(id);
        if matches!(role, Role::Field | Role::Inside | Role::Manager) {
            owners.push(id);
        }
    }
    println!();
    let shape = size.shape();
    owners.extend(seed_more_users(store, ws, shape.users.saturating_sub(PEOPLE.len())).await?);
    seed_accounts(store, ws, &owners, &shape).await?;
    seed_tasks(store, ws, &owners).await?;
    seed_handoffs(store, ws, &people).await?;
    crate::demo_leads::seed(store, ws).await?;
    crate::demo_goals::seed(store, ws).await
}

/// Dieter and Klaus work as a tandem with Sabine as Klaus's deputy; Dieter and Jana
/// have asked inside sales for a few things (Jana has no tandem: hers wait in the
/// queue).
async fn seed_handoffs(store: &Store, ws: WorkspaceId, people: &[UserId]) -> anyhow::Result<()> {
    use tandem_app::{requests, tandems};
    let person = |email: &str| {
        PEOPLE
            .iter()
            .position(|p| p.0 == email)
            .map(|i| people[i])
            .ok_or_else(|| anyhow::anyhow!("no demo person {email}"))
    };
    let as_user = async |email: &str| -> anyhow::Result<tandem_app::Auth> {
        let mut c = store.read().await?;
        let user = users::get(&mut c.conn(), ws, person(email)?).await?;
        Ok(tandem_app::Auth::system(user))
    };
    let manager = as_user("petra.schulz@demo.tandem.test").await?;
    tandems::create(
        store,
        &manager,
        tandem_domain::handoff::TandemInput {
            field_id: Some(person("dieter.mayer@demo.tandem.test")?),
            inside_id: Some(person("klaus.becker@demo.tandem.test")?),
            deputy_id: Some(person("sabine.wolf@demo.tandem.test")?),
            agreement: Some(
                "Angebote bis 50.000 € binnen zwei Arbeitstagen; Liefertermine am selben Tag. \
                 Rückfragen per Kommentar, dringende telefonisch."
                    .into(),
            ),
            sla_hours: Default::default(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo tandem: {e}"))?;
    let now = store.now();
    for (i, (email, kind, text)) in [
        (
            "dieter.mayer@demo.tandem.test",
            0,
            "Angebot über zwei Anlagen inkl. Montage und Schulung.",
        ),
        (
            "dieter.mayer@demo.tandem.test",
            1,
            "Ist Lieferung in KW 50 noch möglich?",
        ),
        (
            "jana.krueger@demo.tandem.test",
            3,
            "Kunde fragt nach Druckstufe PN16 – geht das mit der Standardpumpe?",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let requester = as_user(email).await?;
        // One of the requester's own companies.
        let accounts = {
            let mut c = store.read().await?;
            let mine = tandem_store::accounts::Filter {
                owner_id: Some(requester.user.id),
                ..Default::default()
            };
            tandem_store::accounts::list(
                &mut c.conn(),
                ws,
                &mine,
                tandem_store::Sort::NameAsc,
                4,
                None,
            )
            .await?
            .items
        };
        let types = requests::types(store, &requester)
            .await
            .map_err(|e| anyhow::anyhow!("demo request types: {e}"))?;
        let input = tandem_domain::request::RequestInput {
            type_id: types.get(kind).map(|t| t.id),
            description: text.into(),
            account_id: accounts.get(i).map(|a| a.id),
            deal_id: None,
        };
        requests::create(store, &requester, &input, now)
            .await
            .map_err(|e| anyhow::anyhow!("demo request: {e}"))?;
    }
    seed_quotes(
        store,
        ws,
        &as_user("admin@demo.tandem.test").await?,
        &as_user("klaus.becker@demo.tandem.test").await?,
        person("dieter.mayer@demo.tandem.test")?,
    )
    .await
}

/// The letterhead, a small catalogue with a dealer price list, and Klaus's answer to
/// Dieter's quote request: a quote whose 12 % discount waits for Petra's approval, and
/// one sent quote.
async fn seed_quotes(
    store: &Store,
    ws: WorkspaceId,
    admin: &tandem_app::Auth,
    klaus: &tandem_app::Auth,
    dieter: UserId,
) -> anyhow::Result<()> {
    use tandem_app::{products, quotes};
    use tandem_domain::{money::Money, product::ProductInput, quoting};
    let fail =
        |what: &'static str| move |e: tandem_app::AppError| anyhow::anyhow!("demo {what}: {e}");
    quotes::set_letterhead(
        store,
        admin,
        quoting::Letterhead {
            company: "Demo Maschinenbau GmbH".into(),
            street: "Industriering 12".into(),
            postcode: "48155".into(),
            city: "Münster".into(),
            country: "Deutschland".into(),
            phone: "+49 251 98765-0".into(),
            email: "vertrieb@demo-maschinenbau.de".into(),
            website: "demo-maschinenbau.de".into(),
            register: "Amtsgericht Münster HRB 4711".into(),
            managing_directors: "Anna Admin".into(),
            vat_id: "DE123456789".into(),
            bank_name: "Sparkasse Münsterland Ost".into(),
            iban: "DE89370400440532013000".into(),
            bic: "COBADEFFXXX".into(),
        },
    )
    .await
    .map_err(fail("letterhead"))?;
    let mut ids = vec![];
    for (sku, name, unit, minor, tax) in [
        (
            "BP-200",
            "Brunnenpumpe BP 200, Edelstahl",
            "Stk.",
            129_900,
            "19",
        ),
        ("SC-10", "Pumpensteuerung SC 10", "Stk.", 48_500, "19"),
        ("MONT-H", "Montage je Stunde", "Std.", 8_500, "19"),
        ("SCHUL-T", "Schulung vor Ort (Tag)", "Tag", 95_000, "19"),
        ("FB-1", "Fachbuch Brunnenbau", "Stk.", 3_990, "7"),
    ] {
        let p = products::create(
            store,
            admin,
            &ProductInput {
                sku: sku.into(),
                name: name.into(),
                description: None,
                unit: Some(unit.into()),
                list_price: Some(Money::new(minor, "EUR")),
                tax_rate: Some(tax.into()),
                active: Some(true),
            },
        )
        .await
        .map_err(fail("product"))?;
        ids.push(p.id.0);
    }
    let dealers = tandem_app::price_lists::create(
        store,
        admin,
        &tandem_domain::product::PriceListInput {
            name: "Händlerpreise".into(),
            customer_group: "Händler".into(),
        },
    )
    .await
    .map_err(fail("price list"))?;
    tandem_app::price_lists::set_prices(
        store,
        admin,
        dealers.id,
        &[
            (tandem_domain::ProductId(ids[0]), Some(109_900)),
            (tandem_domain::ProductId(ids[1]), Some(41_000)),
        ],
    )
    .await
    .map_err(fail("dealer prices"))?;
    let now = store.now();
    let line = |i: usize, qty: &str, discount: &str| quoting::LineInput {
        product_id: Some(ids[i]),
        quantity: Some(qty.into()),
        discount: Some(discount.into()).filter(|d: &String| !d.is_empty()),
        ..Default::default()
    };
    // Dieter's quote request, answered by Klaus.
    let request = {
        let mut c = store.read().await?;
        tandem_store::requests::list(
            &mut c.conn(),
            ws,
            &tandem_store::requests::Filter {
                assignee: Some(klaus.user.id),
                ..Default::default()
            },
            None,
            10,
        )
        .await?
        .items
        .into_iter()
        .find(|r| r.description.starts_with("Angebot"))
    };
    if let Some(r) = request {
        let q = quotes::create(
            store,
            klaus,
            &quoting::QuoteInput {
                request_id: Some(r.id.0),
                lines: Some(vec![
                    line(0, "2", "12"),
                    line(1, "2", "12"),
                    line(2, "16", ""),
                    line(3, "1", ""),
                ]),
                ..Default::default()
            },
            now,
        )
        .await
        .map_err(fail("quote"))?;
        quotes::request_approval(
            store,
            klaus,
            q.id,
            None,
            Some("Zwei Anlagen, Folgeauftrag für die Wartung in Aussicht."),
            now,
        )
        .await
        .map_err(fail("approval"))?;
    }
    // A sent quote for another of Dieter's companies.
    let account = {
        let mut c = store.read().await?;
        let his = tandem_store::accounts::Filter {
            owner_id: Some(dieter),
            ..Default::default()
        };
        tandem_store::accounts::list(
            &mut c.conn(),
            ws,
            &his,
            tandem_store::Sort::NameAsc,
            3,
            None,
        )
        .await?
        .items
        .into_iter()
        .nth(2)
    };
    if let Some(a) = account {
        let q = quotes::create(
            store,
            klaus,
            &quoting::QuoteInput {
                account_id: Some(a.id.0),
                lines: Some(vec![line(0, "1", "5"), line(2, "4", ""), line(4, "2", "")]),
                ..Default::default()
            },
            now,
        )
        .await
        .map_err(fail("second quote"))?;
        quotes::send(store, klaus, q.id, None, now)
            .await
            .map_err(fail("sending"))?;
    }
    Ok(())
}

const TASKS: [(&str, i64, &str, &str); 6] = [
    ("Angebot nachfassen", -2, "high", "none"),
    ("Muster an den Einkauf schicken", 0, "normal", "none"),
    (
        "Wochenbericht an die Vertriebsleitung",
        0,
        "normal",
        "weekly",
    ),
    ("Besuchsplanung nächste Woche", 3, "normal", "weekly"),
    ("Rahmenvertrag verlängern", 12, "high", "none"),
    ("Messekontakte nachbearbeiten", 0, "low", "none"),
];

/// The sales force of a bigger demo: field and inside reps in regional teams. They share
/// one unknown password (only the people printed above are meant to sign in).
async fn seed_more_users(
    store: &Store,
    ws: WorkspaceId,
    count: usize,
) -> anyhow::Result<Vec<UserId>> {
    const REGIONS: [&str; 8] = [
        "Vertrieb Süd",
        "Vertrieb Nord",
        "Vertrieb West",
        "Vertrieb Ost",
        "Vertrieb Mitte",
        "Vertrieb Bayern",
        "Vertrieb Rhein-Main",
        "Key Accounts",
    ];
    if count == 0 {
        return Ok(vec![]);
    }
    let hash = tandem_app::passwords::hash_password(new_secret(""))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut teams = vec![];
    {
        let mut tx = store.begin().await?;
        let existing = users::teams(&mut tx.conn(), ws).await?;
        for region in REGIONS {
            let id = match existing.iter().find(|t| t.name == region) {
                Some(t) => t.id,
                None => users::create_team(&mut tx.conn(), ws, region, None).await?,
            };
            teams.push(id);
        }
        tx.commit().await?;
    }
    let mut rng = Rng(0x5EED_0000_0000_0007);
    let mut ids = vec![];
    let mut tx = store.begin().await?;
    for i in 0..count {
        let (first, _) = *rng.pick(&FIRST);
        let last = rng.pick(&LAST);
        let name = format!("{first} {last}");
        let email = format!(
            "{}.{i}@demo.tandem.test",
            tandem_domain::text::slugify(&name).replace('-', ".")
        );
        let role = if i % 3 == 2 {
            Role::Inside
        } else {
            Role::Field
        };
        let id = users::create(
            &mut tx.conn(),
            ws,
            users::NewUser {
                email: &email,
                name: &name,
                role,
                team_id: Some(teams[i % teams.len()]),
                locale: Locale::De,
                password_hash: &hash,
                created_by: None,
            },
        )
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// A few open tasks per rep, due around today, so that the task list looks like a day.
async fn seed_tasks(store: &Store, ws: WorkspaceId, owners: &[UserId]) -> anyhow::Result<()> {
    let today = tandem_domain::format::local_date(store.now());
    let mut tx = store.begin().await?;
    for owner in owners {
        for (i, (title, days, priority, recurrence)) in TASKS.iter().enumerate() {
            let input = TaskInput {
                title: title.to_string(),
                due_on: (i != TASKS.len() - 1).then(|| {
                    today
                        .saturating_add(jiff::Span::new().days(*days))
                        .to_string()
                }),
                priority: Some(priority.to_string()),
                assignee_id: Some(*owner),
                recurrence: Some(recurrence.to_string()),
                ..Default::default()
            };
            let data = input.validate().context("demo task invalid")?;
            let id = TaskId::new();
            tasks::insert(&mut tx.conn(), ws, id, &data, Some(*owner)).await?;
            created(&mut tx, ws, "task", id.0, &data).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A small deterministic generator (xorshift), so every demo looks the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const FAMILY: [&str; 24] = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
];
const TRADES: [(&str, &str); 10] = [
    ("Maschinenbau", "Maschinenbau"),
    ("Elektrotechnik", "Elektrotechnik"),
    ("Feinmechanik", "Maschinenbau"),
    ("Lebensmittel", "Lebensmittel"),
    ("Logistik", "Logistik"),
    ("Kunststofftechnik", "Kunststoff"),
    ("Metallbau", "Metallverarbeitung"),
    ("Antriebstechnik", "Maschinenbau"),
    ("Verpackung", "Verpackung"),
    ("Medizintechnik", "Medizintechnik"),
];
const FORMS: [&str; 5] = ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K."];
const TOWNS: [(&str, &str, &str); 16] = [
    ("Stuttgart", "70173", "Königstraße"),
    ("Ulm", "89073", "Hirschstraße"),
    ("Augsburg", "86150", "Maximilianstraße"),
    ("Freiburg im Breisgau", "79098", "Kaiser-Joseph-Straße"),
    ("Regensburg", "93047", "Gesandtenstraße"),
    ("Bielefeld", "33602", "Obernstraße"),
    ("Paderborn", "33098", "Westernstraße"),
    ("Kassel", "34117", "Königsstraße"),
    ("Würzburg", "97070", "Domstraße"),
    ("Heilbronn", "74072", "Kaiserstraße"),
    ("Reutlingen", "72764", "Wilhelmstraße"),
    ("Göttingen", "37073", "Weender Straße"),
    ("Osnabrück", "49074", "Große Straße"),
    ("Chemnitz", "09111", "Straße der Nationen"),
    ("Jena", "07743", "Löbderstraße"),
    ("Lüdenscheid", "58507", "Wilhelmstraße"),
];
const FIRST: [(&str, &str); 16] = [
    ("Anna", "ms"),
    ("Jonas", "mr"),
    ("Sabine", "ms"),
    ("Thomas", "mr"),
    ("Julia", "ms"),
    ("Michael", "mr"),
    ("Katrin", "ms"),
    ("Stefan", "mr"),
    ("Jürgen", "mr"),
    ("Birgit", "ms"),
    ("Lukas", "mr"),
    ("Özlem", "ms"),
    ("Andreas", "mr"),
    ("Claudia", "ms"),
    ("Sören", "mr"),
    ("Maren", "ms"),
];
const LAST: [&str; 16] = [
    "Bergmann",
    "Lange",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
];
const POSITIONS: [&str; 8] = [
    "Geschäftsführung",
    "Einkaufsleitung",
    "Technischer Einkauf",
    "Leitung Instandhaltung",
    "Produktionsleitung",
    "Assistenz der Geschäftsführung",
    "Konstruktion",
    "Qualitätsmanagement",
];
const TAGS: [&str; 6] = [
    "A-Kunde",
    "Messe 2026",
    "Rahmenvertrag",
    "Service",
    "Export",
    "Neukunde",
];

/// The audit row of a record the demo creates.
async fn created<T: serde::Serialize>(
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

fn demo_contact(
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

const SUBJECTS: [(&str, &str); 8] = [
    ("visit", "Besuch: neue Linie vorgestellt"),
    ("visit", "Werksbesuch mit Einkauf und Technik"),
    ("call", "Rückruf wegen Liefertermin"),
    ("call", "Nachfrage zum Angebot"),
    ("meeting", "Jahresgespräch, Rahmenvertrag"),
    ("email", "Unterlagen zur Wartung geschickt"),
    ("note", "Wettbewerber war letzte Woche vor Ort"),
    ("call", "Reklamation aufgenommen"),
];

fn demo_activity(
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

async fn seed_accounts(
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

const DEAL_TITLES: [&str; 10] = [
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
const LOST_REASONS: [(&str, Option<&str>); 4] = [
    ("Preis", Some("DMG Mori")),
    ("Wettbewerber gewählt", Some("Trumpf")),
    ("Kein Budget", None),
    ("Projekt verschoben", None),
];
const SOURCES: [&str; 6] = [
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
fn demo_deal(
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
