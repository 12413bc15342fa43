//! The quiet slump in Chromium: Petra opens the case the rule opened for Rolf and
//! records the diagnosis and a measurable goal; Rolf reads it on his phone and looks at
//! his figures there.

use crate::interventions::{W45, WEEK, closed_deals, first_stage, moved_deals};
use serde_json::json;
use tandem_domain::{AccountId, Role, time::Clock};
use tandem_testkit::{Browser, TestServer, backend_test};

backend_test! {
    async fn a_manager_records_a_coaching_plan_that_the_rep_reads_on_his_phone(db) {
        let clock = Clock::manual(W45);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let petra = server
            .person(Role::Manager, "Außendienst Süd", "Petra Schulz")
            .await;
        let rolf = server
            .person(Role::Field, "Außendienst Süd", "Rolf Reiter")
            .await;
        let api = server.api_for(&petra).await;
        let stage = first_stage(&api).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Brunnenbau Süd GmbH"}))
            .await;
        let account: AccountId = account.body["id"].as_str().unwrap().parse().unwrap();
        for week in 0..2 {
            closed_deals(
                &server,
                stage,
                account,
                rolf.id,
                W45.plus_ms(week * WEEK),
                1,
                4,
            )
            .await;
        }
        let pipelines = api.get("/api/v1/pipelines").await;
        let second: tandem_domain::StageId = pipelines.body[0]["stages"][1]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        moved_deals(
            &server,
            stage,
            second,
            account,
            rolf.id,
            W45.plus_ms(WEEK),
            3,
        )
        .await;
        clock.set(W45.plus_ms(2 * WEEK));
        assert!(server.evaluate_interventions().await > 0, "{db}");

        let Some(b) = Browser::start(1280, 900).await else {
            return;
        };
        b.sign_in(&server.url(""), &petra.email, &petra.password)
            .await;
        b.goto(&server.url("/interventions")).await;
        b.wait_for("#cases").await;
        assert!(b.text("#cases").await.contains("Rolf Reiter"), "{db}");
        b.click("#cases a").await;
        b.wait_for("#case-figures").await;
        assert!(
            b.text("#case-figures").await.contains("20 %"),
            "{db}: {}",
            b.text("#case-figures").await
        );
        b.fill("#c-diagnosis", "Angebote ohne Bedarfsanalyse").await;
        b.fill("#c-plan", "Zwei gemeinsame Besuche").await;
        b.js("document.querySelector('select[name=goal_metric]').value = 'win_rate'; return true;")
            .await;
        b.fill("input[name=goal_target]", "30").await;
        // A date field takes typing in the browser's locale; the value is set directly.
        b.js("document.querySelector('input[name=goal_by]').value = '2026-11-30'; return true;")
            .await;
        b.click("form[action^='/interventions/'] button.primary")
            .await;
        b.wait_for("#plan-goals").await;
        assert!(
            b.text("#plan-goals").await.contains("30 %"),
            "{db}: {}",
            b.text("#plan-goals").await
        );
        b.screenshot(&format!("intervention-case-{db}")).await;
        b.goto(&server.url(&format!("/kpis?scope=user:{}&period=2026-W45", rolf.id)))
            .await;
        b.wait_for(".kpi-grid").await;
        assert!(
            b.text("[data-metric=win_rate]").await.contains("20 %"),
            "{db}"
        );
        b.screenshot(&format!("kpis-desktop-{db}")).await;
        // A quota for Rolf through the goals page: a bad target is explained at the field.
        b.goto(&server.url("/goals")).await;
        b.wait_for("#new-goal").await;
        b.click("#new-goal summary").await;
        b.js(&format!(
            "document.querySelector('#g-scope').value = 'user:{}'; return true;",
            rolf.id
        ))
        .await;
        assert_eq!(
            b.js("return document.querySelector('#g-period').value;")
                .await,
            json!("2026-Q4"),
            "{db}: the current quarter is proposed"
        );
        b.fill("#g-target", "-5").await;
        b.click("#new-goal button.primary").await;
        b.wait_for(".field-error").await;
        assert!(
            b.text("#new-goal").await.contains("größer als null"),
            "{db}: {}",
            b.text("#new-goal").await
        );
        b.js("document.querySelector('#g-target').value = ''; return true;")
            .await;
        b.fill("#g-target", "150.000").await;
        b.click("#new-goal button.primary").await;
        b.wait_for("#goals").await;
        assert!(
            b.text("#goals").await.contains("150.000,00"),
            "{db}: {}",
            b.text("#goals").await
        );
        b.screenshot(&format!("goals-{db}")).await;
        // The team comparison, found through its tab: Rolf's revenue against his quota.
        b.click("nav.subnav a[href='/kpis/team']").await;
        b.wait_for("#comparison").await;
        // The quota is for the quarter: the period is switched.
        b.js("document.querySelector('#p-kind').value = 'quarter'; return true;")
            .await;
        b.click("form.filters button").await;
        b.wait_until(
            "the quarter",
            "return document.querySelector('.lead').textContent.includes('Q4');",
        )
        .await;
        let table = b.text("#comparison").await;
        assert!(
            table.contains("Rolf Reiter") && table.contains("150.000,00"),
            "{db}: {table}"
        );
        assert_eq!(
            b.count("svg.hbars .quota").await,
            1,
            "{db}: Rolf's quota tick"
        );
        assert!(
            b.text(".funnel-table").await.contains("100 %"),
            "{db}: {}",
            b.text(".funnel-table").await
        );
        b.screenshot(&format!("team-desktop-{db}")).await;
        assert!(
            b.text("#forecast-table").await.contains("20.000,00"),
            "{db}: the forecast starts from what Rolf won"
        );
        b.js("document.querySelector('#forecast').scrollIntoView(); return true;")
            .await;
        b.screenshot(&format!("team-funnel-desktop-{db}")).await;
        b.close().await;

        let Some(phone) = Browser::start(390, 844).await else {
            return;
        };
        phone
            .sign_in(&server.url(""), &rolf.email, &rolf.password)
            .await;
        phone.goto(&server.url("/interventions")).await;
        phone.wait_for("#cases").await;
        phone.click("#cases a").await;
        phone.wait_for("#plan-h").await;
        assert!(
            phone
                .text("main")
                .await
                .contains("Angebote ohne Bedarfsanalyse"),
            "{db}: the rep reads the plan"
        );
        assert_eq!(
            phone.count("#c-diagnosis").await,
            0,
            "{db}: but cannot edit it"
        );
        phone.goto(&server.url("/kpis?period=2026-W45")).await;
        phone.wait_for(".kpi-grid").await;
        let wide = phone
            .js("return document.documentElement.scrollWidth > window.innerWidth + 1;")
            .await;
        assert_eq!(
            wide,
            json!(false),
            "{db}: no sideways scrolling on the phone"
        );
        phone.screenshot(&format!("kpis-phone-{db}")).await;
        // His weekly report: drafted from his figures, published from the phone.
        phone.click("nav.subnav a[href='/kpis/report']").await;
        phone.wait_for("#r-body").await;
        assert!(
            phone
                .js("return document.querySelector('#r-body').value;")
                .await
                .as_str()
                .is_some_and(|t| t.contains("Gewonnene Deals")),
            "{db}: the draft names his figures"
        );
        phone.click("button[value=publish]").await;
        phone.wait_for("button[value=withdraw]").await;
        assert!(
            phone
                .text("#report-status")
                .await
                .contains("Veröffentlicht"),
            "{db}"
        );
        assert!(
            phone.text("#shared-reports").await.contains("Rolf Reiter"),
            "{db}"
        );
        phone.screenshot(&format!("report-phone-{db}")).await;
        phone.close().await;

        // Petra compares her team on her phone: the page fits, the table scrolls.
        let Some(phone) = Browser::start(390, 844).await else {
            return;
        };
        phone
            .sign_in(&server.url(""), &petra.email, &petra.password)
            .await;
        phone.goto(&server.url("/kpis/team")).await;
        phone.wait_for("#comparison").await;
        let wide = phone
            .js("return document.documentElement.scrollWidth > window.innerWidth + 1;")
            .await;
        assert_eq!(
            wide,
            json!(false),
            "{db}: the page does not scroll sideways"
        );
        phone.screenshot(&format!("team-phone-{db}")).await;
        phone
            .js("document.querySelector('#comparison').scrollIntoView(); return true;")
            .await;
        phone.screenshot(&format!("team-table-phone-{db}")).await;
        phone.close().await;
        server.stop().await;
    }
}
