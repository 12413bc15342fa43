//! Dieter's view of his request in Chromium: asked from the company page, handed on to
//! the deputy when Klaus falls sick, seen on My day and by bell; Sabine takes it on.

use serde_json::json;
use tandem_domain::{Instant, Role, time::Clock};
use tandem_testkit::{Browser, TestServer, backend_test, backends};

/// Monday 23 November 2026, 09:00 in Berlin.
const MONDAY_9: Instant = Instant(1_795_420_800_000);

async fn assert_clean(b: &Browser, page: &str) {
    let errors: Vec<String> = b
        .console_errors()
        .await
        .into_iter()
        .filter(|e| !e.contains("status of 422") && !e.contains("status of 409"))
        .collect();
    assert!(errors.is_empty(), "console errors on {page}: {errors:?}");
}

backend_test! {
    async fn dieter_asks_for_a_quote_and_sees_who_has_it_in_chromium(db) {
        let server = TestServer::start_at(&db, Clock::manual(MONDAY_9)).await;
        let lead = server
            .person(Role::Manager, "Innendienst", "Lena Lorenz")
            .await;
        let dieter = server
            .person(Role::Field, "Außendienst", "Dieter Mayer")
            .await;
        let klaus = server
            .person(Role::Inside, "Innendienst", "Klaus Becker")
            .await;
        let sabine = server
            .person(Role::Inside, "Innendienst", "Sabine Wolf")
            .await;
        let l = server.api_for(&lead).await;
        let tandem = l
            .post(
                "/api/v1/tandems",
                json!({"field_id": dieter.id.to_string(), "inside_id": klaus.id.to_string(),
                       "deputy_id": sabine.id.to_string()}),
            )
            .await;
        assert_eq!(tandem.status, 201, "{db}: {}", tandem.body);
        let account = server
            .api_for(&dieter)
            .await
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH"}),
            )
            .await;
        let account_id = account.body["id"].as_str().unwrap().to_string();

        let Some(b) = Browser::start(1280, 800).await else {
            return;
        };
        b.sign_in(&server.url(""), &dieter.email, &dieter.password)
            .await;
        b.goto(&server.url(&format!("/accounts/{account_id}")))
            .await;
        b.wait_for("#requests-h").await;
        // The button opens the request form in a dialog over the company page.
        b.click("a[href^='/requests/new?account_id='][data-dialog]")
            .await;
        b.wait_for("dialog[open] #r-type").await;
        assert!(
            b.text("dialog .hint").await.contains("Klaus Becker"),
            "{db}: the form says where the request goes"
        );
        // Sending without a description: the dialog stays and names the field.
        b.js(
            "const s = document.querySelector('dialog #r-type'); s.selectedIndex = 1; return true;",
        )
        .await;
        b.click("dialog button[type=submit]").await;
        b.wait_for("dialog[open] #r-desc-err").await;
        b.fill("dialog #r-desc", "Angebot 2 Brunnenpumpen inkl. Montage")
            .await;
        b.screenshot(&format!("request-form-desktop-{db}")).await;
        b.click("dialog button[type=submit]").await;
        b.wait_for(".request-state").await;
        let state = b.text(".request-state").await;
        assert!(state.contains("Klaus Becker"), "{db}: {state}");
        assert!(state.contains("fällig 24.11.2026 16:00"), "{db}: {state}");
        b.screenshot(&format!("request-desktop-{db}")).await;
        assert_clean(&b, "request").await;

        // Klaus falls sick; the job hands the request to Sabine.
        let sick = l
            .post(
                "/api/v1/absences",
                json!({"user_id": klaus.id.to_string(), "kind": "sick",
                       "from": "2026-11-23", "to": "2026-11-24"}),
            )
            .await;
        assert_eq!(sick.status, 201, "{db}: {}", sick.body);
        assert_eq!(server.sweep().await, 1, "{db}");
        b.js("location.reload(); return true;").await;
        b.wait_for(".request-state").await;
        let state = b.text(".request-state").await;
        assert!(state.contains("Sabine Wolf"), "{db}: {state}");
        assert!(
            b.text("ol.timeline").await.contains(
                "Wegen Abwesenheit automatisch weitergegeben: Klaus Becker → Sabine Wolf"
            ),
            "{db}"
        );
        b.wait_until(
            "the bell counts the news",
            "return !document.querySelector('[data-unread]').hidden;",
        )
        .await;
        b.screenshot(&format!("request-handed-on-desktop-{db}"))
            .await;
        b.goto(&server.url("/notifications")).await;
        b.wait_for("ul.notifications li.unread").await;
        assert!(
            b.text("ul.notifications")
                .await
                .contains("bearbeitet jetzt Sabine Wolf"),
            "{db}"
        );
        b.click("ul.notifications li.unread button").await;
        b.wait_for(".request-state").await;
        b.close().await;

        // On the phone, My day shows the request with Sabine and its due time.
        let Some(phone) = Browser::start(390, 844).await else {
            return;
        };
        phone
            .sign_in(&server.url(""), &dieter.email, &dieter.password)
            .await;
        phone.goto(&server.url("/")).await;
        phone.wait_for("#h-requests").await;
        let card = phone.text("#h-requests + ul.requests").await;
        assert!(card.contains("bei Sabine Wolf"), "{db}: {card}");
        assert!(card.contains("fällig"), "{db}: {card}");
        let wide = phone
            .js("return document.documentElement.scrollWidth <= window.innerWidth;")
            .await;
        assert_eq!(wide, json!(true), "{db}: My day fits the phone");
        phone
            .screenshot(&format!("myday-requests-phone-{db}"))
            .await;
        assert_clean(&phone, "my day").await;
        phone.close().await;

        // Sabine finds it under "with me" and starts work.
        let Some(b) = Browser::start(390, 844).await else {
            return;
        };
        b.sign_in(&server.url(""), &sabine.email, &sabine.password)
            .await;
        b.goto(&server.url("/requests?view=assigned")).await;
        b.wait_for("table.requests-table a").await;
        b.screenshot(&format!("requests-phone-{db}")).await;
        b.click("table.requests-table a.strong").await;
        b.wait_for(".request-state").await;
        // The first move offered from "open" is "start work".
        b.click("form[action$='/status'] button").await;
        b.wait_for(".notice").await;
        assert!(b.text(".request-state").await.contains("In Arbeit"), "{db}");
        let wide = b
            .js("return document.documentElement.scrollWidth <= window.innerWidth;")
            .await;
        assert_eq!(wide, json!(true), "{db}: the request page fits the phone");
        b.screenshot(&format!("request-phone-{db}")).await;
        assert_clean(&b, "request on phone").await;
        b.close().await;
        server.stop().await;
    }
}

#[tokio::test]
async fn an_admin_sets_up_request_types_and_mail_and_reads_the_figures_in_chromium() {
    let db = &backends()[0];
    let server = TestServer::start(db).await;
    let mail = tandem_testkit::MailSink::start();
    let admin = server.person(Role::Admin, "Vertrieb", "Anna Admin").await;
    for (width, height, device) in [(1280, 800, "desktop"), (390, 844, "phone")] {
        let Some(b) = Browser::start(width, height).await else {
            return;
        };
        b.sign_in(&server.url(""), &admin.email, &admin.password)
            .await;
        b.goto(&server.url("/admin/request-types")).await;
        b.wait_for("#new-name").await;
        assert!(
            b.text("#types-h + ul").await.contains("Angebot erstellen"),
            "the defaults"
        );
        // A deadline of nothing is refused at the field; then a good one is kept.
        b.fill("#new-name", &format!("Musteranfrage {device}"))
            .await;
        b.fill("#new-sla", "0").await;
        b.click("form[action='/admin/request-types'] button[type=submit]")
            .await;
        b.wait_for("#new-sla[aria-invalid='true']").await;
        b.js("document.querySelector('#new-sla').value = ''; return true;")
            .await;
        b.fill("#new-sla", "4,5").await;
        b.click("form[action='/admin/request-types'] button[type=submit]")
            .await;
        b.wait_for(".notice").await;
        assert!(
            b.text("#types-h + ul")
                .await
                .contains("4,5 Geschäftsstunden"),
            "{device}"
        );
        b.screenshot(&format!("admin-request-types-{device}")).await;

        b.goto(&server.url("/admin/mail")).await;
        b.wait_for("#m-host").await;
        b.js("document.querySelector('#m-host').value = ''; document.querySelector('#m-port').value = ''; document.querySelector('#m-from').value = ''; return true;").await;
        b.fill("#m-host", "127.0.0.1").await;
        b.js("document.querySelector('#m-security').value = 'none'; return true;")
            .await;
        b.fill("#m-port", &mail.port.to_string()).await;
        b.fill("#m-from", "Tandem <tandem@example.test>").await;
        b.click("form[action='/admin/mail'] button[type=submit]")
            .await;
        b.wait_for(".notice").await;
        b.click_for_next("form[action='/admin/mail/test'] button", ".notice")
            .await;
        assert!(
            b.text(".notice").await.contains("Test-E-Mail an"),
            "{device}"
        );
        b.screenshot(&format!("admin-mail-{device}")).await;

        b.goto(&server.url("/requests/figures")).await;
        b.wait_for("table.figures").await;
        b.screenshot(&format!("request-figures-{device}")).await;
        let wide = b
            .js("return document.documentElement.scrollWidth <= window.innerWidth;")
            .await;
        assert_eq!(wide, json!(true), "{device}: the figures fit");
        assert_clean(&b, "admin").await;
        b.close().await;
    }
    assert_eq!(mail.received().len(), 2, "one test mail per walk");
    server.stop().await;
}
