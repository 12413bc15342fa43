//! The quiet slump: a rep's win rate stays below target two weeks running, the manager
//! gets an intervention case with the figures, records a coaching plan, and once the
//! metric has recovered for two weeks the case proposes to close — on both backends,
//! with a manual clock and generated deals. And trust mode: a manager cannot read a
//! rep's activity figures by any route.

use serde_json::{Value, json};
use tandem_domain::{
    AccountId, DealId, Instant, PipelineId, Role, StageId, UserId,
    deal::{DealData, DealStatus},
    money::Money,
    time::{Clock, DAY_MS, HOUR_MS},
};
use tandem_testkit::{ApiClient, TestServer, TestUser, backend_test};

/// Monday 2 November 2026, 09:00 in Berlin (week 45).
pub const W45: Instant = Instant(1_793_606_400_000);
pub const WEEK: i64 = 7 * DAY_MS;

pub async fn first_stage(api: &ApiClient) -> (PipelineId, StageId) {
    let p = api.get("/api/v1/pipelines").await;
    assert_eq!(p.status, 200, "{}", p.body);
    let pipeline = &p.body[0];
    (
        pipeline["id"].as_str().unwrap().parse().unwrap(),
        pipeline["stages"][0]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
    )
}

/// Deals of `owner` closed on the Tuesday of the week starting at `monday`: `won` won,
/// `lost` lost, each 10,000 €, made two weeks earlier.
pub async fn closed_deals(
    server: &TestServer,
    stage: (PipelineId, StageId),
    account: AccountId,
    owner: UserId,
    monday: Instant,
    won: usize,
    lost: usize,
) {
    let closed_at = monday.plus_ms(DAY_MS + 2 * HOUR_MS);
    closed_deals_at(server, stage, account, owner, closed_at, won, lost).await;
}

/// Deals of `owner` closed at `closed_at`: `won` won, `lost` lost, each 10,000 €, made
/// two weeks earlier.
pub async fn closed_deals_at(
    server: &TestServer,
    stage: (PipelineId, StageId),
    account: AccountId,
    owner: UserId,
    closed_at: Instant,
    won: usize,
    lost: usize,
) {
    let items = (0..won + lost)
        .map(|i| {
            let status = if i < won {
                DealStatus::Won
            } else {
                DealStatus::Lost
            };
            let data = deal_data(
                stage,
                account,
                owner,
                status,
                format!("Brunnen {i} ({})", closed_at.0),
            );
            let past = tandem_store::deals::Past {
                created_at: closed_at.plus_ms(-14 * DAY_MS),
                visits: vec![(stage.1, closed_at.plus_ms(-14 * DAY_MS), None)],
                closed_at: Some(closed_at),
            };
            (DealId::new(), data, Some(owner), past)
        })
        .collect();
    let mut tx = server.store.begin().await.unwrap();
    tandem_store::deals::insert_many(&mut tx.conn(), server.workspace, items)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Petra (manager), Rolf and Sven (field) of the team Außendienst Nord.
async fn team_nord(server: &TestServer) -> (TestUser, TestUser, TestUser) {
    (
        server
            .person(Role::Manager, "Außendienst Nord", "Petra Schulz")
            .await,
        server
            .person(Role::Field, "Außendienst Nord", "Rolf Reiter")
            .await,
        server
            .person(Role::Field, "Außendienst Nord", "Sven Sommer")
            .await,
    )
}

/// A deal of 10,000 € in `stage`.
fn deal_data(
    stage: (PipelineId, StageId),
    account: AccountId,
    owner: UserId,
    status: DealStatus,
    title: String,
) -> DealData {
    DealData {
        title,
        account_id: account,
        pipeline_id: stage.0,
        stage_id: stage.1,
        amount: Some(Money::new(1_000_000, "EUR")),
        probability_bp: None,
        forecast_category: None,
        expected_close: None,
        owner_id: Some(owner),
        inside_partner_id: None,
        next_step: None,
        next_step_due: None,
        source: None,
        status,
        lost_reason: None,
        competitor: None,
        contacts: vec![],
        notes: None,
        custom: Default::default(),
    }
}

/// `n` open deals of `owner` that moved from `from` to `to` at `at`.
pub async fn moved_deals(
    server: &TestServer,
    from: (PipelineId, StageId),
    to: StageId,
    account: AccountId,
    owner: UserId,
    at: Instant,
    n: usize,
) {
    let items = (0..n)
        .map(|i| {
            let data = deal_data(
                (from.0, to),
                account,
                owner,
                DealStatus::Open,
                format!("Pumpe {i}"),
            );
            let past = tandem_store::deals::Past {
                created_at: at.plus_ms(-7 * DAY_MS),
                visits: vec![(from.1, at.plus_ms(-7 * DAY_MS), Some(at)), (to, at, None)],
                closed_at: None,
            };
            (DealId::new(), data, Some(owner), past)
        })
        .collect();
    let mut tx = server.store.begin().await.unwrap();
    tandem_store::deals::insert_many(&mut tx.conn(), server.workspace, items)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn my_cases(list: &Value) -> Vec<&Value> {
    list["items"].as_array().unwrap().iter().collect()
}

backend_test! {
    async fn a_slump_opens_a_case_that_proposes_to_close_after_recovery(db) {
        let clock = Clock::manual(W45);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let (petra_user, rolf_user, sven_user) = team_nord(&server).await;
        let petra = server.api_for(&petra_user).await;
        let rolf = server.api_for(&rolf_user).await;
        let sven = server.api_for(&sven_user).await;
        let stage = first_stage(&petra).await;
        let account = petra
            .post("/api/v1/accounts", json!({"name": "Brunnenbau Nord GmbH"}))
            .await;
        assert_eq!(account.status, 201, "{db}: {}", account.body);
        let account: AccountId = account.body["id"].as_str().unwrap().parse().unwrap();

        // Weeks 45 and 46: Rolf wins one deal of five, Sven three of four.
        for week in 0..2 {
            let monday = W45.plus_ms(week * WEEK);
            closed_deals(&server, stage, account, rolf_user.id, monday, 1, 4).await;
            closed_deals(&server, stage, account, sven_user.id, monday, 3, 1).await;
        }
        let rate = petra
            .get(&format!(
                "/api/v1/metrics/win_rate?scope=user:{}&period=2026-W45",
                rolf_user.id
            ))
            .await;
        assert_eq!(rate.status, 200, "{db}: {}", rate.body);
        assert_eq!(rate.body["value"], 2_000, "{db}: 20 % in basis points");

        // Monday of week 47: the job finds the slump of the two weeks before.
        clock.set(W45.plus_ms(2 * WEEK));
        assert!(server.evaluate_interventions().await > 0, "{db}");
        assert_eq!(server.evaluate_interventions().await, 0, "{db}: idempotent");
        let list = petra.get("/api/v1/interventions").await;
        assert_eq!(list.status, 200, "{db}: {}", list.body);
        let cases = my_cases(&list.body);
        assert_eq!(
            cases.len(),
            1,
            "{db}: one case, for Rolf only: {}",
            list.body
        );
        let case = cases[0];
        assert_eq!(case["subject"], format!("user:{}", rolf_user.id), "{db}");
        assert_eq!(case["subject_name"], "Rolf Reiter", "{db}");
        assert_eq!(case["metric"], "win_rate", "{db}");
        assert_eq!(
            case["figures"],
            json!([{"period": "2026-W45", "value": 2000}, {"period": "2026-W46", "value": 2000}]),
            "{db}: the numbers that fired it"
        );
        assert_eq!(
            (case["status"].as_str(), case["proposes_close"].as_bool()),
            (Some("open"), Some(false)),
            "{db}"
        );
        let id = case["id"].as_str().unwrap().to_string();
        let told = petra.get("/api/v1/notifications").await;
        assert!(
            told.body.to_string().contains("Rolf Reiter"),
            "{db}: Petra is told: {}",
            told.body
        );

        // Rolf sees his case; Sven neither sees nor can open it.
        let own = rolf.get("/api/v1/interventions").await;
        assert_eq!(my_cases(&own.body).len(), 1, "{db}: {}", own.body);
        assert!(
            my_cases(&sven.get("/api/v1/interventions").await.body).is_empty(),
            "{db}"
        );
        assert_eq!(
            sven.get(&format!("/api/v1/interventions/{id}"))
                .await
                .status,
            404,
            "{db}"
        );

        // The coaching plan: diagnosis, a measurable goal, check-ins.
        let version = case["version"].as_i64().unwrap();
        let bad = petra
            .patch(
                &format!("/api/v1/interventions/{id}"),
                json!({"version": version, "goals": [{"metric": "win_rate", "target": -1, "by": "2026-11-30"}]}),
            )
            .await;
        assert_eq!(bad.status, 422, "{db}: {}", bad.body);
        assert_eq!(bad.body["errors"][0]["field"], "goals.0.target", "{db}");
        let by_rolf = rolf
            .patch(
                &format!("/api/v1/interventions/{id}"),
                json!({"version": version, "diagnosis": "Alles gut"}),
            )
            .await;
        assert_eq!(by_rolf.status, 403, "{db}: {}", by_rolf.body);
        let plan = petra
            .patch(
                &format!("/api/v1/interventions/{id}"),
                json!({"version": version,
                       "diagnosis": "Angebote gehen ohne Bedarfsanalyse raus.",
                       "plan": "Gemeinsame Besuche bei zwei Kunden, Bedarfsanalyse vor jedem Angebot.",
                       "goals": [{"metric": "win_rate", "target": 3000, "by": "2026-11-30"}],
                       "check_ins": [{"on": "2026-11-23"}, {"on": "2026-11-30", "note": "Zwischenstand"}]}),
            )
            .await;
        assert_eq!(plan.status, 200, "{db}: {}", plan.body);
        assert_eq!(plan.body["goals"][0]["target"], 3000, "{db}");
        assert_eq!(plan.body["check_ins"].as_array().unwrap().len(), 2, "{db}");
        assert_eq!(
            rolf.get(&format!("/api/v1/interventions/{id}")).await.body["diagnosis"],
            "Angebote gehen ohne Bedarfsanalyse raus.",
            "{db}: visible to the rep"
        );

        // Weeks 47 and 48: Rolf recovers (three of four).
        for week in 2..4 {
            let monday = W45.plus_ms(week * WEEK);
            closed_deals(&server, stage, account, rolf_user.id, monday, 3, 1).await;
        }
        // After one good week the case is not yet proposed for closing.
        clock.set(W45.plus_ms(3 * WEEK));
        server.evaluate_interventions().await;
        let c = petra.get(&format!("/api/v1/interventions/{id}")).await;
        assert_eq!(c.body["proposes_close"], false, "{db}: {}", c.body);
        clock.set(W45.plus_ms(4 * WEEK));
        assert!(server.evaluate_interventions().await > 0, "{db}");
        let c = petra.get(&format!("/api/v1/interventions/{id}")).await;
        assert_eq!(
            (
                c.body["proposes_close"].as_bool(),
                c.body["recovered_period"].as_str()
            ),
            (Some(true), Some("2026-W48")),
            "{db}: {}",
            c.body
        );
        let closed = petra
            .post(
                &format!("/api/v1/interventions/{id}/close"),
                json!({"version": c.body["version"]}),
            )
            .await;
        assert_eq!(closed.status, 200, "{db}: {}", closed.body);
        assert_eq!(closed.body["status"], "closed", "{db}");
        assert_eq!(
            server.evaluate_interventions().await,
            0,
            "{db}: not opened again"
        );
        let again = petra
            .post(
                &format!("/api/v1/interventions/{id}/close"),
                json!({"version": closed.body["version"]}),
            )
            .await;
        assert_eq!(again.status, 409, "{db}: {}", again.body);
        server.stop().await;
    }
}

backend_test! {
    async fn in_trust_mode_a_manager_cannot_read_a_reps_activity_by_any_route(db) {
        let server = TestServer::start(&db).await;
        let petra_user = server
            .person(Role::Manager, "Innendienst", "Petra Schulz")
            .await;
        let petra = server.api_for(&petra_user).await;
        let rep_user = server
            .person(Role::Inside, "Innendienst", "Ina Innen")
            .await;
        let rep = server.api_for(&rep_user).await;
        let account = rep
            .post("/api/v1/accounts", json!({"name": "Kunde AG"}))
            .await;
        let account_id = account.body["id"].as_str().unwrap().to_string();
        for i in 0..3 {
            let a = rep
                .post(
                    "/api/v1/activities",
                    json!({"kind": "call", "subject": format!("Anruf {i}"), "account_id": account_id,
                           "key_conversation": i == 0}),
                )
                .await;
            assert_eq!(a.status, 201, "{db}: {}", a.body);
        }
        let scope = format!("user:{}", rep_user.id);
        let settings = petra.get("/api/v1/workspace/settings").await;
        assert_eq!(settings.status, 200, "{db}: {}", settings.body);
        assert_eq!(settings.body["trust_mode"], true, "{db}: on by default");

        // The rep sees her own activity.
        let own = rep
            .get(&format!("/api/v1/metrics/activities?scope={scope}"))
            .await;
        assert_eq!(
            (own.status.as_u16(), own.body["value"].as_i64()),
            (200, Some(3)),
            "{db}: {}",
            own.body
        );
        // The manager: not the single metric, not in the list of all, not in a goal,
        // not as a "team total" of a two-person team, not on the page, not in the CSV.
        for path in [
            format!("/api/v1/metrics/activities?scope={scope}"),
            format!("/api/v1/metrics/key_conversations?scope={scope}&period=2026"),
        ] {
            let r = petra.get(&path).await;
            assert_eq!(r.status, 403, "{db}: {path}: {}", r.body);
        }
        let all = petra.get(&format!("/api/v1/kpis?scope={scope}")).await;
        assert_eq!(all.status, 200, "{db}: {}", all.body);
        let keys: Vec<&str> = all.body["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["metric"].as_str().unwrap())
            .collect();
        assert!(
            keys.contains(&"won_revenue")
                && !keys.contains(&"activities")
                && !keys.contains(&"key_conversations"),
            "{db}: {keys:?}"
        );
        assert_eq!(
            all.body["private"],
            json!(["activities", "key_conversations"]),
            "{db}"
        );
        let by_author = petra
            .get(&format!("/api/v1/activities?created_by={}", rep_user.id))
            .await;
        assert_eq!(by_author.status, 403, "{db}: {}", by_author.body);
        let own_by_author = rep
            .get(&format!("/api/v1/activities?created_by={}", rep_user.id))
            .await;
        assert_eq!(own_by_author.status, 200, "{db}: {}", own_by_author.body);
        let team = rep_user_team(&petra, &rep_user.id.to_string()).await;
        let t = petra
            .get(&format!("/api/v1/metrics/activities?scope=team:{team}"))
            .await;
        assert_eq!(
            t.status, 403,
            "{db}: two people are no anonymous total: {}",
            t.body
        );
        let goal = petra
            .post(
                "/api/v1/goals",
                json!({"kind": "okr", "scope": scope, "period": "2026", "title": "Mehr Kundenkontakt",
                       "key_results": [{"title": "Anrufe", "metric": "activities", "target": 100}]}),
            )
            .await;
        assert_eq!(goal.status, 422, "{db}: activity is no goal: {}", goal.body);
        let web = server.web(&petra_user).await;
        let page = web.get(&format!("/kpis?scope={scope}")).await;
        assert_eq!(page.status, 200, "{db}");
        assert!(
            !page.text.contains("data-metric=\"activities\""),
            "{db}: page hides it"
        );
        let csv = web.get(&format!("/kpis/export.csv?scope={scope}")).await;
        assert_eq!(csv.status, 200, "{db}");
        assert!(
            !csv.text.contains("activities") && csv.text.contains("won_revenue"),
            "{db}: {}",
            csv.text
        );

        // Switched off by an admin, the manager sees it.
        let admin = server.api(Role::Admin).await.0;
        let off = admin
            .patch("/api/v1/workspace/settings", json!({"trust_mode": false}))
            .await;
        assert_eq!(
            (off.status.as_u16(), off.body["trust_mode"].as_bool()),
            (200, Some(false)),
            "{db}: {}",
            off.body
        );
        let by_manager = petra
            .patch("/api/v1/workspace/settings", json!({"trust_mode": true}))
            .await;
        assert_eq!(by_manager.status, 403, "{db}");
        let r = petra
            .get(&format!("/api/v1/metrics/activities?scope={scope}"))
            .await;
        assert_eq!(
            (r.status.as_u16(), r.body["value"].as_i64()),
            (200, Some(3)),
            "{db}: {}",
            r.body
        );
        server.stop().await;
    }
}

async fn rep_user_team(api: &ApiClient, user: &str) -> String {
    let users = api.get("/api/v1/users").await;
    users
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == user)
        .and_then(|u| u["team_id"].as_str())
        .unwrap()
        .to_string()
}

backend_test! {
    async fn metric_queries_and_goals_refuse_bad_input_without_errors(db) {
        let server = TestServer::start(&db).await;
        let (boss, _) = server.api(Role::Manager).await;
        let (rep, rep_user) = server.api(Role::Field).await;
        let catalogue = rep.get("/api/v1/metrics").await;
        assert_eq!(catalogue.status, 200, "{db}");
        let win = catalogue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == "win_rate")
            .unwrap()
            .clone();
        assert_eq!(win["unit"], "ratio", "{db}");
        assert!(
            win["definition"]["de"]
                .as_str()
                .unwrap()
                .contains("Gewonnene Deals"),
            "{db}"
        );
        assert!(
            win["definition"]["en"]
                .as_str()
                .unwrap()
                .contains("Deals won"),
            "{db}"
        );

        // An empty workspace: every figure is a number or explicitly no data.
        let all = boss
            .get("/api/v1/kpis?scope=workspace&period=2026-Q4")
            .await;
        assert_eq!(all.status, 200, "{db}: {}", all.body);
        for f in all.body["figures"].as_array().unwrap() {
            assert!(f["value"].is_null() || f["value"].is_i64(), "{db}: {f}");
        }
        let win_rate = all.body["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["metric"] == "win_rate")
            .unwrap();
        assert_eq!(win_rate["value"], Value::Null, "{db}: no deals, no rate");

        for (path, status, field) in [
            ("/api/v1/metrics/nope", 404, None),
            ("/api/v1/metrics/win_rate?period=1850", 422, Some("period")),
            (
                "/api/v1/metrics/win_rate?period=2026-W60",
                422,
                Some("period"),
            ),
            (
                "/api/v1/metrics/win_rate?period=9999-12",
                422,
                Some("period"),
            ),
            ("/api/v1/metrics/win_rate?scope=galaxy", 422, Some("scope")),
            (
                "/api/v1/metrics/win_rate?scope=team:00000000-0000-0000-0000-000000000000",
                404,
                None,
            ),
        ] {
            let r = boss.get(path).await;
            assert_eq!(r.status, status, "{db}: {path}: {}", r.body);
            if let Some(f) = field {
                assert_eq!(r.body["errors"][0]["field"], f, "{db}: {path}");
            }
        }
        // A rep may not read a colleague's figures.
        let (_, other) = server.api(Role::Field).await;
        let r = rep
            .get(&format!(
                "/api/v1/metrics/won_revenue?scope=user:{}",
                other.id
            ))
            .await;
        assert_eq!(r.status, 403, "{db}");

        // Goals: negative targets, periods far away, unknown metrics; reps may not set them.
        for (body, field) in [
            (
                json!({"scope": "workspace", "period": "2026-Q4", "metric": "won_revenue", "target": -100}),
                "target",
            ),
            (
                json!({"scope": "workspace", "period": "2350", "metric": "won_revenue", "target": 100}),
                "period",
            ),
            (
                json!({"scope": "workspace", "period": "2026", "metric": "happiness", "target": 100}),
                "metric",
            ),
        ] {
            let r = boss.post("/api/v1/goals", body).await;
            assert_eq!(r.status, 422, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}");
        }
        let quota = json!({"scope": format!("user:{}", rep_user.id), "period": "2026-Q4", "metric": "won_revenue", "target": 5_000_000});
        assert_eq!(
            rep.post("/api/v1/goals", quota.clone()).await.status,
            403,
            "{db}"
        );
        let made = boss.post("/api/v1/goals", quota.clone()).await;
        assert_eq!(made.status, 201, "{db}: {}", made.body);
        assert_eq!(
            (
                made.body["value"].as_i64(),
                made.body["attainment_bp"].as_i64()
            ),
            (Some(0), Some(0)),
            "{db}"
        );
        let twice = boss.post("/api/v1/goals", quota).await;
        assert_eq!(
            twice.status, 422,
            "{db}: one quota per metric: {}",
            twice.body
        );
        assert_eq!(twice.body["errors"][0]["field"], "metric", "{db}");
        let mine = rep.get("/api/v1/goals?period=2026-Q4").await;
        assert_eq!(
            mine.body["items"].as_array().unwrap().len(),
            1,
            "{db}: the rep sees his quota"
        );
        // Coverage with a quota but no pipeline: zero, not NaN.
        let cov = rep
            .get("/api/v1/metrics/pipeline_coverage?period=2026-Q4")
            .await;
        assert_eq!(cov.status, 200, "{db}: {}", cov.body);
        assert!(
            cov.body["value"] == 0 || cov.body["value"].is_null(),
            "{db}: {}",
            cov.body
        );

        // Rules: impossible thresholds and zero-length periods.
        for (body, field) in [
            (
                json!({"name": "x", "metric": "win_rate", "condition": {"kind": "below", "threshold": 50_000, "periods": 2}}),
                "condition.threshold",
            ),
            (
                json!({"name": "x", "metric": "win_rate", "condition": {"kind": "below", "threshold": 2500, "periods": 0}}),
                "condition.periods",
            ),
            (
                json!({"name": "x", "metric": "open_pipeline", "condition": {"kind": "drop_vs_average", "percent": 0, "periods": 4}}),
                "condition.percent",
            ),
            (
                json!({"name": "x", "metric": "win_rate", "period": "day", "condition": {"kind": "below", "threshold": 2500, "periods": 2}}),
                "period",
            ),
        ] {
            let r = boss.post("/api/v1/intervention-rules", body).await;
            assert_eq!(r.status, 422, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
        }
        let garbage = boss
            .post(
                "/api/v1/intervention-rules",
                json!({"name": "x", "metric": "win_rate", "condition": {"kind": "sideways"}}),
            )
            .await;
        assert_eq!(garbage.status, 422, "{db}: {}", garbage.body);
        assert_eq!(
            rep.get("/api/v1/intervention-rules").await.status,
            403,
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    /// A team's figures are the sum of its people's, the company's those of everybody,
    /// and a finished period keeps the figures the nightly job counted for it until
    /// the next night counts it again.
    async fn scopes_add_up_and_finished_periods_keep_their_nightly_figures(db) {
        let clock = Clock::manual(W45);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let (petra_user, rolf_user, sven_user) = team_nord(&server).await;
        let petra = server.api_for(&petra_user).await;
        let ina_user = server
            .person(Role::Inside, "Innendienst", "Ina Innen")
            .await;
        let team = rep_user_team(&petra, &rolf_user.id.to_string()).await;
        let stage = first_stage(&petra).await;
        let account = petra
            .post("/api/v1/accounts", json!({"name": "Pumpen Nord GmbH"}))
            .await;
        assert_eq!(account.status, 201, "{db}: {}", account.body);
        let account: AccountId = account.body["id"].as_str().unwrap().parse().unwrap();
        closed_deals(&server, stage, account, rolf_user.id, W45, 1, 4).await;
        closed_deals(&server, stage, account, sven_user.id, W45, 3, 1).await;
        closed_deals(&server, stage, account, ina_user.id, W45, 2, 0).await;
        // Two of Sven's deals moved on from the first stage in week 45.
        let pipelines = petra.get("/api/v1/pipelines").await;
        let second: StageId = pipelines.body[0]["stages"][1]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        moved_deals(
            &server,
            stage,
            second,
            account,
            sven_user.id,
            W45.plus_ms(DAY_MS),
            2,
        )
        .await;
        // Sven expects two more to close in week 45: a sure one and a likely one.
        for (minor, p) in [(5_500_000, 8_000), (3_300_000, 4_000)] {
            let d = petra
                .post(
                    "/api/v1/deals",
                    json!({"title": format!("Anlage {p}"), "account_id": account.to_string(),
                        "owner_id": sven_user.id.to_string(), "expected_close": "2026-11-05",
                        "probability_bp": p, "amount": {"minor": minor, "currency": "EUR"}}),
                )
                .await;
            assert_eq!(d.status, 201, "{db}: {}", d.body);
        }

        let value = |metric: &'static str, scope: String| {
            let petra = &petra;
            async move {
                let r = petra
                    .get(&format!(
                        "/api/v1/metrics/{metric}?scope={scope}&period=2026-W45"
                    ))
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
                r.body["value"].as_i64()
            }
        };
        // Week 46: week 45 is counted from the deals.
        clock.set(W45.plus_ms(WEEK + HOUR_MS));
        let team_scope = format!("team:{team}");
        let rolf = format!("user:{}", rolf_user.id);
        assert_eq!(
            value("deals_won", team_scope.clone()).await,
            Some(4),
            "{db}"
        );
        assert_eq!(value("deals_won", rolf.clone()).await, Some(1), "{db}");
        assert_eq!(
            value("deals_won", "workspace".into()).await,
            Some(6),
            "{db}"
        );
        // 4 won of 9 closed in the team.
        assert_eq!(
            value("win_rate", team_scope.clone()).await,
            Some(4_444),
            "{db}"
        );
        assert_eq!(
            value("won_revenue", team_scope.clone()).await,
            Some(4_000_000),
            "{db}"
        );

        // The night's job records week 45 with the same figures.
        assert!(server.snapshot_kpis().await > 0, "{db}");
        assert_eq!(
            value("deals_won", team_scope.clone()).await,
            Some(4),
            "{db}"
        );
        assert_eq!(value("win_rate", rolf.clone()).await, Some(2_000), "{db}");
        // A deal filed late for week 45 counts from the next night on.
        closed_deals(&server, stage, account, rolf_user.id, W45, 1, 0).await;
        assert_eq!(value("deals_won", rolf.clone()).await, Some(1), "{db}");
        clock.set(W45.plus_ms(WEEK + DAY_MS + HOUR_MS));
        assert!(server.snapshot_kpis().await > 0, "{db}");
        assert_eq!(value("deals_won", rolf.clone()).await, Some(2), "{db}");
        assert_eq!(
            value("deals_won", team_scope.clone()).await,
            Some(5),
            "{db}"
        );

        // The manager compares the team's people side by side; Ina is in another team.
        let web = server.web(&petra_user).await;
        let page = web
            .get(&format!("/kpis/team?scope={team_scope}&period=2026-W45"))
            .await;
        assert_eq!(page.status, 200, "{db}");
        assert!(
            page.text.contains("Rolf Reiter")
                && page.text.contains("Sven Sommer")
                && !page.text.contains("Ina Innen"),
            "{db}: {}",
            page.text
        );
        // The forecast: what Sven won, and what he expects as commit and best case.
        let forecast = page
            .text
            .split("forecast-table")
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .unwrap_or_default()
            .to_string();
        let sven_row = forecast
            .split("<tr>")
            .find(|r| r.contains("Sven Sommer"))
            .unwrap_or_default();
        assert!(
            sven_row.contains("55.000,00") && sven_row.contains("33.000,00"),
            "{db}: {forecast}"
        );
        // The funnel: the first stage was left twice, both times onwards.
        let funnel = page
            .text
            .split("funnel-table")
            .nth(1)
            .unwrap_or_default()
            .to_string();
        assert!(
            funnel.contains(">2</td>") && funnel.contains("100 %"),
            "{db}: {funnel}"
        );
        let csv = web
            .get(&format!(
                "/kpis/team/export.csv?scope={team_scope}&period=2026-W45"
            ))
            .await;
        assert_eq!(csv.status, 200, "{db}");
        let lines: Vec<&str> = csv.text.lines().collect();
        assert!(
            lines[0].contains("won_revenue;deals_won;win_rate"),
            "{db}: {}",
            csv.text
        );
        let line = |name: &str| {
            lines
                .iter()
                .find(|l| l.starts_with(name))
                .map(|l| l.split(';').map(str::to_string).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        // Rolf: 2 won (20,000 €) of 6 closed; the team: 5 won of 10.
        assert_eq!(line("Rolf Reiter")[2..5], ["2000000", "2", "3333"], "{db}");
        assert_eq!(line("Gesamt")[2..5], ["5000000", "5", "5000"], "{db}");
        // Only Rolf has a quota for the week (40,000 €; he won 20,000 €): the team's
        // attainment is his, not everybody's wins against his quota; Sven shows none.
        let petra = server.api_for(&petra_user).await;
        let quota = json!({"scope": rolf.clone(), "period": "2026-W45",
            "metric": "won_revenue", "target": 4_000_000});
        assert_eq!(petra.post("/api/v1/goals", quota).await.status, 201, "{db}");
        let page = web
            .get(&format!("/kpis/team?scope={team_scope}&period=2026-W45"))
            .await;
        assert_eq!(
            page.select_text("table tfoot td.attain").as_deref(),
            Some("50 %"),
            "{db}"
        );
        let sven_quota = page
            .select_all_text("table tbody tr")
            .into_iter()
            .find(|r| r.contains("Sven Sommer"))
            .unwrap_or_default();
        assert!(sven_quota.contains("keine Quote"), "{db}: {sven_quota}");
        // The whole company: Ina too.
        let all = web.get("/kpis/team?scope=workspace&period=2026-W45").await;
        assert!(all.text.contains("Ina Innen"), "{db}");
        // Reps and bad scopes are refused.
        let rolf_web = server.web(&rolf_user).await;
        let refused = rolf_web.get("/kpis/team").await;
        assert_eq!(refused.status, 403, "{db}");
        let bad = web.get(&format!("/kpis/team?scope={rolf}")).await;
        assert_eq!(bad.status, 422, "{db}");
        let unknown = web.get("/kpis/team?scope=team:nonsense").await;
        assert_eq!(unknown.status, 422, "{db}");
    }
}

/// How many reports of week 45 `api`'s user may read.
async fn listed(api: &ApiClient) -> usize {
    let r = api.get("/api/v1/weekly-reports?week=2026-W45").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["items"].as_array().unwrap().len()
}

backend_test! {
    /// Rolf drafts his weekly report from his figures, publishes it to his team and
    /// withdraws it again; a draft is his alone, another team never reads it.
    async fn a_rep_writes_and_shares_a_weekly_report(db) {
        let clock = Clock::manual(W45.plus_ms(3 * DAY_MS));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let (petra_user, rolf_user, sven_user) = team_nord(&server).await;
        let ina_user = server
            .person(Role::Inside, "Innendienst", "Ina Innen")
            .await;
        let petra = server.api_for(&petra_user).await;
        let rolf = server.api_for(&rolf_user).await;
        let sven = server.api_for(&sven_user).await;
        let ina = server.api_for(&ina_user).await;
        let stage = first_stage(&petra).await;
        let account = petra
            .post("/api/v1/accounts", json!({"name": "Rohrbau Nord GmbH"}))
            .await;
        let account: AccountId = account.body["id"].as_str().unwrap().parse().unwrap();
        closed_deals(&server, stage, account, rolf_user.id, W45, 3, 1).await;

        // The page drafts the report from Rolf's own figures of the week.
        let web = server.web(&rolf_user).await;
        let page = web.get("/kpis/report").await;
        assert_eq!(page.status, 200, "{db}");
        assert!(
            page.text.contains("Gewonnene Deals: 3") && page.text.contains("Was gut lief:"),
            "{db}: {}",
            page.text
        );
        let mine = rolf.get("/api/v1/weekly-reports/mine?week=2026-W45").await;
        assert_eq!(mine.status, 404, "{db}: nothing saved yet");

        // Empty text and wrong weeks are refused; a draft is his alone.
        let empty = rolf
            .put(
                "/api/v1/weekly-reports/mine?week=2026-W45",
                json!({"body": "  "}),
            )
            .await;
        assert_eq!(empty.status, 422, "{db}");
        assert_eq!(
            empty.body["errors"][0]["field"], "body",
            "{db}: {}",
            empty.body
        );
        let month = rolf
            .put(
                "/api/v1/weekly-reports/mine?week=2026-11",
                json!({"body": "x"}),
            )
            .await;
        assert_eq!(month.status, 422, "{db}");
        let draft = rolf
            .put(
                "/api/v1/weekly-reports/mine?week=2026-W45",
                json!({"body": "Drei Abschlüsse bei Rohrbau Nord."}),
            )
            .await;
        assert_eq!(draft.status, 200, "{db}: {}", draft.body);
        assert!(draft.body["published_at"].is_null(), "{db}");
        assert_eq!(listed(&sven).await, 0, "{db}: a draft is not shared");

        // Published through the page: his team and the manager read it, Ina does not.
        let csrf = web.get("/kpis/report?week=2026-W45").await.csrf();
        let version = draft.body["version"].as_i64().unwrap().to_string();
        let sent = web
            .post_form(
                "/kpis/report",
                &csrf,
                &[
                    ("week", "2026-W45"),
                    ("version", &version),
                    (
                        "body",
                        "Drei Abschlüsse bei Rohrbau Nord.\nNächste Woche: Messe.",
                    ),
                    ("action", "publish"),
                ],
            )
            .await;
        assert_eq!(sent.status, 200, "{db}");
        assert!(
            sent.text.contains("Der Bericht ist veröffentlicht."),
            "{db}"
        );
        assert_eq!(listed(&sven).await, 1, "{db}");
        assert_eq!(listed(&petra).await, 1, "{db}");
        assert_eq!(listed(&ina).await, 0, "{db}: another team");
        let shared = sven.get("/api/v1/weekly-reports?week=2026-W45").await;
        assert_eq!(shared.body["items"][0]["author"], "Rolf Reiter", "{db}");
        assert!(
            server
                .web(&sven_user)
                .await
                .get("/kpis/report?week=2026-W45")
                .await
                .text
                .contains("Nächste Woche: Messe."),
            "{db}: on the page too"
        );

        // A stale version is refused; withdrawn, it is a draft again.
        let stale = rolf
            .put(
                "/api/v1/weekly-reports/mine?week=2026-W45",
                json!({"body": "alt", "version": 1}),
            )
            .await;
        assert_eq!(stale.status, 409, "{db}: {}", stale.body);
        let back = rolf
            .put(
                "/api/v1/weekly-reports/mine?week=2026-W45",
                json!({"body": "Drei Abschlüsse.", "published": false}),
            )
            .await;
        assert_eq!(back.status, 200, "{db}: {}", back.body);
        assert_eq!(listed(&sven).await, 0, "{db}");
        let bad = web.get("/kpis/report?week=2026-13").await;
        assert_eq!(bad.status, 422, "{db}");
    }
}

backend_test! {
    /// A rule for each team: the team whose win rate stays below 30 % two weeks running
    /// gets one case, with the team's figures, that its members can read; the other team
    /// gets none and cannot read it. Running the job again opens nothing more.
    async fn a_team_rule_opens_one_case_for_the_slumping_team_only(db) {
        let clock = Clock::manual(W45);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let (petra_user, rolf_user, sven_user) = team_nord(&server).await;
        let otto_user = server
            .person(Role::Field, "Außendienst Süd", "Otto Oster")
            .await;
        let petra = server.api_for(&petra_user).await;
        let nord = rep_user_team(&petra, &rolf_user.id.to_string()).await;
        let sued = rep_user_team(&petra, &otto_user.id.to_string()).await;
        let stage = first_stage(&petra).await;
        let account = petra
            .post("/api/v1/accounts", json!({"name": "Wasserwerk Mitte"}))
            .await;
        let account: AccountId = account.body["id"].as_str().unwrap().parse().unwrap();
        for week in 0..2 {
            let monday = W45.plus_ms(week * WEEK);
            // Nord: 2 won of 10 (20 %); Süd: 3 won of 4 (75 %).
            closed_deals(&server, stage, account, rolf_user.id, monday, 1, 4).await;
            closed_deals(&server, stage, account, sven_user.id, monday, 1, 4).await;
            closed_deals(&server, stage, account, otto_user.id, monday, 3, 1).await;
        }
        let rule = petra
            .post(
                "/api/v1/intervention-rules",
                json!({"name": "Team-Abschlussquote", "metric": "win_rate", "applies_to": "each_team",
                       "period": "week", "condition": {"kind": "below", "threshold": 3000, "periods": 2}}),
            )
            .await;
        assert_eq!(rule.status, 201, "{db}: {}", rule.body);
        clock.set(W45.plus_ms(2 * WEEK + HOUR_MS));
        assert!(server.evaluate_interventions().await > 0, "{db}");
        let team_cases = |api: ApiClient| async move {
            let all = api.get("/api/v1/interventions").await;
            assert_eq!(all.status, 200, "{}", all.body);
            all.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["rule_name"] == "Team-Abschlussquote")
                .cloned()
                .collect::<Vec<Value>>()
        };
        let cases = team_cases(server.api_for(&petra_user).await).await;
        assert_eq!(cases.len(), 1, "{db}: {cases:?}");
        let case = &cases[0];
        assert_eq!(case["subject"], format!("team:{nord}"), "{db}");
        assert_eq!(case["subject_name"], "Außendienst Nord", "{db}");
        let figures: Vec<Value> = case["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["value"].clone())
            .collect();
        assert_eq!(figures, [json!(2_000), json!(2_000)], "{db}: {case}");
        assert_ne!(case["subject"], format!("team:{sued}"), "{db}");
        // The team reads its case; the other team does not even see it.
        let id = case["id"].as_str().unwrap();
        let rolf = server.api_for(&rolf_user).await;
        assert_eq!(
            rolf.get(&format!("/api/v1/interventions/{id}"))
                .await
                .status,
            200,
            "{db}"
        );
        let otto = server.api_for(&otto_user).await;
        assert_eq!(
            otto.get(&format!("/api/v1/interventions/{id}"))
                .await
                .status,
            404,
            "{db}"
        );
        assert!(team_cases(otto).await.is_empty(), "{db}");
        // The manager hears of it.
        let told = petra.get("/api/v1/notifications").await.body.to_string();
        assert!(told.contains("Außendienst Nord"), "{db}: {told}");
        // Idempotent.
        server.evaluate_interventions().await;
        assert_eq!(
            team_cases(server.api_for(&petra_user).await).await.len(),
            1,
            "{db}"
        );
        // The rule is deleted; its case keeps the rule's name, marked as deleted.
        let rule_id = rule.body["id"].as_str().unwrap();
        assert_eq!(
            petra
                .delete(&format!("/api/v1/intervention-rules/{rule_id}"))
                .await
                .status,
            204,
            "{db}"
        );
        let page = server
            .web(&petra_user)
            .await
            .get(&format!("/interventions/{id}"))
            .await;
        assert_eq!(
            page.select_text(".pagehead h1").as_deref(),
            Some("Team-Abschlussquote (Regel gelöscht)"),
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_rule_on_private_activity_figures_is_refused_in_trust_mode(db) {
        let server = TestServer::start(&db).await;
        let petra_user = server
            .person(Role::Manager, "Innendienst", "Petra Schulz")
            .await;
        let petra = server.api_for(&petra_user).await;
        // The first run of the rules makes the standard ones.
        server.evaluate_interventions().await;
        let rule = |applies_to: &str| {
            json!({"name": "Wenig Anrufe", "metric": "activities", "applies_to": applies_to,
                   "period": "week", "condition": {"kind": "below", "threshold": 10, "periods": 2}})
        };
        let refused = petra
            .post("/api/v1/intervention-rules", rule("each_user"))
            .await;
        assert_eq!(refused.status, 422, "{db}: {}", refused.body);
        assert_eq!(refused.body["errors"][0]["field"], "metric", "{db}");
        assert_eq!(
            refused.body["errors"][0]["code"], "private_in_trust_mode",
            "{db}"
        );
        let (admin, _) = server.api(Role::Admin).await;
        admin
            .patch("/api/v1/workspace/settings", json!({"trust_mode": false}))
            .await;
        let allowed = petra
            .post("/api/v1/intervention-rules", rule("each_user"))
            .await;
        assert_eq!(allowed.status, 201, "{db}: {}", allowed.body);
        // The standard rules read in one language.
        let names: Vec<String> = petra.get("/api/v1/intervention-rules").await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        assert!(
            names.contains(&"Abschlussquote unter Ziel".to_string())
                && names.iter().all(|n| !n.contains(" / ")),
            "{db}: {names:?}"
        );
        server.stop().await;
    }
}
