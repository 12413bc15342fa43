//! Demo goals: this quarter's revenue quotas for the company, Dieter and Jana, an OKR
//! for the field team and Dieter's published report of last week; then the default intervention rules over the generated
//! deals and the first KPI snapshot, so the metric pages have something to show.

use tandem_app as services;
use tandem_app::Auth;
use tandem_domain::{
    WorkspaceId,
    format::local_date,
    goals::{GoalInput, KeyResultInput},
    metrics::{Period, PeriodKind, Scope},
};
use tandem_store::{Store, users};

pub async fn seed(store: &Store, ws: WorkspaceId) -> anyhow::Result<()> {
    let now = store.now();
    let quarter = Period::containing(PeriodKind::Quarter, local_date(now)).key();
    let people = {
        let mut c = store.read().await?;
        users::list(&mut c.conn(), ws).await?
    };
    let find = |email: &str| people.iter().find(|u| u.email == email);
    let (Some(petra), Some(dieter), Some(jana)) = (
        find("petra.schulz@demo.tandem.test"),
        find("dieter.mayer@demo.tandem.test"),
        find("jana.krueger@demo.tandem.test"),
    ) else {
        anyhow::bail!("demo goals: the demo people are missing");
    };
    let petra = Auth::system(petra.clone());
    let quota = |scope: Scope, euros: i64| GoalInput {
        kind: Some("quota".into()),
        scope: scope.key(),
        period: quarter.clone(),
        metric: Some("won_revenue".into()),
        target: Some(euros * 100),
        ..GoalInput::default()
    };
    let failed = |e: tandem_app::AppError| anyhow::anyhow!("demo goal: {e}");
    for input in [
        quota(Scope::Workspace, 2_500_000),
        quota(Scope::User(dieter.id), 600_000),
        quota(Scope::User(jana.id), 450_000),
    ] {
        services::goals::create(store, &petra, &input, now)
            .await
            .map_err(failed)?;
    }
    if let Some(team) = dieter.team_id {
        let okr = GoalInput {
            kind: Some("okr".into()),
            scope: Scope::Team(team).key(),
            period: quarter.clone(),
            title: Some("Mehr Neukunden im Süden / More new customers in the south".into()),
            key_results: vec![
                KeyResultInput {
                    title: "Neukunden".into(),
                    metric: Some("new_customers".into()),
                    target: 12,
                    current: None,
                },
                KeyResultInput {
                    title: "Abschlussquote".into(),
                    metric: Some("win_rate".into()),
                    target: 3_500,
                    current: None,
                },
                KeyResultInput {
                    title: "Referenzbesuche".into(),
                    metric: None,
                    target: 8,
                    current: Some(3),
                },
            ],
            ..GoalInput::default()
        };
        services::goals::create(store, &petra, &okr, now)
            .await
            .map_err(failed)?;
    }
    let last_week = Period::containing(PeriodKind::Week, local_date(now)).previous();
    services::reports::save(
        store,
        &Auth::system(dieter.clone()),
        &last_week,
        tandem_domain::goals::ReportInput {
            body: "Zwei Angebote an Brunnenbau Süd verschickt, ein Abschluss bei den \
                   Stadtwerken. Die Messe in Augsburg brachte vier neue Kontakte.\n\n\
                   Nächste Woche: Angebot Pumpwerk Nord nachfassen, zwei Besuche mit Sabine."
                .into(),
        },
        None,
        services::reports::Sharing::Publish,
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo report: {e}"))?;
    services::metrics::snapshot_all(store, now)
        .await
        .map_err(|e| anyhow::anyhow!("demo snapshots: {e}"))?;
    services::interventions::evaluate(store, now)
        .await
        .map_err(|e| anyhow::anyhow!("demo interventions: {e}"))?;
    Ok(())
}
