use tandem_domain::Role;
use tandem_testkit::Locator;
use tandem_testkit::{Browser, TestServer, backends};

#[tokio::test]
async fn a_user_signs_in_and_creates_an_account_in_chromium() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let Some(browser) = Browser::start(1280, 800).await else {
        return;
    };
    let user = server.user(Role::Field).await;
    let c = &browser.client;

    c.goto(&server.url("/accounts")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    browser.screenshot("login-desktop").await;
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(&user.email)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(&user.password)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("a[href='/accounts/new']"))
        .await
        .unwrap();
    assert_eq!(
        c.find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Unternehmen"
    );

    c.find(Locator::Css("a[href='/accounts/new']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("#name")).await.unwrap();
    c.find(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys("Schäfer Verpackung")
        .await
        .unwrap();
    c.find(Locator::Css("#city"))
        .await
        .unwrap()
        .send_keys("Kassel")
        .await
        .unwrap();
    c.find(Locator::Css("#postal_code"))
        .await
        .unwrap()
        .send_keys("34117")
        .await
        .unwrap();
    browser.screenshot("account-form-desktop").await;
    c.find(Locator::Css("form.form-grid button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".notice")).await.unwrap();
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(heading.starts_with("Schäfer Verpackung"), "{heading}");
    browser.screenshot("account-desktop").await;

    c.goto(&server.url("/accounts")).await.unwrap();
    let rows = c
        .find_all(Locator::Css("table.list tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    browser.screenshot("accounts-desktop").await;
    browser.close().await;

    // The same pages on a phone.
    let Some(phone) = Browser::start(390, 844).await else {
        return;
    };
    let c = &phone.client;
    c.goto(&server.url("/login")).await.unwrap();
    phone.screenshot("login-phone").await;
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(&user.email)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(&user.password)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("table.list"))
        .await
        .unwrap();
    phone.screenshot("accounts-phone").await;
    let width: f64 = c
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        width <= 390.0,
        "no horizontal scrolling on a phone (page is {width}px wide)"
    );
    c.find(Locator::Css("table.list a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".timeline"))
        .await
        .unwrap();
    phone.screenshot("account-phone").await;
    phone.close().await;
    server.stop().await;
}
