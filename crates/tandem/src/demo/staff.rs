//! More users (the large sizes) and their tasks.

use super::*;

pub(super) const TASKS: [(&str, i64, &str, &str); 6] = [
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
pub(super) async fn seed_more_users(
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
pub(super) async fn seed_tasks(
    store: &Store,
    ws: WorkspaceId,
    owners: &[UserId],
) -> anyhow::Result<()> {
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
