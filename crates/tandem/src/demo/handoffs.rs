//! Requests between field and inside sales, some overdue.

use super::*;

/// Dieter and Klaus work as a tandem with Sabine as Klaus's deputy; Dieter and Jana
/// have asked inside sales for a few things (Jana has no tandem: hers wait in the
/// queue).
pub(super) async fn seed_handoffs(
    store: &Store,
    ws: WorkspaceId,
    people: &[UserId],
) -> anyhow::Result<()> {
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
