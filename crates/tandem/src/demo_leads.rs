//! Demo leads: Miriam's campaigns, a web form, territories for Dieter (south) and Jana
//! (north), and leads at every step — new, qualified, handed over, rejected with a
//! reason, converted — so the campaign report has something to say.

use serde_json::json;
use tandem_app as services;
use tandem_app::Auth;
use tandem_domain::{WorkspaceId, lead_record::LeadInput, money::Money};
use tandem_store::{Store, users};

async fn as_user(store: &Store, ws: WorkspaceId, email: &str) -> anyhow::Result<Auth> {
    let mut c = store.read().await?;
    let user = users::list(&mut c.conn(), ws)
        .await?
        .into_iter()
        .find(|u| u.email == email)
        .ok_or_else(|| anyhow::anyhow!("no demo person {email}"))?;
    Ok(Auth::system(user))
}

fn failed(what: &'static str) -> impl Fn(tandem_app::AppError) -> anyhow::Error {
    move |e| anyhow::anyhow!("demo {what}: {e}")
}

pub async fn seed(store: &Store, ws: WorkspaceId) -> anyhow::Result<()> {
    use services::{campaigns, leads};
    let miriam = as_user(store, ws, "miriam.ott@demo.tandem.test").await?;
    let petra = as_user(store, ws, "petra.schulz@demo.tandem.test").await?;
    let dieter = as_user(store, ws, "dieter.mayer@demo.tandem.test").await?;
    let jana = as_user(store, ws, "jana.krueger@demo.tandem.test").await?;
    let now = store.now();

    let mut policy = leads::settings(store, &petra)
        .await
        .map_err(failed("policy"))?;
    policy.territories = serde_json::from_value(json!([
        {"user_id": dieter.user.id, "postal_from": "70", "postal_to": "89", "states": ["BW", "BY"]},
        {"user_id": jana.user.id, "postal_from": "20", "postal_to": "29", "states": ["HH", "SH", "NI", "HB"]},
    ]))?;
    leads::set_settings(store, &petra, policy)
        .await
        .map_err(failed("policy"))?;

    let campaign = async |name: &str, channel: &str, euros: i64| -> anyhow::Result<_> {
        let input = tandem_domain::campaign::CampaignInput {
            name: name.into(),
            channel: Some(channel.into()),
            starts_on: Some("2026-09-01".into()),
            ends_on: Some("2026-11-30".into()),
            cost: Some(Money::new(euros * 100, "EUR")),
            segment: Some("Brunnenbau und Wasserversorger, 20–500 MA".into()),
            notes: None,
        };
        Ok(campaigns::create(store, &miriam, &input)
            .await
            .map_err(failed("campaign"))?
            .id)
    };
    let fair = campaign("Messe Wasser Berlin 2026", "trade_fair", 12_000).await?;
    let webinar = campaign("Webinar Pumpentechnik", "webinar", 1_500).await?;
    campaign("Newsletter Herbst", "email", 300).await?;
    campaigns::create_form(
        store,
        &miriam,
        &campaigns::FormInput {
            name: "Kontaktformular Website".into(),
            campaign_id: Some(webinar),
            ..campaigns::FormInput::default()
        },
    )
    .await
    .map_err(failed("form"))?;

    let bant = |b: &str| json!({"budget": b, "authority": "Geschäftsführung", "need": "Ersatz der Altanlage", "timing": "Q1 2027"});
    // (first, last, company, postal code, source, campaign, employees, answers)
    let rows = [
        (
            "Jens",
            "Köhler",
            "Brunnenbau Köhler GmbH",
            "80331",
            "trade_fair",
            Some(fair),
            80,
            bant("40.000 €"),
        ),
        (
            "Sven",
            "Hansen",
            "Hansen Wassertechnik KG",
            "20095",
            "trade_fair",
            Some(fair),
            55,
            bant("25.000 €"),
        ),
        (
            "Maria",
            "Lindner",
            "Stadtwerke Lindenau",
            "70173",
            "referral",
            None,
            300,
            bant("120.000 €"),
        ),
        (
            "Tobias",
            "Krämer",
            "Krämer Tiefbau GmbH",
            "24103",
            "trade_fair",
            Some(fair),
            60,
            bant("offen"),
        ),
        (
            "Ute",
            "Vogel",
            "Vogel Pumpen OHG",
            "86150",
            "web_form",
            Some(webinar),
            25,
            bant("15.000 €"),
        ),
        (
            "Heike",
            "Brandt",
            "Brandt Bohrtechnik GmbH",
            "81369",
            "trade_fair",
            Some(fair),
            120,
            bant("60.000 €"),
        ),
        (
            "Lars",
            "Petersen",
            "Petersen & Söhne",
            "22767",
            "web_form",
            Some(webinar),
            12,
            json!({"need": "Beratung"}),
        ),
        (
            "Nina",
            "Wolff",
            "Wolff Agrar GmbH",
            "90402",
            "campaign",
            Some(webinar),
            0,
            json!({}),
        ),
        (
            "Olaf",
            "Richter",
            "Richter Brunnen",
            "10115",
            "other",
            None,
            8,
            json!({}),
        ),
    ];
    let mut ids = vec![];
    for (first, last, company, postal, source, campaign, employees, answers) in rows {
        let input = LeadInput {
            first_name: Some(first.into()),
            last_name: last.into(),
            email: Some(format!(
                "{}@{}.example",
                tandem_domain::text::fold(first),
                tandem_domain::text::fold(last)
            )),
            phone: (employees >= 40).then(|| "0800 123 45 67".to_string()),
            position: (employees >= 20).then(|| "Geschäftsführung".to_string()),
            company: Some(company.into()),
            employees: Some(employees).filter(|e| *e > 0),
            postal_code: Some(postal.into()),
            source: Some(source.into()),
            campaign_id: campaign,
            answers: serde_json::from_value(answers)?,
            ..LeadInput::default()
        };
        ids.push(
            leads::create(store, &miriam, input, now)
                .await
                .map_err(failed("lead"))?
                .id,
        );
    }
    // Köhler and Brandt: handed to Dieter (south), accepted. Hansen: to Jana,
    // rejected as too early. Lindner: with Dieter, still to decide. Krämer: Jana
    // rejects, no budget.
    for i in [0, 5, 1, 2, 3] {
        leads::handoff(store, &miriam, ids[i], None, now)
            .await
            .map_err(failed("handoff"))?;
    }
    for i in [0, 5] {
        leads::accept(store, &dieter, ids[i], &leads::AcceptInput::default(), now)
            .await
            .map_err(failed("accept"))?;
    }
    leads::reject(
        store,
        &jana,
        ids[1],
        Some("too_early"),
        "Erst 2028 wieder Budget – bitte im Nurturing halten.",
        now,
    )
    .await
    .map_err(failed("reject"))?;
    leads::reject(
        store,
        &jana,
        ids[3],
        Some("no_budget"),
        "Kein Budget freigegeben, Entscheidung beim Landkreis.",
        now,
    )
    .await
    .map_err(failed("reject"))?;
    Ok(())
}
