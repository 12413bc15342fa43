use reqwest::StatusCode;
use tandem_domain::Role;
use tandem_testkit::{TestDb, TestServer, WebClient, backends};

#[tokio::test]
async fn a_new_installation_is_set_up_in_the_browser() {
    for db in backends() {
        let test_db = TestDb::new(&db).await;
        let server = TestServer::start_on(test_db, 30).await;
        let web = WebClient::new(server.url(""));
        let first = web.get("/").await;
        assert_eq!(
            first.path, "/setup",
            "{db}: with no users, the first visit shows setup"
        );

        let bad = web
            .submit(
                "/setup",
                "/setup",
                &[
                    ("workspace_name", "Beispiel GmbH"),
                    ("name", "Eva"),
                    ("email", "eva"),
                    ("password", "kurz"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            bad.select_text("#email-error").as_deref(),
            Some("Keine gültige E-Mail-Adresse.")
        );
        assert_eq!(
            bad.select_text("#password-error").as_deref(),
            Some("Das Passwort braucht mindestens 10 Zeichen.")
        );

        let done = web
            .submit(
                "/setup",
                "/setup",
                &[
                    ("workspace_name", "Beispiel GmbH"),
                    ("name", "Eva Admin"),
                    ("email", "eva@beispiel.test"),
                    ("password", "ein langes passwort"),
                ],
            )
            .await;
        assert_eq!(
            done.path, "/accounts",
            "{db}: the admin is signed in after setup"
        );
        assert_eq!(
            done.select_text(".usermenu .me").as_deref(),
            Some("Eva Admin")
        );
        assert!(
            done.text.contains("/admin/users"),
            "the admin sees the administration"
        );

        let again = WebClient::new(server.url("")).get("/setup").await;
        assert_eq!(again.path, "/login", "setup is closed once a user exists");
        server.stop().await;
    }
}

#[tokio::test]
async fn sign_in_locks_the_account_after_repeated_failures() {
    for db in backends() {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let web = WebClient::new(server.url(""));
        for attempt in 1..=4 {
            let page = web
                .submit(
                    "/login",
                    "/login",
                    &[("email", &user.email), ("password", "wrong password")],
                )
                .await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
            assert_eq!(
                page.select_text(".alert").as_deref(),
                Some("E-Mail-Adresse oder Passwort ist falsch.")
            );
        }
        let locked = web
            .submit(
                "/login",
                "/login",
                &[("email", &user.email), ("password", "wrong password")],
            )
            .await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            locked.select_text(".alert").unwrap().contains("gesperrt"),
            "{db}: a clear message"
        );
        let right_but_locked = web
            .submit(
                "/login",
                "/login",
                &[("email", &user.email), ("password", &user.password)],
            )
            .await;
        assert_eq!(
            right_but_locked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "the right password does not help while locked"
        );
        assert_eq!(right_but_locked.path, "/login");

        // An admin sees the lock and lifts it by setting a new password.
        let admin = server.user(Role::Admin).await;
        let admin_web = server.web(&admin).await;
        let list = admin_web.get("/admin/users").await;
        let row = list
            .select_all_text("table.list tbody tr")
            .into_iter()
            .find(|r| r.contains(&user.email))
            .unwrap();
        assert!(row.contains("Gesperrt bis"), "{db}: {row}");
        let form = admin_web.get(&format!("/admin/users/{}", user.id)).await;
        let version = form.attr("input[name=version]", "value").unwrap();
        let saved = admin_web
            .post_form(
                &format!("/admin/users/{}", user.id),
                &form.csrf(),
                &[
                    ("version", &version),
                    ("name", "Test field"),
                    ("role", "field"),
                    ("active", "on"),
                    ("password", "ein neues passwort"),
                ],
            )
            .await;
        assert_eq!(
            saved.select_text(".notice").as_deref(),
            Some("Gespeichert.")
        );
        WebClient::new(server.url(""))
            .login(&user.email, "ein neues passwort")
            .await;
        server.stop().await;
    }
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_address() {
    let db = backends().remove(0);
    let server = TestServer::start_on(TestDb::new(&db).await, 3).await;
    let web = WebClient::new(server.url(""));
    for _ in 0..3 {
        let p = web
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "nobody@example.test"),
                    ("password", "whatever it is"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    }
    let limited = web
        .submit(
            "/login",
            "/login",
            &[
                ("email", "nobody@example.test"),
                ("password", "whatever it is"),
            ],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited
            .select_text(".alert")
            .unwrap()
            .contains("Zu viele Anmeldeversuche")
    );
    server.stop().await;
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    for db in backends() {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Manager).await;
        let web = server.web(&user).await;
        let forged = web
            .post_form("/accounts", "", &[("name", "Forged GmbH")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{db}");
        assert_eq!(
            forged.select_text("h1").as_deref(),
            Some("Formular abgelaufen")
        );
        let wrong = web
            .post_form("/accounts", "not-the-token", &[("name", "Forged GmbH")])
            .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        let anon_login = WebClient::new(server.url(""))
            .post_form(
                "/login",
                "",
                &[("email", &user.email), ("password", &user.password)],
            )
            .await;
        assert_eq!(
            anon_login.status,
            StatusCode::FORBIDDEN,
            "sign-in needs the token too"
        );
        let csrf = web.get("/accounts/new").await.csrf();
        let huge = "x".repeat(1_100_000);
        let too_big = web.post_form("/accounts", &csrf, &[("name", &huge)]).await;
        assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            too_big.select_text("h1").as_deref(),
            Some("Zu groß"),
            "a readable page, not a crash"
        );
        let list = web.get("/accounts").await;
        assert!(!list.text.contains("Forged GmbH"), "nothing was created");
        server.stop().await;
    }
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_back() {
    for db in backends() {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let web = WebClient::new(server.url(""));
        let page = web.get("/accounts/new").await;
        assert_eq!(page.path, "/login?next=/accounts/new", "{db}");
        let csrf = page.csrf();
        let back = web
            .post_form(
                "/login",
                &csrf,
                &[
                    ("email", &user.email),
                    ("password", &user.password),
                    ("next", "/accounts/new"),
                ],
            )
            .await;
        assert_eq!(back.path, "/accounts/new");
        let evil = web.post_form("/logout", &back.csrf(), &[]).await;
        assert_eq!(evil.path, "/login?notice=signed-out");
        assert_eq!(
            evil.select_text(".notice").as_deref(),
            Some("Sie sind abgemeldet.")
        );
        assert_eq!(
            web.get("/accounts").await.path,
            "/login?next=/accounts",
            "the session is gone"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn the_profile_changes_language_and_password() {
    for db in backends() {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Inside).await;
        let web = server.web(&user).await;
        let other_device = server.web(&user).await;

        let en = web
            .submit("/profile", "/profile", &[("locale", "en")])
            .await;
        assert_eq!(en.select_text("h1").as_deref(), Some("My profile"), "{db}");
        assert_eq!(en.attr("html", "lang").as_deref(), Some("en"));

        let wrong = web
            .submit(
                "/profile",
                "/profile/password",
                &[
                    ("current_password", "nope nope nope"),
                    ("new_password", "a brand new secret"),
                    ("confirm_password", "a brand new secret"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text.contains("The current password is wrong."));

        let ok = web
            .submit(
                "/profile",
                "/profile/password",
                &[
                    ("current_password", &user.password),
                    ("new_password", "a brand new secret"),
                    ("confirm_password", "a brand new secret"),
                ],
            )
            .await;
        assert_eq!(
            ok.select_text(".notice").as_deref(),
            Some("Your password has been changed. Other devices are signed out.")
        );
        assert!(
            other_device
                .get("/accounts")
                .await
                .path
                .starts_with("/login"),
            "other sessions end"
        );
        let fresh = WebClient::new(server.url(""));
        fresh.login(&user.email, "a brand new secret").await;
        server.stop().await;
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let http = reqwest::Client::new();
    for path in [
        "/login",
        "/healthz",
        "/api/v1/accounts",
        "/static/css/app.css",
        "/nope",
    ] {
        let r = http.get(server.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
    }
    assert_eq!(
        http.get(server.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let metrics = http
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    let login = http.get(server.url("/login")).send().await.unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    server.stop().await;
}
