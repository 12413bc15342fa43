//! The early lead in Chromium: Mia hands a lead over too early and reads what is
//! missing, qualifies it, hands it over (Anna is away, Bernd gets it); Bernd rejects
//! another on his phone with a reason; the campaign report shows both.

use serde_json::json;
use tandem_domain::{Instant, Role, time::Clock};
use tandem_testkit::{Browser, TestServer, backend_test};

/// Monday 23 November 2026, 09:00 in Berlin.
const MONDAY_9: Instant = Instant(1_795_420_800_000);

backend_test! {
    async fn marketing_hands_over_and_sales_rejects_in_chromium(db) {
        let server = TestServer::start_at(&db, Clock::manual(MONDAY_9)).await;
        let boss = server
            .person(Role::Manager, "Außendienst", "Petra Schulz")
            .await;
        let mia = server
            .person(Role::Marketing, "Marketing", "Mia Marketing")
            .await;
        let anna = server
            .person(Role::Field, "Außendienst", "Anna Außen")
            .await;
        let bernd = server
            .person(Role::Field, "Außendienst", "Bernd Berg")
            .await;
        let p = server.api_for(&boss).await;
        p.post(
            "/api/v1/absences",
            json!({"user_id": anna.id.to_string(), "kind": "vacation", "from": "2026-11-23", "to": "2026-11-27"}),
        )
        .await;
        let m = server.api_for(&mia).await;
        let camp = m
            .post(
                "/api/v1/campaigns",
                json!({"name": "Messe Wasser 2026", "channel": "trade_fair",
                                               "cost": {"minor": 500_000, "currency": "EUR"}}),
            )
            .await;
        let camp_id = camp.body["id"].as_str().unwrap().to_string();
        // A lead Bernd will reject (already handed over through the API).
        let other = m
            .post(
                "/api/v1/leads",
                json!({"first_name": "Eva", "last_name": "Early", "company": "Früh KG", "employees": 80,
                       "phone": "030 1", "position": "Einkauf", "source": "trade_fair", "campaign_id": camp_id,
                       "answers": {"budget": "?", "authority": "?", "need": "?", "timing": "2028"}}),
            )
            .await;
        let other_id = other.body["id"].as_str().unwrap().to_string();
        let handed = m
            .post(&format!("/api/v1/leads/{other_id}/handoff"), json!({}))
            .await;
        assert_eq!(
            handed.body["assignee_id"],
            bernd.id.to_string(),
            "{db}: {}",
            handed.body
        );

        let Some(b) = Browser::start(1280, 900).await else {
            return;
        };
        b.sign_in(&server.url(""), &mia.email, &mia.password).await;
        b.goto(&server.url("/leads")).await;
        b.wait_for("#new-lead").await;
        b.click("#new-lead summary").await;
        b.fill("#new-first", "Jens").await;
        b.fill("#new-last", "Köhler").await;
        b.fill("#new-company", "Brunnenbau Köhler GmbH").await;
        b.js(&format!(
            "document.querySelector('#new-campaign').value = '{camp_id}'; \
             document.querySelector('#new-source').value = 'trade_fair'; return true;"
        ))
        .await;
        b.click("#new-lead button[type=submit]").await;
        b.wait_for("#gate-h").await;
        // Too early: the page lists everything that is missing.
        b.click_for_next("form[action$='/handoff'] button", "#lead-errors")
            .await;
        let missing = b.text("#lead-errors").await;
        assert!(
            missing.contains("Score")
                && missing.contains("Budget")
                && missing.contains("Zeitrahmen"),
            "{db}: {missing}"
        );
        b.screenshot(&format!("lead-too-early-{db}")).await;
        b.js("document.querySelector('#score-h').scrollIntoView()").await;
        assert_eq!(b.count("form.engage select#engagement-kind").await, 1, "{db}");
        b.screenshot(&format!("lead-score-{db}")).await;
        // Qualify: the answers, then the details that bring the score up.
        for (k, v) in [
            ("budget", "40.000 €"),
            ("authority", "GF"),
            ("need", "Bohranlage"),
            ("timing", "Q1"),
        ] {
            b.fill(&format!("#answer-{k}"), v).await;
        }
        b.click_for_next("form[action$='/answers'] button", "#gate-h")
            .await;
        b.click("#facts-h ~ details summary").await;
        b.fill("#edit-employees", "80").await;
        b.fill("#edit-phone", "0251 123456").await;
        b.fill("#edit-position", "Geschäftsführer").await;
        b.click("#facts-h ~ details form button[type=submit]").await;
        b.wait_for("#gate-h ~ .ok").await;
        b.click_for_next("form[action$='/handoff'] button", ".notice")
            .await;
        assert!(
            b.text(".notice").await.contains("Bernd Berg"),
            "{db}: Anna is away, Bernd gets it"
        );
        b.close().await;

        // Bernd on his phone rejects the other lead with a reason.
        let Some(phone) = Browser::start(390, 844).await else {
            return;
        };
        phone
            .sign_in(&server.url(""), &bernd.email, &bernd.password)
            .await;
        phone.goto(&server.url(&format!("/leads/{other_id}"))).await;
        phone.wait_for("#decide-h").await;
        phone.click("form[action$='/reject'] button").await;
        phone.wait_for("#lead-errors").await;
        assert!(
            phone.text("#lead-errors").await.contains("Grund"),
            "{db}: the reason is asked for"
        );
        phone
            .js("document.querySelector('#reject-reason').value = 'too_early'; return true;")
            .await;
        phone.fill("#reject-comment", "Budget erst 2028").await;
        phone.click("form[action$='/reject'] button").await;
        phone.wait_for(".alert.warn").await;
        assert!(
            phone.text(".alert.warn").await.contains("Budget erst 2028"),
            "{db}"
        );
        let wide: bool = phone
            .js("return document.documentElement.scrollWidth > window.innerWidth + 1;")
            .await
            .as_bool()
            .unwrap_or(true);
        assert!(!wide, "{db}: no sideways scrolling on the phone");
        phone.screenshot(&format!("lead-rejected-phone-{db}")).await;
        phone.close().await;

        // The campaign report: one of two decisions accepted? Not yet — one handed over,
        // one rejected: acceptance 0 %, the reason listed.
        let Some(b) = Browser::start(1280, 900).await else {
            return;
        };
        b.sign_in(&server.url(""), &mia.email, &mia.password).await;
        b.goto(&server.url(&format!("/campaigns/{camp_id}"))).await;
        b.wait_for("#campaign-figures").await;
        let acceptance = b
            .js("return document.querySelector('#campaign-figures dd.strong').textContent.trim();")
            .await;
        assert_eq!(
            acceptance,
            serde_json::json!("0 %"),
            "{db}: the acceptance rate"
        );
        assert!(
            b.text("#campaign-reasons").await.contains("Zu früh"),
            "{db}"
        );
        b.screenshot(&format!("campaign-report-{db}")).await;
        b.close().await;
        server.stop().await;
    }
}
