use serde_json::json;
use std::time::Duration;
use tandem_domain::Role;
use tandem_testkit::{Browser, TestServer, backend_test, backends};

#[tokio::test]
async fn a_user_signs_in_and_creates_an_account_in_chromium() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let Some(b) = Browser::start(1280, 800).await else {
        return;
    };
    let user = server.user(Role::Field).await;

    b.goto(&server.url("/accounts")).await;
    assert!(
        b.path().await.starts_with("/login"),
        "signed-out visitors go to sign-in"
    );
    b.screenshot("login-desktop").await;
    b.fill("#email", &user.email).await;
    b.fill("#password", &user.password).await;
    b.click("form button[type=submit]").await;
    b.wait_for("a[href='/accounts/new']").await;
    assert_eq!(b.text("h1").await, "Unternehmen");

    b.click("a[href='/accounts/new']").await;
    b.wait_for("#name").await;
    // A name longer than the field takes is cut, and the field says how long it may be.
    b.fill("#name", &"Schäfer Verpackung ".repeat(12)).await;
    b.wait_for(".length-hint:not([hidden])").await;
    assert_eq!(
        b.text(".length-hint").await,
        "Höchstens 200 Zeichen – mehr passt nicht in dieses Feld."
    );
    b.js("document.querySelector('#name').value = ''").await;
    b.fill("#name", "Schäfer Verpackung").await;
    assert_eq!(
        b.count(".length-hint:not([hidden])").await,
        0,
        "the hint goes once the name fits"
    );
    b.fill("#city", "Kassel").await;
    b.fill("#postal_code", "34117").await;
    b.screenshot("account-form-desktop").await;
    b.click("form.form-grid button[type=submit]").await;
    b.wait_for(".notice").await;
    assert!(b.text("h1").await.starts_with("Schäfer Verpackung"));
    b.screenshot("account-desktop").await;

    // The list updates by itself when a colleague adds an account.
    b.goto(&server.url("/accounts")).await;
    assert_eq!(b.count("table.list tbody tr").await, 1);
    let (api, _) = server.api(Role::Inside).await;
    api.post("/api/v1/accounts", json!({"name": "Zander Logistik"}))
        .await;
    let mut rows = 0;
    for _ in 0..50 {
        rows = b.count("table.list tbody tr").await;
        if rows == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        rows, 2,
        "the open list shows the colleague's account without a reload"
    );
    b.screenshot("accounts-desktop").await;
    b.close().await;

    // The same pages on a phone.
    let Some(phone) = Browser::start(390, 844).await else {
        return;
    };
    phone.goto(&server.url("/login")).await;
    phone.screenshot("login-phone").await;
    phone
        .sign_in(&server.url(""), &user.email, &user.password)
        .await;
    phone.goto(&server.url("/accounts")).await;
    phone.wait_for("table.list").await;
    phone.screenshot("accounts-phone").await;
    let width = phone
        .client
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        width <= 390.0,
        "no horizontal scrolling on a phone (page is {width}px wide)"
    );
    phone.click("table.list a").await;
    phone.wait_for(".timeline").await;
    phone.screenshot("account-phone").await;
    // Monday in the field: a visit report in a few taps.
    phone
        .fill("#log-subject", "Besuch: neue Verpackungslinie besprochen")
        .await;
    phone.fill("#log-summary", "Muster bis Freitag.").await;
    phone.click(".quicklog button[type=submit]").await;
    phone.wait_for(".notice").await;
    assert!(
        phone
            .text("ul.activities li")
            .await
            .contains("neue Verpackungslinie")
    );
    phone.screenshot("account-visit-logged-phone").await;
    phone.click("main a[href^='/contacts/new']").await;
    phone.wait_for("#last_name").await;
    phone.fill("#first_name", "Jonas").await;
    phone.fill("#last_name", "Weiß").await;
    phone.fill("#phones", "+49 561 123456").await;
    phone.screenshot("contact-form-phone").await;
    phone.click("form.form-grid button[type=submit]").await;
    phone.wait_for(".notice").await;
    assert!(phone.text("h1").await.contains("Jonas Weiß"));
    phone.screenshot("contact-phone").await;
    phone.close().await;
    server.stop().await;
}

backend_test! {
    async fn a_rep_creates_a_deal_and_moves_it_on_in_chromium(db) {
        // On every backend: the whole flow in the real browser.
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let api = server.api_for(&rep).await;
        let account = api
            .post(
                "/api/v1/accounts",
                json!({"name": "Köhler Antriebstechnik GmbH"}),
            )
            .await
            .body;
        let contact = api
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Köhler", "first_name": "Sabine", "account_id": account["id"]}),
            )
            .await
            .body;
        for (width, height, device) in [(1280, 800, "desktop"), (390, 844, "phone")] {
            let Some(b) = Browser::start(width, height).await else {
                return;
            };
            let device = format!("{device}-{db}");
            b.sign_in(&server.url(""), &rep.email, &rep.password).await;
            b.goto(&server.url(&format!(
                "/deals/new?account={}",
                account["id"].as_str().unwrap()
            )))
            .await;
            b.wait_for("#title").await;
            b.fill("#title", &format!("Getriebeprüfstand ({device})"))
                .await;
            b.fill("#amount", "64.000").await;
            b.fill("#next_step", "Technik-Termin vereinbaren").await;
            b.screenshot(&format!("deal-form-{device}")).await;
            b.click("form.form-grid button[type=submit]").await;
            b.wait_for(".notice").await;
            assert!(b.text(".lead").await.contains("64.000,00 €"));

            // Moving on from the first stage needs a contact: the page says so.
            b.click("nav.stages li:nth-child(2) button").await;
            b.wait_for("#exit-criteria").await;
            assert!(b.text("#exit-criteria").await.contains("Kontakt"));
            b.screenshot(&format!("deal-refused-{device}")).await;

            // Add the decision maker, then the move succeeds.
            b.click("form[action$='/contacts'] button").await;
            b.wait_for(".notice").await;
            assert!(
                b.text("#deal-contacts-h + ul")
                    .await
                    .contains("Sabine Köhler")
            );
            b.click("nav.stages li:nth-child(2) button").await;
            // The page before had a notice too (the contact was added): wait for the move.
            b.wait_for("nav.stages li.current:nth-child(2)").await;
            assert_eq!(b.text("nav.stages li.current").await, "Qualifizierung");
            b.screenshot(&format!("deal-{device}")).await;
            b.goto(&server.url("/deals")).await;
            b.wait_for("table.list").await;
            b.screenshot(&format!("deals-{device}")).await;
            b.close().await;
        }
        let _ = contact;
        server.stop().await;
    }
}

#[tokio::test]
async fn an_admin_shapes_pipelines_and_custom_fields_in_chromium() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let admin = server.user(Role::Admin).await;
    for (width, height, device) in [(1280, 800, "desktop"), (390, 844, "phone")] {
        let Some(b) = Browser::start(width, height).await else {
            return;
        };
        b.sign_in(&server.url(""), &admin.email, &admin.password)
            .await;
        b.goto(&server.url("/admin/pipelines")).await;
        b.wait_for("form.stage-form").await;
        // The standard six stages; the phone run also sees the one added on the desktop.
        let expected = if device == "desktop" { 6 } else { 7 };
        assert_eq!(b.count("ol.stage-admin > li").await, expected);
        b.screenshot(&format!("admin-pipelines-{device}")).await;
        if device == "desktop" {
            b.fill("input[name=name][id^=new-stage]", "Technische Klärung")
                .await;
            b.click("form[action$='/stages'] button").await;
            b.wait_for(".notice").await;
            assert_eq!(b.count("ol.stage-admin > li").await, 7);
            // Drag the new last stage to the top by its handle.
            b.js(
                "const list = document.querySelector('ol.stage-admin');
                 const items = list.querySelectorAll(':scope > li');
                 const last = items[items.length - 1], first = items[0];
                 last.querySelector('.grip').dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}));
                 const data = new DataTransfer();
                 last.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
                 first.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
                 last.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
                 return true;",
            )
            .await;
            b.wait_until(
                "the dragged stage is first after the reload",
                "const f = document.querySelector('ol.stage-admin > li input[name=name]');
                 return !!f && f.value === 'Technische Klärung';",
            )
            .await;
            b.goto(&server.url("/admin/fields")).await;
            b.wait_for("#new-label").await;
            b.fill("#new-label", "Branche (Detail)").await;
            b.fill("#new-options", "Werkzeugbau\nFormenbau").await;
            b.click("#new-kind option[value=select]").await;
            b.click("form[action='/admin/fields'] button[type=submit]")
                .await;
            b.wait_for(".notice").await;
        }
        b.screenshot(&format!("admin-fields-{device}")).await;
        b.goto(&server.url("/admin/calendar")).await;
        b.wait_for("#start_0").await;
        b.screenshot(&format!("admin-calendar-{device}")).await;
        b.goto(&server.url("/accounts/new")).await;
        b.wait_for("#cf_branche_detail").await;
        b.screenshot(&format!("account-form-custom-{device}")).await;
        b.close().await;
    }
    server.stop().await;
}
