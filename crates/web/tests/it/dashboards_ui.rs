//! The dashboards in Chromium: Rolf opens his own from the top bar on his phone, puts a
//! deal into commit from the deal form and sees his forecast move; Mia reads the lead
//! funnel on her desktop.

use crate::interventions::{W45, closed_deals, first_stage};
use serde_json::json;
use tandem_domain::{AccountId, Role, time::Clock};
use tandem_testkit::{Browser, TestServer, backend_test};

backend_test! {
    async fn a_rep_commits_a_deal_and_sees_his_forecast_move_on_his_phone(db) {
        let clock = Clock::manual(W45.plus_ms(tandem_domain::time::DAY_MS));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let petra = server
            .person(Role::Manager, "Außendienst Süd", "Petra Schulz")
            .await;
        let rolf = server
            .person(Role::Field, "Außendienst Süd", "Rolf Reiter")
            .await;
        let mia = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let api = server.api_for(&petra).await;
        let stage = first_stage(&api).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Brunnenbau Süd GmbH"}))
            .await;
        let account_id = account.body["id"].as_str().unwrap().to_string();
        let account: AccountId = account_id.parse().unwrap();
        closed_deals(&server, stage, account, rolf.id, W45, 1, 0).await;
        let quota = json!({"scope": format!("user:{}", rolf.id), "period": "2026-Q4",
            "metric": "won_revenue", "target": 5_000_000});
        assert_eq!(api.post("/api/v1/goals", quota).await.status, 201, "{db}");
        let rolf_api = server.api_for(&rolf).await;
        let made = rolf_api
            .post(
                "/api/v1/deals",
                json!({"title": "Bohranlage BA-7", "account_id": account_id,
                       "expected_close": "2026-12-10", "amount": {"minor": 2_500_000, "currency": "EUR"},
                       "next_step": "Technik klären", "next_step_due": "2026-11-06"}),
            )
            .await;
        assert_eq!(made.status, 201, "{db}: {}", made.body);

        let Some(phone) = Browser::start(390, 844).await else {
            return;
        };
        phone
            .sign_in(&server.url(""), &rolf.email, &rolf.password)
            .await;
        phone.click("nav.mainnav a[title=Kennzahlen]").await;
        phone.wait_for("#forecast-table").await;
        assert_eq!(phone.path().await, "/kpis/mine", "{db}");
        let commit = |text: String| {
            text.lines()
                .find(|l| l.contains("Commit"))
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            commit(phone.text("#forecast-table").await)
                .split_whitespace()
                .any(|t| t == "0,00"),
            "{db}: nothing in commit yet: {}",
            phone.text("#forecast-table").await
        );
        assert!(
            phone.text("#attainment").await.contains("20 %"),
            "{db}: 10,000 of 50,000 €"
        );
        assert!(
            phone.text("#next-steps").await.contains("Technik klären"),
            "{db}"
        );
        let wide = phone
            .js("return document.documentElement.scrollWidth > window.innerWidth + 1;")
            .await;
        assert_eq!(wide, json!(false), "{db}: no sideways scrolling");
        phone.screenshot(&format!("mine-phone-{db}")).await;
        for part in ["forecast", "closing", "my-pipeline"] {
            phone
                .js(&format!(
                    "document.querySelector('#{part}').scrollIntoView(); return true;"
                ))
                .await;
            phone.screenshot(&format!("mine-{part}-phone-{db}")).await;
        }

        // He is sure of the deal: the form puts it into commit.
        phone.click("#closing a").await;
        phone.wait_for("a[href$='/edit']").await;
        phone.click("a[href$='/edit']").await;
        phone.wait_for("#forecast_category").await;
        phone
            .js("document.querySelector('#forecast_category').value = 'commit'; return true;")
            .await;
        phone
            .click_for_next("#quick-dialog form button.primary[type=submit]", ".notice")
            .await;
        assert!(
            phone.text("main").await.contains("Commit"),
            "{db}: the deal page names the category"
        );
        phone.goto(&server.url("/kpis/mine")).await;
        phone.wait_for("#forecast-table").await;
        assert!(
            commit(phone.text("#forecast-table").await).contains("25.000,00 €"),
            "{db}: {}",
            phone.text("#forecast-table").await
        );
        phone.close().await;

        // Mia's marketing dashboard on a desktop.
        let Some(desk) = Browser::start(1280, 900).await else {
            return;
        };
        desk.sign_in(&server.url(""), &mia.email, &mia.password)
            .await;
        desk.click("nav.mainnav a[title=Kennzahlen]").await;
        desk.wait_for("#lead-funnel").await;
        assert_eq!(desk.path().await, "/kpis/marketing", "{db}");
        assert_eq!(desk.count("#lead-funnel svg").await, 1, "{db}");
        desk.screenshot(&format!("marketing-desktop-{db}")).await;
        desk.close().await;
        let Some(phone) = Browser::start(390, 844).await else {
            return;
        };
        phone
            .sign_in(&server.url(""), &mia.email, &mia.password)
            .await;
        phone.goto(&server.url("/kpis/marketing")).await;
        phone.wait_for("#lead-trend").await;
        let wide = phone
            .js("return document.documentElement.scrollWidth > window.innerWidth + 1;")
            .await;
        assert_eq!(wide, json!(false), "{db}: no sideways scrolling");
        phone.close().await;
        server.stop().await;
    }
}
