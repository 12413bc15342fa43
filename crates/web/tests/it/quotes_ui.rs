//! Klaus answers Dieter's quote request in Chromium: the quote from the request, lines
//! typed by SKU, the guardrail, the approval by the team lead, sending and the PDF;
//! the same pages on a phone; an admin sets up the letterhead.

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

async fn no_sideways_scroll(b: &Browser, page: &str) {
    let fits = b
        .js("return document.documentElement.scrollWidth <= window.innerWidth + 1;")
        .await;
    assert_eq!(fits, json!(true), "{page} scrolls sideways");
}

backend_test! {
    async fn klaus_builds_the_quote_the_lead_approves_it_and_it_goes_out(db) {
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
        let l = server.api_for(&lead).await;
        let d = server.api_for(&dieter).await;
        let tandem = l
            .post(
                "/api/v1/tandems",
                json!({"field_id": dieter.id.to_string(), "inside_id": klaus.id.to_string()}),
            )
            .await;
        assert_eq!(tandem.status, 201, "{db}: {}", tandem.body);
        for (sku, name, unit, price) in [
            ("BP-200", "Brunnenpumpe 200", "Stk.", 129_900),
            ("MONT-H", "Montage je Stunde", "Std.", 8_500),
        ] {
            let p = l
                .post(
                    "/api/v1/products",
                    json!({"sku": sku, "name": name, "unit": unit,
                           "list_price": {"minor": price, "currency": "EUR"}}),
                )
                .await;
            assert_eq!(p.status, 201, "{db}: {}", p.body);
        }
        let account = d
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH", "street": "Industriestraße 4",
                       "postal_code": "48155", "city": "Münster", "country": "DE"}),
            )
            .await;
        let account_id = account.body["id"].as_str().unwrap().to_string();
        d.post(
            "/api/v1/contacts",
            json!({"salutation": "mr", "first_name": "Jens", "last_name": "Köhler",
                   "account_id": account_id}),
        )
        .await;
        let types = d.get("/api/v1/request-types").await;
        let quote_type = types.body["items"][0]["id"].as_str().unwrap().to_string();
        let request = d
            .post(
                "/api/v1/requests",
                json!({"type_id": quote_type, "account_id": account_id,
                       "description": "2 Brunnenpumpen mit Montage, Kunde will 15 %"}),
            )
            .await;
        assert_eq!(request.status, 201, "{db}: {}", request.body);
        let request_id = request.body["id"].as_str().unwrap().to_string();

        let Some(b) = Browser::start(1280, 900).await else {
            return;
        };
        b.sign_in(&server.url(""), &klaus.email, &klaus.password)
            .await;
        // From the request: "Angebot erstellen", the customer already chosen.
        b.goto(&server.url(&format!("/requests/{request_id}")))
            .await;
        b.click("a[href^='/quotes/new?request_id=']").await;
        b.wait_for("form[action='/quotes']").await;
        assert!(
            b.text("form[action='/quotes']")
                .await
                .contains("Brunnenbau Köhler GmbH"),
            "{db}"
        );
        b.click("form[action='/quotes'] button[type=submit]").await;
        b.wait_for("[data-quote-editor]").await;
        assert!(b.text("h1").await.contains("AN-2026-0001"), "{db}");
        // A SKU picked from the catalogue fills the line.
        b.fill("#l0_sku", "BP-200").await;
        b.js("document.querySelector('#l0_sku').dispatchEvent(new Event('change', {bubbles: true})); return true;")
            .await;
        let name = b
            .js("return document.querySelector('#l0_name').value;")
            .await;
        assert_eq!(name, json!("Brunnenpumpe 200"), "{db}");
        b.js("const q = document.querySelector('#l0_quantity'); q.value = '2'; return true;")
            .await;
        b.fill("#l0_discount", "15").await;
        // A free line with a discount over 100 % is explained at the field.
        b.fill("#l1_name", "Anfahrt").await;
        b.fill("#l1_price", "45,00").await;
        b.fill("#l1_discount", "120").await;
        b.fill("#l2_sku", "MONT-H").await;
        b.js("const s = document.querySelector('#contact_id'); s.selectedIndex = 1; return true;")
            .await;
        b.click("[data-quote-editor] .actions button.primary").await;
        b.wait_for("#l1_discount[aria-invalid=true]").await;
        assert!(
            b.text(".qline:nth-child(2)")
                .await
                .contains("Höchstens 100 %"),
            "{db}"
        );
        b.screenshot(&format!("quote-editor-error-{db}")).await;
        b.js("const d = document.querySelector('#l1_discount'); d.value = ''; return true;")
            .await;
        b.js("const q = document.querySelector('#l2_quantity'); q.value = '3,5'; return true;")
            .await;
        b.click("[data-quote-editor] .actions button.primary").await;
        b.wait_for("#state-h").await;
        let page = b.text("main").await;
        assert!(page.contains("Brunnenpumpe 200"), "{db}: {page}");
        assert!(page.contains("2.208,30 €"), "{db}: {page}");
        assert!(page.contains("3.035,45 €"), "{db}: {page}");
        assert!(
            page.contains("Der Rabatt von 15 % liegt über der Grenze von 10 %"),
            "{db}: {page}"
        );
        assert_eq!(b.count("form[action$='/send']").await, 0, "{db}");
        b.screenshot(&format!("quote-draft-desktop-{db}")).await;
        b.fill("#approval-note", "Großkunde, Rahmenvertrag in Aussicht")
            .await;
        b.click("form[action$='/approval'] button").await;
        b.wait_for(".alert.info").await;
        assert!(
            b.text(".alert.info").await.contains("Lena Lorenz"),
            "{db}: waits for the lead"
        );
        assert_clean(&b, "quote").await;
        let quote_path = b.path().await;
        let quote_path = quote_path.split('?').next().unwrap().to_string();

        // The lead approves with a comment.
        let Some(lb) = Browser::start(390, 844).await else {
            return;
        };
        lb.sign_in(&server.url(""), &lead.email, &lead.password)
            .await;
        lb.goto(&server.url(&quote_path)).await;
        lb.wait_for("form[action$='/approval/decision']").await;
        lb.screenshot(&format!("quote-approval-phone-{db}")).await;
        no_sideways_scroll(&lb, "the quote on a phone").await;
        lb.click("button[value=reject]").await;
        lb.wait_for("#decision-note[aria-invalid=true]").await;
        lb.fill("#decision-note", "Einverstanden, Rahmenvertrag folgt")
            .await;
        lb.click("button[value=approve]").await;
        lb.wait_for(".notice").await;
        assert!(
            lb.text("h1").await.contains("Freigegeben"),
            "{db}: {}",
            lb.text("h1").await
        );
        assert_clean(&lb, "approval").await;
        lb.close().await;

        // Klaus sends it; the PDF is there; Dieter's request is done.
        b.goto(&server.url(&quote_path)).await;
        b.click("form[action$='/send'] button").await;
        b.wait_for(".notice").await;
        assert!(b.text("h1").await.contains("Versendet"), "{db}");
        assert!(
            b.text("ol.timeline")
                .await
                .contains("Einverstanden, Rahmenvertrag folgt"),
            "{db}"
        );
        let kind = b
            .js(&format!(
                "return await fetch('{quote_path}/pdf').then(r => r.headers.get('content-type'));"
            ))
            .await;
        assert_eq!(kind, json!("application/pdf"), "{db}");
        b.screenshot(&format!("quote-sent-desktop-{db}")).await;
        let r = d.get(&format!("/api/v1/requests/{request_id}")).await;
        assert_eq!(r.body["status"], "done", "{db}");
        b.goto(&server.url(&format!("/requests/{request_id}")))
            .await;
        assert!(
            b.text("main")
                .await
                .contains("Angebot AN-2026-0001 · Versendet"),
            "{db}: the request links to its quote"
        );
        assert_clean(&b, "request").await;
        b.close().await;

        // On a phone: the list and the line editor fit the screen.
        let k = server.api_for(&klaus).await;
        let next = k
            .post(
                "/api/v1/quotes",
                json!({"account_id": account_id, "lines": [{"name": "Wartung", "unit_price": 25_000}]}),
            )
            .await;
        assert_eq!(next.status, 201, "{db}: {}", next.body);
        let Some(pb) = Browser::start(390, 844).await else {
            return;
        };
        pb.sign_in(&server.url(""), &klaus.email, &klaus.password)
            .await;
        pb.goto(&server.url("/quotes")).await;
        pb.wait_for("table.quotes").await;
        assert!(
            pb.text("table.quotes").await.contains("AN-2026-0002"),
            "{db}"
        );
        no_sideways_scroll(&pb, "the quote list on a phone").await;
        pb.screenshot(&format!("quotes-phone-{db}")).await;
        pb.goto(&server.url(&format!(
            "/quotes/{}/edit",
            next.body["id"].as_str().unwrap()
        )))
        .await;
        pb.wait_for("[data-quote-editor]").await;
        no_sideways_scroll(&pb, "the line editor on a phone").await;
        pb.js("document.querySelector('.qlines').scrollIntoView(); return true;")
            .await;
        pb.screenshot(&format!("quote-editor-phone-{db}")).await;
        assert_clean(&pb, "editor on a phone").await;
        pb.close().await;
    }
}

#[tokio::test]
async fn an_admin_sets_up_the_letterhead_and_logo_in_chromium() {
    let db = &backends()[0];
    let server = TestServer::start(db).await;
    let admin = server.person(Role::Admin, "Leitung", "Anna Admin").await;
    let Some(b) = Browser::start(1280, 900).await else {
        return;
    };
    b.sign_in(&server.url(""), &admin.email, &admin.password)
        .await;
    b.goto(&server.url("/admin/quotes")).await;
    b.wait_for("#lh-company").await;
    b.js("document.querySelector('#lh-company').value = 'Muster Pumpen GmbH'; document.querySelector('#lh-iban').value = 'DE00 1234'; return true;")
        .await;
    b.click("form[action='/admin/letterhead'] button.primary")
        .await;
    b.wait_for("#lh-iban[aria-invalid=true]").await;
    assert!(
        b.text("#lh-iban-error").await.contains("IBAN"),
        "{db}: the IBAN is explained"
    );
    b.js("document.querySelector('#lh-iban').value = 'DE89 3704 0044 0532 0130 00'; return true;")
        .await;
    b.click("form[action='/admin/letterhead'] button.primary")
        .await;
    b.wait_for(".notice").await;
    // A text file is no logo; an SVG is.
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("logo.png");
    std::fs::write(&text, "not an image").unwrap();
    b.fill("#logo", text.to_str().unwrap()).await;
    b.click("form[enctype='multipart/form-data'] button").await;
    b.wait_for("#logo-error").await;
    assert!(b.text("#logo-error").await.contains("kein Bild"), "{db}");
    let svg = dir.path().join("logo.svg");
    std::fs::write(
        &svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#1f4e8c"/></svg>"##,
    )
    .unwrap();
    b.fill("#logo", svg.to_str().unwrap()).await;
    b.click("form[enctype='multipart/form-data'] button").await;
    b.wait_for("img.logo-preview").await;
    b.screenshot("quote-settings-desktop").await;
    assert_clean(&b, "quote settings").await;
    b.close().await;
}
