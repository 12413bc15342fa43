use reqwest::StatusCode;
use tandem_domain::Role;
use tandem_testkit::{TestDb, TestServer, WebClient, backend_test, backends};

backend_test! {
    async fn a_new_installation_is_set_up_in_the_browser(db) {
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
                    ("code", "11111-11111"),
                    ("workspace_name", "Beispiel GmbH"),
                    ("name", "Eva"),
                    ("email", "eva"),
                    ("password", "kurz"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            bad.select_text("#code-error").as_deref(),
            Some("Das ist nicht der Einrichtungscode aus der Konsole."),
            "{db}: only who sees the console may set up"
        );
        assert_eq!(
            bad.select_text("#email-error").as_deref(),
            Some("Keine gültige E-Mail-Adresse.")
        );
        assert_eq!(
            bad.select_text("#password-error").as_deref(),
            Some("Das Passwort braucht mindestens 12 Zeichen.")
        );
        assert_eq!(
            bad.attr("#workspace_name", "value").as_deref(),
            Some("Beispiel GmbH"),
            "what was typed stays"
        );

        let weak = web
            .submit(
                "/setup",
                "/setup",
                &[
                    ("code", tandem_testkit::SETUP_CODE),
                    ("workspace_name", "Beispiel GmbH"),
                    ("name", "Eva Admin"),
                    ("email", "eva@beispiel.test"),
                    ("password", "passwort1234"),
                ],
            )
            .await;
        assert_eq!(
            weak.select_text("#password-error").as_deref(),
            Some(
                "Dieses Passwort ist zu leicht zu erraten. Nehmen Sie einen längeren Satz aus \
                 mehreren Wörtern oder mischen Sie Wörter, Zahlen und Zeichen."
            )
        );

        let done = web
            .submit(
                "/setup",
                "/setup",
                &[
                    ("code", tandem_testkit::SETUP_CODE),
                    ("workspace_name", "Beispiel GmbH"),
                    ("name", "Eva Admin"),
                    ("email", "eva@beispiel.test"),
                    ("password", "Kranbahn am Nordhafen 7"),
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

const WRONG: &str = "E-Mail-Adresse oder Passwort ist falsch.";

async fn attempt(web: &WebClient, email: &str, password: &str) -> tandem_testkit::Page {
    web.submit(
        "/login",
        "/login",
        &[("email", email), ("password", password)],
    )
    .await
}

backend_test! {
    async fn a_guesser_is_slowed_down_but_the_owner_is_never_locked_out(db) {
        let start = tandem_domain::Instant(1_796_000_000_000);
        let clock = tandem_domain::time::Clock::manual(start);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let user = server.user(Role::Field).await;
        let guesser = WebClient::from_address(server.url(""), "203.0.113.9");
        for n in 1..=5 {
            let page = attempt(&guesser, &user.email, "wrong password").await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{db}: attempt {n}");
            assert_eq!(page.select_text(".alert").as_deref(), Some(WRONG));
        }
        // Now the guesser must wait: even the right password is answered like a wrong
        // one, and exactly like an unknown e-mail, so nothing is learnt.
        let throttled = attempt(&guesser, &user.email, &user.password).await;
        let unknown = attempt(&guesser, "nobody@acme.test", "wrong password").await;
        for page in [&throttled, &unknown] {
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{db}");
            assert_eq!(page.select_text(".alert").as_deref(), Some(WRONG), "{db}");
            assert_eq!(page.path, "/login");
        }

        // The owner, at her own desk, signs in at once.
        let owner = WebClient::from_address(server.url(""), "198.51.100.7");
        owner.login(&user.email, &user.password).await;

        // A moment later the guesser's wait is over: no lock that lasts.
        clock.set(start.plus_ms(2_000));
        let later = attempt(&guesser, &user.email, &user.password).await;
        assert_eq!(later.path, "/", "{db}: no lockout after the wait");
        server.stop().await;
    }
}

backend_test! {
    async fn parallel_wrong_passwords_are_each_counted(db) {
        let clock = tandem_domain::time::Clock::manual(tandem_domain::Instant(1_796_000_000_000));
        let server = TestServer::start_at(&db, clock).await;
        let user = server.user(Role::Inside).await;
        let guesser = WebClient::from_address(server.url(""), "203.0.113.10");
        let csrf = guesser.get("/login").await.csrf();
        let attempts = (0..25).map(|_| {
            let (web, csrf, email) = (guesser.clone(), csrf.clone(), user.email.clone());
            tokio::spawn(async move {
                web.post_form(
                    "/login",
                    &csrf,
                    &[("email", &email), ("password", "wrong password")],
                )
                .await
                .status
            })
        });
        for status in futures_util::future::join_all(attempts).await {
            assert_eq!(status.expect("task"), StatusCode::UNAUTHORIZED, "{db}");
        }
        // The first five were let through, one at a time; the other twenty waited.
        let key = format!("login:account:{}:203.0.113.10", user.id.0);
        let mut c = server.store.read().await.expect("read");
        let hits = tandem_store::rate_limits::hits(&mut c.conn(), &key)
            .await
            .expect("hits");
        assert_eq!(
            hits,
            Some(5),
            "{db}: every attempt counted, none lost to a race"
        );
        drop(c);
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

backend_test! {
    async fn forms_without_the_csrf_token_are_refused(db) {
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

backend_test! {
    async fn signed_out_visitors_are_sent_to_sign_in_and_back(db) {
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

backend_test! {
    async fn the_profile_changes_language_and_password(db) {
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
