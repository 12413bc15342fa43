//! The role dashboards: a rep's own (attainment, forecast by category, pipeline, next
//! steps) and marketing's (the lead funnel, the trend and campaign ROI), and the
//! forecast category a rep sets on a deal — on both backends.

use crate::interventions::{W45, closed_deals, first_stage};
use serde_json::{Value, json};
use tandem_domain::{
    AccountId, Role,
    metrics::{Period, PeriodKind},
    time::Clock,
};
use tandem_testkit::{ApiClient, TestServer, backend_test};

async fn deal(api: &ApiClient, body: Value) -> String {
    let r = api.post("/api/v1/deals", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_string()
}

backend_test! {
    /// Rolf won 20,000 € this quarter against a quota of 100,000 €; of his open deals
    /// closing this quarter 40,000 € are commit by probability and 30,000 € because he
    /// put the deal there, 20,000 € pipeline, and 50,000 € he left out of the forecast.
    async fn a_rep_sees_attainment_forecast_pipeline_and_next_steps(db) {
        // Thursday of week 45.
        let clock = Clock::manual(W45.plus_ms(3 * tandem_domain::time::DAY_MS));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let petra_user = server
            .person(Role::Manager, "Außendienst Nord", "Petra Schulz")
            .await;
        let rolf_user = server
            .person(Role::Field, "Außendienst Nord", "Rolf Reiter")
            .await;
        let sven_user = server
            .person(Role::Field, "Außendienst Nord", "Sven Sommer")
            .await;
        let petra = server.api_for(&petra_user).await;
        let rolf = server.api_for(&rolf_user).await;
        let stage = first_stage(&petra).await;
        let account = petra
            .post("/api/v1/accounts", json!({"name": "Brunnenbau Nord GmbH"}))
            .await;
        let account_id = account.body["id"].as_str().unwrap().to_string();
        let account: AccountId = account_id.parse().unwrap();
        closed_deals(&server, stage, account, rolf_user.id, W45, 2, 1).await;
        let quota = json!({"scope": format!("user:{}", rolf_user.id), "period": "2026-Q4",
            "metric": "won_revenue", "target": 10_000_000});
        assert_eq!(petra.post("/api/v1/goals", quota).await.status, 201, "{db}");
        // The manager's comparison opens on the quarter the quotas are set for.
        let team = server.web(&petra_user).await.get("/kpis/team").await;
        assert_eq!(
            team.select_text(".pagehead .lead").as_deref(),
            Some("Q4 2026"),
            "{db}"
        );

        let open = |title: &str, minor: i64, close: &str, extra: Value| {
            let mut body = json!({"title": title, "account_id": account_id, "expected_close": close,
                "amount": {"minor": minor, "currency": "EUR"}});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            body
        };
        let sure = deal(
            &rolf,
            open(
                "Bohranlage",
                4_000_000,
                "2026-11-20",
                json!({"probability_bp": 8_000, "next_step": "Angebot nachfassen",
                       "next_step_due": "2026-11-04"}),
            ),
        )
        .await;
        let put = deal(
            &rolf,
            open(
                "Pumpenstation",
                3_000_000,
                "2026-12-10",
                json!({"probability_bp": 1_000, "forecast_category": "commit"}),
            ),
        )
        .await;
        deal(
            &rolf,
            open("Filteranlage", 2_000_000, "2026-12-01", json!({})),
        )
        .await;
        let omitted = deal(
            &rolf,
            open(
                "Großprojekt Stadtwerke",
                5_000_000,
                "2026-12-15",
                json!({"forecast_category": "omitted"}),
            ),
        )
        .await;
        // Next quarter's deal and Sven's next step are not on Rolf's dashboard.
        deal(
            &rolf,
            open("Wartungsvertrag", 9_000_000, "2027-02-01", json!({})),
        )
        .await;
        let sven = server.api_for(&sven_user).await;
        deal(
            &sven,
            open(
                "Sven Anlage",
                1_000_000,
                "2026-11-30",
                json!({"next_step": "Sven ruft an", "next_step_due": "2026-11-05"}),
            ),
        )
        .await;

        // The deal says which category counts.
        let shown = rolf.get(&format!("/api/v1/deals/{sure}")).await.body;
        assert_eq!(
            (
                shown["forecast_category"].clone(),
                shown["effective_forecast_category"].clone()
            ),
            (Value::Null, json!("commit")),
            "{db}: {shown}"
        );
        let shown = rolf.get(&format!("/api/v1/deals/{put}")).await.body;
        assert_eq!(
            shown["effective_forecast_category"], "commit",
            "{db}: {shown}"
        );
        let shown = rolf.get(&format!("/api/v1/deals/{omitted}")).await.body;
        assert_eq!(shown["forecast_category"], "omitted", "{db}: {shown}");
        // A made-up category is refused and changes nothing.
        let bad = rolf
            .patch(
                &format!("/api/v1/deals/{omitted}"),
                json!({"version": shown["version"], "forecast_category": "sure"}),
            )
            .await;
        assert_eq!(bad.status, 422, "{db}: {}", bad.body);
        assert_eq!(bad.body["errors"][0]["field"], "forecast_category", "{db}");
        let after = rolf.get(&format!("/api/v1/deals/{omitted}")).await.body;
        assert_eq!(after["version"], shown["version"], "{db}");

        // The forecast through the API: his own, and the manager's per person.
        let mine = rolf.get("/api/v1/forecast?scope=me&period=2026-Q4").await;
        assert_eq!(mine.status, 200, "{db}: {}", mine.body);
        let t = &mine.body["total"];
        assert_eq!(
            [
                &t["won_minor"],
                &t["commit_minor"],
                &t["best_case_minor"],
                &t["pipeline_minor"],
                &t["quota_minor"],
                &t["attainment_bp"]
            ],
            [
                &json!(2_000_000),
                &json!(7_000_000),
                &json!(0),
                &json!(2_000_000),
                &json!(10_000_000),
                &json!(2_000)
            ],
            "{db}: {}",
            mine.body
        );
        let team = petra
            .get(&format!(
                "/api/v1/forecast?scope=user:{}&period=2026-Q4",
                rolf_user.id
            ))
            .await;
        assert_eq!(team.body["total"]["commit_minor"], 7_000_000, "{db}");
        let whole = petra
            .get("/api/v1/forecast?scope=workspace&period=2026-Q4")
            .await;
        assert_eq!(whole.status, 200, "{db}: {}", whole.body);
        let rolf_line = whole.body["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == "Rolf Reiter")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            rolf_line["pipeline_minor"], 2_000_000,
            "{db}: {}",
            whole.body
        );
        assert_eq!(
            whole.body["total"]["commit_minor"], 7_000_000,
            "{db}: Sven's deal is pipeline"
        );
        let refused = rolf
            .get(&format!("/api/v1/forecast?scope=user:{}", sven_user.id))
            .await;
        assert_eq!(refused.status, 403, "{db}");
        let refused = rolf.get("/api/v1/forecast?scope=workspace").await;
        assert_eq!(refused.status, 403, "{db}");
        let bad = rolf.get("/api/v1/forecast?period=2026-Q9").await;
        assert_eq!(bad.status, 422, "{db}");

        // The dashboard page.
        let web = server.web(&rolf_user).await;
        let page = web.get("/kpis/mine?period=2026-Q4").await;
        assert_eq!(page.status, 200, "{db}: {}", page.text);
        assert_eq!(
            page.select_all_text("#forecast-table td"),
            [
                "20.000,00 €",
                "70.000,00 €",
                "0,00 €",
                "20.000,00 €",
                "100.000,00 €"
            ],
            "{db}"
        );
        assert!(
            page.select_text("#attainment")
                .unwrap_or_default()
                .contains("20 %"),
            "{db}: {:?}",
            page.select_text("#attainment")
        );
        assert_eq!(
            page.select_all_text("#next-steps td.overdue"),
            ["04.11.2026"],
            "{db}: his overdue step, not Sven's"
        );
        assert!(
            page.select_text("#next-steps tbody")
                .unwrap_or_default()
                .contains("Angebot nachfassen"),
            "{db}"
        );
        let closing: Vec<String> = page
            .select_all_text("#closing tbody td:first-child a")
            .into_iter()
            .collect();
        assert_eq!(
            closing,
            [
                "Großprojekt Stadtwerke",
                "Bohranlage",
                "Pumpenstation",
                "Filteranlage"
            ],
            "{db}: this quarter's, the largest first"
        );
        assert!(
            page.select_text("#closing tbody tr")
                .unwrap_or_default()
                .contains("Nicht in der Prognose"),
            "{db}"
        );
        // All five open deals are in the first stage (5 %): 230,000 €, weighted 40,000 €
        // at 80 % + 30,000 € at 10 % + 160,000 € at the stage's 5 % = 43,000 €.
        assert_eq!(
            page.select_all_text("#my-pipeline tbody td"),
            ["5", "230.000,00 €", "43.000,00 €"],
            "{db}"
        );
        assert!(
            page.select_all_text(".kpi-name")
                .contains(&"Gewonnener Umsatz".to_string()),
            "{db}: {:?}",
            page.select_all_text(".kpi-name")
        );
        // The top bar leads a rep to his dashboard.
        assert_eq!(
            page.attr("a[title=Kennzahlen]", "href").as_deref(),
            Some("/kpis/mine"),
            "{db}"
        );
        let bad = web.get("/kpis/mine?period=1850-Q1").await;
        assert_eq!(bad.status, 422, "{db}");
        server.stop().await;
    }
}

async fn lead(api: &ApiClient, name: &str, campaign: &str) -> String {
    let r = api
        .post(
            "/api/v1/leads",
            json!({"first_name": name, "last_name": "Muster", "company": format!("{name} GmbH"),
                   "email": format!("{}@example.com", name.to_lowercase()), "employees": 120,
                   "phone": "030 1", "position": "Einkauf", "source": "trade_fair",
                   "campaign_id": campaign,
                   "answers": {"budget": "50.000 €", "authority": "Einkauf", "need": "Anlage",
                               "timing": "Q1"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_string()
}

backend_test! {
    /// Three leads of a trade fair came in this month: two handed over, one accepted and
    /// one rejected. Marketing sees the funnel, the trend and the campaign's figures.
    async fn marketing_sees_the_lead_funnel_and_campaign_figures(db) {
        // Leads are stamped with the real time, so this test runs on the real clock.
        let server = TestServer::start(&db).await;
        let today = tandem_domain::format::local_date(tandem_domain::Instant::now());
        let month = Period::containing(PeriodKind::Month, today);
        let (this, last) = (month.key(), month.previous().key());
        let mia_user = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let petra_user = server
            .person(Role::Manager, "Außendienst", "Petra Schulz")
            .await;
        let bernd_user = server
            .person(Role::Field, "Außendienst", "Bernd Berg")
            .await;
        let mia = server.api_for(&mia_user).await;
        let bernd = server.api_for(&bernd_user).await;
        let fair = mia
            .post(
                "/api/v1/campaigns",
                json!({"name": "Messe Brunnenbau 2026", "channel": "trade_fair",
                       "starts_on": month.start.to_string(),
                       "cost": {"minor": 600_000, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(fair.status, 201, "{db}: {}", fair.body);
        let fair = fair.body["id"].as_str().unwrap().to_string();
        let a = lead(&mia, "Anke", &fair).await;
        let b = lead(&mia, "Bodo", &fair).await;
        lead(&mia, "Carla", &fair).await;
        for id in [&a, &b] {
            let h = mia
                .post(&format!("/api/v1/leads/{id}/handoff"), json!({}))
                .await;
            assert_eq!(h.status, 200, "{db}: {}", h.body);
        }
        let ok = bernd
            .post(&format!("/api/v1/leads/{a}/accept"), json!({}))
            .await;
        assert_eq!(ok.status, 200, "{db}: {}", ok.body);
        let no = bernd
            .post(
                &format!("/api/v1/leads/{b}/reject"),
                json!({"reason": "too_early", "comment": "Erst 2028"}),
            )
            .await;
        assert_eq!(no.status, 200, "{db}: {}", no.body);

        let web = server.web(&mia_user).await;
        let page = web.get(&format!("/kpis/marketing?period={this}")).await;
        assert_eq!(page.status, 200, "{db}: {}", page.text);
        let months = [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ];
        assert_eq!(
            page.select_text(".pagehead .lead"),
            Some(format!(
                "{} {}",
                months[today.month() as usize - 1],
                today.year()
            )),
            "{db}: the month by its name"
        );
        assert_eq!(
            page.select_all_text("#lead-funnel tbody td:nth-child(2)"),
            ["3", "2", "1", "0"],
            "{db}: in, handed over, accepted, won"
        );
        assert_eq!(
            page.select_all_text("#lead-funnel tbody td:nth-child(3)"),
            ["66,67 %", "50 %", "0 %", "–"],
            "{db}"
        );
        let row = page.select_all_text("#report-campaigns tbody tr:first-child td");
        assert_eq!(row[0], "Messe Brunnenbau 2026", "{db}: {row:?}");
        assert_eq!(
            (
                row[1].as_str(),
                row[2].as_str(),
                row[3].as_str(),
                row[7].as_str()
            ),
            ("3", "1", "50 %", "2.000,00 €"),
            "{db}: leads, SQLs, acceptance, cost per lead: {row:?}"
        );
        let trend = page.select_all_text("#lead-trend tbody tr:last-child td");
        assert_eq!(trend, ["3", "1"], "{db}: this month's leads and SQLs");
        assert!(
            page.select_all_text(".kpi-name")
                .iter()
                .any(|n| n.contains("SQL")),
            "{db}"
        );
        assert_eq!(
            page.attr("a[title=Kennzahlen]", "href").as_deref(),
            Some("/kpis/marketing"),
            "{db}"
        );
        let csv = web
            .get(&format!("/kpis/marketing/export.csv?period={this}"))
            .await;
        assert_eq!(csv.status, 200, "{db}");
        let line = csv
            .text
            .lines()
            .find(|l| l.starts_with("campaign;Messe"))
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            line.split(';').collect::<Vec<_>>()[2..8],
            [this.as_str(), "3", "2", "1", "1", "5000"],
            "{db}: {}",
            csv.text
        );
        // Last month had none of them.
        let before = web.get(&format!("/kpis/marketing?period={last}")).await;
        assert_eq!(
            before.select_all_text("#lead-funnel tbody td:nth-child(2)"),
            ["0", "0", "0", "0"],
            "{db}"
        );
        assert!(before.select_text("#report-campaigns").is_none(), "{db}");
        // Managers see it too; a field rep does not.
        let petra = server.web(&petra_user).await;
        assert_eq!(petra.get("/kpis/marketing").await.status, 200, "{db}");
        let bernd_web = server.web(&bernd_user).await;
        assert_eq!(bernd_web.get("/kpis/marketing").await.status, 403, "{db}");
        assert_eq!(
            bernd_web.get("/kpis/marketing/export.csv").await.status,
            403,
            "{db}"
        );
        server.stop().await;
    }
}

/// Every figure of the company, of a person and of a team.
async fn all_figures(api: &ApiClient, scopes: &[String], period: &str) -> Vec<(String, Value)> {
    let mut out = vec![];
    for scope in scopes {
        let r = api
            .get(&format!("/api/v1/kpis?scope={scope}&period={period}"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        for f in r.body["figures"].as_array().unwrap() {
            out.push((
                format!("{scope} {}", f["metric"].as_str().unwrap()),
                f["value"].clone(),
            ));
        }
    }
    out
}

backend_test! {
    /// The nightly job records the current periods up to the day; a board then counts
    /// only the day's events on top. That gives the same figures as counting the whole
    /// period — also for a customer won again today, who is new only once.
    async fn a_board_counts_the_same_from_the_nights_record_plus_today_as_from_scratch(db) {
        use crate::interventions::closed_deals_at;
        use tandem_domain::time::{DAY_MS, HOUR_MS};
        // Thursday of week 45, 10:00.
        let thursday = W45.plus_ms(3 * DAY_MS + HOUR_MS);
        let clock = Clock::manual(thursday);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let petra_user = server
            .person(Role::Manager, "Außendienst Nord", "Petra Schulz")
            .await;
        let rolf_user = server
            .person(Role::Field, "Außendienst Nord", "Rolf Reiter")
            .await;
        let petra = server.api_for(&petra_user).await;
        let stage = first_stage(&petra).await;
        let mut accounts = vec![];
        for name in ["Altkunde AG", "Neukunde GmbH", "Heute KG"] {
            let a = petra.post("/api/v1/accounts", json!({"name": name})).await;
            accounts.push(a.body["id"].as_str().unwrap().parse::<AccountId>().unwrap());
        }
        // Last month Rolf won Altkunde; this week, before today, Altkunde and Neukunde.
        closed_deals_at(
            &server,
            stage,
            accounts[0],
            rolf_user.id,
            W45.plus_ms(-9 * DAY_MS),
            1,
            0,
        )
        .await;
        closed_deals(&server, stage, accounts[0], rolf_user.id, W45, 1, 1).await;
        closed_deals(&server, stage, accounts[1], rolf_user.id, W45, 2, 0).await;
        let scopes = [
            "workspace".to_string(),
            format!("user:{}", rolf_user.id),
            format!("user:{}", petra_user.id),
        ];
        let before = all_figures(&petra, &scopes, "2026-Q4").await;

        // The night's job; then today Neukunde again (not new twice), Heute (new) and
        // Altkunde (existing revenue).
        assert!(server.snapshot_kpis().await > 0, "{db}");
        assert_eq!(
            all_figures(&petra, &scopes, "2026-Q4").await,
            before,
            "{db}: the record changes nothing"
        );
        let now = thursday.plus_ms(HOUR_MS);
        for (a, won, lost) in [(1, 1, 0), (2, 1, 1), (0, 1, 0)] {
            closed_deals_at(&server, stage, accounts[a], rolf_user.id, now, won, lost).await;
        }
        let periods = ["2026-W45", "2026-11", "2026-Q4", "2026"];
        let mut with_record = vec![];
        let mut tx = server.store.begin().await.unwrap();
        for period in periods {
            let recorded = tandem_store::metrics::period_to_date(
                &mut tx.conn(),
                server.workspace,
                period,
                thursday,
            )
            .await
            .unwrap();
            assert!(recorded.is_some(), "{db}: {period} is recorded up to today");
        }
        tx.commit().await.unwrap();
        for period in periods {
            with_record.push(all_figures(&petra, &scopes, period).await);
        }
        // At half past twelve the hourly job brings the records up to noon, today's
        // deals included: the same figures.
        clock.set(thursday.plus_ms(2 * HOUR_MS + HOUR_MS / 2));
        assert_eq!(server.refresh_kpis().await, 4, "{db}");
        let noon = thursday.plus_ms(2 * HOUR_MS);
        let mut tx = server.store.begin().await.unwrap();
        let (since, _) = tandem_store::metrics::period_to_date(
            &mut tx.conn(),
            server.workspace,
            "2026-Q4",
            noon,
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(since, noon, "{db}");
        for (period, recorded) in periods.iter().zip(&with_record) {
            let hourly = all_figures(&petra, &scopes, period).await;
            assert_eq!(&hourly, recorded, "{db}: {period} from the hourly record");
        }
        // Monday of week 46 before the night's job: week 45 has ended and is counted
        // from its record up to Thursday too.
        clock.set(W45.plus_ms(7 * DAY_MS + HOUR_MS));
        let mut next_week = vec![];
        for period in periods {
            next_week.push(all_figures(&petra, &scopes, period).await);
        }
        let mut tx = server.store.begin().await.unwrap();
        tandem_store::metrics::forget_periods(&mut tx.conn(), server.workspace)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        for ((period, recorded), monday) in periods.iter().zip(&with_record).zip(&next_week) {
            let from_scratch = all_figures(&petra, &scopes, period).await;
            assert_eq!(recorded, &from_scratch, "{db}: {period}");
            assert_eq!(monday, &from_scratch, "{db}: {period} on Monday");
        }
        let rolf = format!("user:{}", rolf_user.id);
        let value = |figures: &[(String, Value)], metric: &str| {
            figures
                .iter()
                .find(|(k, _)| *k == format!("{rolf} {metric}"))
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        // This quarter: Altkunde (October) and Neukunde were new before today, Heute is
        // new today; Neukunde and Altkunde again are not new twice.
        let (q4_before, q4_after) = (&before, &with_record[2]);
        assert_eq!(value(q4_before, "deals_won"), json!(4), "{db}");
        assert_eq!(value(q4_after, "deals_won"), json!(7), "{db}");
        assert_eq!(value(q4_before, "new_customers"), json!(2), "{db}");
        assert_eq!(value(q4_after, "new_customers"), json!(3), "{db}");
        // The week: Altkunde had been won before it, so it is existing revenue.
        assert_eq!(value(&with_record[0], "new_customers"), json!(2), "{db}");
        assert_eq!(
            value(&with_record[0], "existing_customer_revenue"),
            json!(2_000_000),
            "{db}"
        );
        server.stop().await;
    }
}
