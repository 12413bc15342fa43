//! The browser app in headless Chromium: the pipeline board (drag and drop, keyboard,
//! live in a second session), quick add, typeahead search, language switch, and a
//! visit report on a phone. Screenshots go to the review folder.

use serde_json::{Value, json};
use tandem_domain::Role;
use tandem_testkit::fantoccini::{self, key::Key};
use tandem_testkit::{Browser, TestServer, backend_test, backends};

/// A deal in the first stage, ready to move on: amount, close date, next step and a
/// decision maker.
async fn ready_deal(api: &tandem_testkit::ApiClient, title: &str) -> Value {
    let account = api
        .post("/api/v1/accounts", json!({"name": format!("{title} GmbH")}))
        .await
        .body;
    let contact = api
        .post(
            "/api/v1/contacts",
            json!({"last_name": "Brandt", "first_name": "Ute", "account_id": account["id"]}),
        )
        .await
        .body;
    api.post(
        "/api/v1/deals",
        json!({
            "title": title,
            "account_id": account["id"],
            "amount": {"minor": 4_800_000, "currency": "EUR"},
            "expected_close": "2027-03-31",
            "next_step": "Angebot abstimmen",
            "contacts": [{"contact_id": contact["id"], "role": "decision_maker"}],
        }),
    )
    .await
    .body
}

/// The index (1-based) of the board column that holds the deal's card, 0 if none.
fn column_of(id: &str) -> String {
    format!(
        "const card = document.querySelector('[data-deal=\"{id}\"]');
         if (!card || card.classList.contains('moving')) return 0;
         return [...document.querySelectorAll('[data-board] .column')].indexOf(card.closest('.column')) + 1;"
    )
}

/// Drags a card onto a column the way a mouse does, through the page's own handlers
/// (WebDriver cannot drive native HTML drag and drop in Chromium).
fn drag(id: &str, column: usize) -> String {
    format!(
        "const card = document.querySelector('[data-deal=\"{id}\"]');
         const target = document.querySelectorAll('[data-board] .column')[{column} - 1];
         const data = new DataTransfer();
         card.dispatchEvent(new DragEvent('dragstart', {{bubbles: true, dataTransfer: data}}));
         target.dispatchEvent(new DragEvent('dragover', {{bubbles: true, cancelable: true, dataTransfer: data}}));
         target.dispatchEvent(new DragEvent('drop', {{bubbles: true, cancelable: true, dataTransfer: data}}));
         card.dispatchEvent(new DragEvent('dragend', {{bubbles: true, dataTransfer: data}}));
         return true;"
    )
}

async fn assert_clean(b: &Browser, page: &str) {
    // Refusals the walk provokes on purpose (422, 409) are logged by Chromium as failed
    // loads; anything else is an error.
    let errors: Vec<String> = b
        .console_errors()
        .await
        .into_iter()
        .filter(|e| !e.contains("status of 422") && !e.contains("status of 409"))
        .collect();
    assert!(errors.is_empty(), "console errors on {page}: {errors:?}");
    let foreign = b
        .js("return performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith(location.origin));")
        .await;
    assert_eq!(foreign, json!([]), "{page} loads nothing from other hosts");
}

backend_test! {
    async fn deals_move_on_the_board_by_drag_and_keyboard_and_colleagues_see_it_live(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let api = server.api_for(&rep).await;
        let deal = ready_deal(&api, "Prüfstand Nord").await;
        let id = deal["id"].as_str().unwrap().to_string();
        let account = api
            .post("/api/v1/accounts", json!({"name": "Ohne Kontakt AG"}))
            .await
            .body;
        let bare = api
            .post(
                "/api/v1/deals",
                json!({"title": "Noch ohne Kontakt", "account_id": account["id"]}),
            )
            .await
            .body;
        let bare = bare["id"].as_str().unwrap().to_string();

        let Some(b) = Browser::start(1280, 800).await else {
            return;
        };
        let Some(colleague) = Browser::start(1280, 800).await else {
            return;
        };
        let manager = server.user(Role::Manager).await;
        b.sign_in(&server.url(""), &rep.email, &rep.password).await;
        colleague
            .sign_in(&server.url(""), &manager.email, &manager.password)
            .await;
        for browser in [&b, &colleague] {
            browser.goto(&server.url("/board")).await;
            browser.wait_for("[data-board] .deal-card").await;
        }
        assert_eq!(b.js(&column_of(&id)).await, json!(1));
        assert!(
            b.text(".column:first-child .column-head")
                .await
                .contains("48.000,00 €")
        );
        b.screenshot(&format!("board-desktop-{db}")).await;
        // Give the colleague's event stream a moment to connect.
        colleague
            .wait_until(
                "the event stream is open",
                "return document.body.dataset.liveConnected === 'true';",
            )
            .await;

        // Drag and drop into the second stage.
        b.js(&drag(&id, 2)).await;
        b.wait_until(
            "the card sits in stage 2",
            &format!("return ({})() === 2;", as_fn(&column_of(&id))),
        )
        .await;
        b.wait_until(
            "the move is saved",
            "return !document.querySelector('.moving');",
        )
        .await;
        // The colleague's board follows without a reload, and says who did it.
        colleague
            .wait_until(
                "the colleague sees the move",
                &format!("return ({})() === 2;", as_fn(&column_of(&id))),
            )
            .await;
        colleague.wait_for(".toast").await;
        assert!(colleague.text(".toast").await.contains(&rep.name));
        colleague.screenshot(&format!("board-live-{db}")).await;

        // The keyboard: Shift + → moves the focused card one stage on.
        b.js(&format!(
            "document.querySelector('[data-deal=\"{id}\"]').focus(); return true;"
        ))
        .await;
        let card = b
            .client
            .find(fantoccini::Locator::Css(&format!("[data-deal='{id}']")))
            .await
            .unwrap();
        card.send_keys(&format!(
            "{}{}",
            char::from(Key::Shift),
            char::from(Key::Right)
        ))
        .await
        .unwrap();
        b.wait_until(
            "the card sits in stage 3",
            &format!("return ({})() === 3;", as_fn(&column_of(&id))),
        )
        .await;

        // Persisted: after a reload the card is still in stage 3.
        b.goto(&server.url("/board")).await;
        b.wait_for("[data-board] .deal-card").await;
        assert_eq!(b.js(&column_of(&id)).await, json!(3));
        let stored = api.get(&format!("/api/v1/deals/{id}")).await.body;
        assert_eq!(stored["stage_name"], "Bedarfsanalyse");

        // A move the exit criteria refuse: the card goes back and the reason is shown.
        b.js(&drag(&bare, 2)).await;
        b.wait_for(".toast.error").await;
        assert!(b.text(".toast.error").await.contains("Kontakt"));
        b.wait_until(
            "the refused card is back",
            &format!("return ({})() === 1;", as_fn(&column_of(&bare))),
        )
        .await;
        b.screenshot(&format!("board-refused-{db}")).await;
        assert_clean(&b, "the board").await;
        b.close().await;
        colleague.close().await;
        server.stop().await;
    }
}

/// Wraps a script body into a function expression, to call it inside another script.
fn as_fn(body: &str) -> String {
    format!("() => {{ {body} }}")
}

#[tokio::test]
async fn quick_add_search_and_language_switch_in_chromium() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let rep = server.user(Role::Field).await;
    let api = server.api_for(&rep).await;
    api.post(
        "/api/v1/accounts",
        json!({"name": "Köhler Antriebstechnik GmbH"}),
    )
    .await;
    let Some(b) = Browser::start(1280, 800).await else {
        return;
    };
    b.sign_in(&server.url(""), &rep.email, &rep.password).await;
    b.wait_for(".myday").await;
    assert_eq!(b.text("h1").await, "Mein Tag");
    b.screenshot("home-desktop").await;

    // N, then D: the quick-add dialog for a deal, from anywhere.
    b.goto(&server.url("/accounts")).await;
    b.wait_for("table.list").await;
    let body = b
        .client
        .find(fantoccini::Locator::Css("body"))
        .await
        .unwrap();
    body.send_keys("nd").await.unwrap();
    b.wait_for("dialog[open] #title").await;
    b.fill("dialog #title", "Antriebsmodernisierung").await;
    b.fill("dialog #account_name", "Köhler").await;
    b.screenshot("quick-add-deal-desktop").await;
    b.click("dialog button[type=submit]").await;
    b.wait_for(".notice").await;
    assert!(b.path().await.starts_with("/deals/"));
    assert!(b.text("h1").await.starts_with("Antriebsmodernisierung"));

    // The record page edits in place: the form opens over the page and saves back to it.
    b.click("a.primary[href$='/edit'][data-dialog]").await;
    b.wait_for("dialog[open] #title").await;
    b.js("document.querySelector('dialog #title').value = ''; return true;")
        .await;
    b.fill("dialog #title", "Antriebsmodernisierung Halle 2")
        .await;
    b.screenshot("deal-edit-dialog-desktop").await;
    b.click("dialog button[type=submit]").await;
    b.wait_until(
        "the page shows the new title",
        "return document.querySelector('h1').textContent.includes('Halle 2') && !document.querySelector('dialog[open]');",
    )
    .await;
    // The timeline shows the stage the deal started in.
    assert!(b.text(".activities").await.contains("Erstkontakt"));

    // A mistake in the dialog stays in the dialog, with the reason at the field.
    b.click(".quickadd summary").await;
    b.click(".quickadd a[href='/tasks/new']").await;
    b.wait_for("dialog[open] form").await;
    b.click("dialog button[type=submit]").await;
    b.wait_for("dialog[open] .field-error").await;
    b.screenshot("quick-add-error-desktop").await;
    b.js("document.querySelector('dialog[open]').close(); return true;")
        .await;

    // `/` focuses the search; the typeahead groups hits; Enter opens the chosen one.
    let body = b
        .client
        .find(fantoccini::Locator::Css("body"))
        .await
        .unwrap();
    body.send_keys("/").await.unwrap();
    b.wait_until(
        "the search box has the focus",
        "return document.activeElement.id === 'top-q';",
    )
    .await;
    let input = b
        .client
        .find(fantoccini::Locator::Css("#top-q"))
        .await
        .unwrap();
    input.send_keys("Köhl").await.unwrap();
    b.wait_for("#top-suggest [role=option]").await;
    assert!(
        b.text("#top-suggest")
            .await
            .to_lowercase()
            .contains("unternehmen")
    );
    b.screenshot("typeahead-desktop").await;
    input
        .send_keys(&format!(
            "{}{}",
            char::from(Key::Down),
            char::from(Key::Enter)
        ))
        .await
        .unwrap();
    b.wait_until(
        "an account page opened",
        "return location.pathname.startsWith('/accounts/');",
    )
    .await;
    assert!(b.text("h1").await.contains("Köhler Antriebstechnik"));

    // The list tools, for the review screenshots: views, columns, export, bulk bar.
    b.goto(&server.url("/deals")).await;
    b.wait_for("table.list").await;
    b.click(".listtools details.tool:nth-of-type(2) summary")
        .await;
    b.screenshot("deals-list-columns-desktop").await;

    // Switching to English changes the whole interface.
    b.goto(&server.url("/profile")).await;
    b.click("#locale option[value=en]").await;
    b.click("form[action='/profile'] button[type=submit]").await;
    b.wait_for(".notice").await;
    b.goto(&server.url("/")).await;
    assert_eq!(b.text("h1").await, "My day");
    assert!(b.text(".mainnav").await.contains("Accounts"));
    assert_clean(&b, "the pages of this walk").await;
    b.close().await;
    server.stop().await;
}

#[tokio::test]
async fn a_field_rep_logs_a_visit_report_on_a_phone() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let rep = server.user(Role::Field).await;
    let api = server.api_for(&rep).await;
    ready_deal(&api, "Hallenkran Süd").await;
    let Some(phone) = Browser::start(390, 844).await else {
        return;
    };
    phone
        .sign_in(&server.url(""), &rep.email, &rep.password)
        .await;
    phone.wait_for(".myday").await;
    phone.screenshot("home-phone").await;

    // One tap on "Besuch erfassen", three fields, save.
    phone
        .click(".quicklinks a[href^='/activities/new?kind=visit']")
        .await;
    phone.wait_for("dialog[open] #subject").await;
    assert_eq!(
        phone
            .js("return document.querySelector('dialog input[name=kind]:checked').value;")
            .await,
        json!("visit")
    );
    phone.fill("dialog #account_name", "Hallenkran Süd").await;
    phone.fill("dialog #subject", "Kranbahn besichtigt").await;
    phone.fill("dialog #summary", "Angebot bis Freitag.").await;
    phone.screenshot("visit-report-phone").await;
    phone.click("dialog button[type=submit]").await;
    phone.wait_for(".notice").await;
    assert_eq!(phone.path().await, "/");
    assert!(phone.text(".myday").await.contains("Kranbahn besichtigt"));
    phone.screenshot("home-after-visit-phone").await;

    // The main pages fit the phone's width.
    for (path, name) in [
        ("/", "home"),
        ("/board", "board"),
        ("/deals", "deals"),
        ("/accounts", "accounts"),
        ("/tasks", "tasks"),
    ] {
        phone.goto(&server.url(path)).await;
        phone.wait_for("main h1").await;
        phone.screenshot(&format!("{name}-phone")).await;
        let width = phone
            .js("return document.documentElement.scrollWidth;")
            .await
            .as_f64()
            .unwrap();
        assert!(
            width <= 390.0,
            "{path} scrolls sideways on a phone ({width}px)"
        );
    }
    assert_clean(&phone, "the phone pages").await;
    phone.close().await;
    server.stop().await;
}
