//! Hostile input and side doors, on both backends: spreadsheets that would exhaust
//! memory, text that splits inside a letter or holds NUL bytes, redirects to other
//! sites, references to records one may not see, live events about them, sessions that
//! outlive their sign-out, and the rate limits behind a proxy.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tandem_domain::{Instant, Role, time::Clock};
use tandem_testkit::{ApiClient, TestServer, WebClient, backend_test, wait_for_event};

async fn import(api: &ApiClient, kind: &str, csv: &str, on_duplicate: &str) -> Value {
    let up = api
        .raw(
            Method::POST,
            &format!("/api/v1/imports?kind={kind}&file_name=t.csv"),
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(up.status, 201, "{}", up.body);
    let id = up.body["id"].as_str().unwrap().to_string();
    let mapped = api
        .put(
            &format!("/api/v1/imports/{id}/mapping"),
            json!({"version": up.body["version"], "mapping": up.body["mapping"], "on_duplicate": on_duplicate}),
        )
        .await;
    assert_eq!(mapped.status, 200, "{}", mapped.body);
    let run = api
        .post(&format!("/api/v1/imports/{id}/run"), json!({}))
        .await;
    assert!(run.status.is_success(), "{}", run.body);
    for _ in 0..150 {
        let i = api.get(&format!("/api/v1/imports/{id}")).await.body;
        if i["status"] != "running" {
            return i;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("import {id} did not finish");
}

async fn ready(server: &TestServer) -> StatusCode {
    reqwest::get(server.url("/readyz")).await.unwrap().status()
}

backend_test! {
    async fn a_sheet_with_one_far_away_cell_is_refused_and_the_server_lives_on(db) {
        let server = TestServer::start(&db).await;
        let (admin, _) = server.api(Role::Admin).await;
        // Cells at A1 and XFD1048576 only: a dense range would be 17 billion cells.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(bytes.len() < 10_000);
        let up = admin
            .raw(
                Method::POST,
                "/api/v1/imports?kind=accounts&file_name=bomb.xlsx",
                "application/octet-stream",
                bytes,
            )
            .await;
        assert_eq!(up.status, 422, "{db}: {}", up.body);
        assert_eq!(up.body["errors"][0]["field"], "file", "{db}");
        assert_eq!(up.body["errors"][0]["code"], "too_many_columns", "{db}");
        assert_eq!(ready(&server).await, 200, "{db}");

        // Rows far down, within the columns: read cell by cell, without the gap.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(1, 0, "Erste GmbH").unwrap();
        sheet.write_string(1_048_575, 0, "Letzte GmbH").unwrap();
        let up = admin
            .raw(
                Method::POST,
                "/api/v1/imports?kind=accounts&file_name=lang.xlsx",
                "application/octet-stream",
                book.save_to_buffer().unwrap(),
            )
            .await;
        assert_eq!(up.status, 201, "{db}: {}", up.body);
        assert_eq!(up.body["total_rows"], 2, "{db}: {}", up.body);
        server.stop().await;
    }
}

backend_test! {
    async fn a_vat_id_with_an_umlaut_is_invalid_in_the_api_and_in_an_import(db) {
        let server = TestServer::start(&db).await;
        let (admin, _) = server.api(Role::Admin).await;
        let refused = admin
            .post(
                "/api/v1/accounts",
                json!({"name": "Kühn AG", "vat_id": "Kä123"}),
            )
            .await;
        assert_eq!(refused.status, 422, "{db}: {}", refused.body);
        assert_eq!(refused.body["errors"][0]["field"], "vat_id");
        let done = import(
            &admin,
            "accounts",
            "Name;USt-IdNr.\nKühn AG;Kä123\nBerg GmbH;DE123456789\n",
            "skip",
        )
        .await;
        assert_eq!(done["status"], "done", "{db}: {done}");
        assert_eq!(done["created"], 1, "{db}: {done}");
        assert_eq!(done["row_errors"][0]["row"], 1, "{db}: {done}");
        assert_eq!(
            done["row_errors"][0]["code"], "invalid_vat_id",
            "{db}: {done}"
        );
        // The job runner still runs (it used to stop for good here).
        assert_eq!(ready(&server).await, 200, "{db}");
        let again = import(&admin, "accounts", "Name\nNach GmbH\n", "skip").await;
        assert_eq!(again["status"], "done", "{db}: the next job runs too");
        server.stop().await;
    }
}

backend_test! {
    async fn text_with_control_characters_is_refused_naming_the_field(db) {
        let server = TestServer::start(&db).await;
        let (admin, user) = server.api(Role::Admin).await;
        let nul = admin
            .post("/api/v1/accounts", json!({"name": "Null\u{0}GmbH"}))
            .await;
        assert_eq!(nul.status, 422, "{db}: {}", nul.body);
        assert_eq!(nul.body["errors"][0]["field"], "name", "{db}");
        assert_eq!(nul.body["errors"][0]["code"], "control_characters", "{db}");
        let tags = admin
            .post(
                "/api/v1/accounts",
                json!({"name": "A", "tags": ["ok", "\u{1b}[31m"]}),
            )
            .await;
        assert_eq!(
            tags.body["errors"][0]["field"], "tags",
            "{db}: {}",
            tags.body
        );
        // Line breaks and tabs are text.
        let fine = admin
            .post(
                "/api/v1/accounts",
                json!({"name": "Zeile\teins", "notes": "a\nb"}),
            )
            .await;
        assert_eq!(fine.status, 201, "{db}: {}", fine.body);

        let search = admin.get("/api/v1/accounts?q=M%00ller").await;
        assert_eq!(search.status, 422, "{db}: {}", search.body);
        assert_eq!(search.body["errors"][0]["field"], "q", "{db}");
        let global = admin.get("/api/v1/search?q=%00").await;
        assert_eq!(global.status, 422, "{db}: {}", global.body);

        let trailing = admin
            .raw(
                Method::POST,
                "/api/v1/accounts",
                "application/json",
                br#"{"name":"x"}}]"#.to_vec(),
            )
            .await;
        assert_eq!(trailing.status, 400, "{db}: {}", trailing.body);
        let list = admin.get("/api/v1/accounts").await.body;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{db}: {list}");

        let web = server.web(&user).await;
        let page = web
            .submit("/accounts/new", "/accounts", &[("name", "Form\u{0}AG")])
            .await;
        assert_eq!(page.status, 422, "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn the_api_without_credentials_answers_401_for_writes_too(db) {
        let server = TestServer::start(&db).await;
        let anonymous = ApiClient::new(server.url(""), None);
        for (method, path) in [
            (Method::POST, "/api/v1/accounts"),
            (
                Method::PATCH,
                "/api/v1/accounts/0190d2a2-0000-7000-8000-000000000000",
            ),
            (
                Method::DELETE,
                "/api/v1/accounts/0190d2a2-0000-7000-8000-000000000000",
            ),
        ] {
            let r = anonymous
                .raw(method.clone(), path, "application/json", b"{}".to_vec())
                .await;
            assert_eq!(r.status, 401, "{db}: {method} {path}");
            assert_eq!(
                r.headers["content-type"], "application/problem+json",
                "{db}"
            );
        }
        let bad_token = ApiClient::new(server.url(""), Some("tdm_nonsense".into()));
        assert_eq!(
            bad_token.post("/api/v1/accounts", json!({})).await.status,
            401
        );
        server.stop().await;
    }
}

backend_test! {
    async fn redirects_after_sign_in_and_language_stay_on_this_site(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let no_redirects = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        for next in [
            "/%09/evil.example",
            "//evil.example",
            "/%5Cevil.example",
            "/%0d%0a",
            "/%00",
        ] {
            let r = no_redirects
                .get(server.url(&format!("/lang/en?next={next}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "{db}: {next}");
            assert_eq!(r.headers()["location"], "/", "{db}: {next}");
        }
        let web = WebClient::new(server.url(""));
        let page = web
            .submit(
                "/login",
                "/login",
                &[
                    ("email", &user.email),
                    ("password", &user.password),
                    ("next", "/\n/evil.example"),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{db}");
        assert_eq!(page.path, "/", "{db}: signed in, at home, not elsewhere");
        let local = no_redirects
            .get(server.url("/lang/en?next=/deals%3Fstage%3D2"))
            .send()
            .await
            .unwrap();
        assert_eq!(local.headers()["location"], "/deals?stage=2", "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn signed_in_pages_are_not_kept_in_caches(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let web = server.web(&user).await;
        let r = web.http.get(server.url("/accounts")).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store", "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn a_hidden_record_cannot_be_referenced_by_a_write(db) {
        let server = TestServer::start(&db).await;
        let south = server
            .api_for(&server.user_in_team(Role::Field, "Süd").await)
            .await;
        let north = server
            .api_for(&server.user_in_team(Role::Field, "Nord").await)
            .await;
        let account = south
            .post("/api/v1/accounts", json!({"name": "Geheim Maschinenbau"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap();
        let contact = south
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Verborgen", "account_id": account_id}),
            )
            .await
            .body;
        let deal = south
            .post(
                "/api/v1/deals",
                json!({"title": "Geheimprojekt", "account_id": account_id}),
            )
            .await
            .body;
        assert_eq!(
            north
                .get(&format!("/api/v1/accounts/{account_id}"))
                .await
                .status,
            404
        );

        let on_deal = north
            .post(
                "/api/v1/deals",
                json!({"title": "Meins", "account_id": account_id}),
            )
            .await;
        assert_eq!(on_deal.status, 422, "{db}: {}", on_deal.body);
        assert_eq!(on_deal.body["errors"][0]["field"], "account_id", "{db}");
        assert!(!on_deal.body.to_string().contains("Geheim"), "{db}");
        let task = north
            .post(
                "/api/v1/tasks",
                json!({"title": "Anrufen", "contact_id": contact["id"]}),
            )
            .await;
        assert_eq!(task.status, 422, "{db}: {}", task.body);
        assert_eq!(task.body["errors"][0]["field"], "contact_id", "{db}");
        let activity = north
            .post(
                "/api/v1/activities",
                json!({"kind": "note", "subject": "Notiz", "deal_id": deal["id"]}),
            )
            .await;
        assert_eq!(activity.status, 422, "{db}: {}", activity.body);
        assert_eq!(activity.body["errors"][0]["field"], "deal_id", "{db}");
        let contact_there = north
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Neu", "account_id": account_id}),
            )
            .await;
        assert_eq!(contact_there.status, 422, "{db}: {}", contact_there.body);
        server.stop().await;
    }
}

backend_test! {
    async fn live_events_reach_only_those_who_may_see_the_record(db) {
        let server = TestServer::start(&db).await;
        let south = server.user_in_team(Role::Field, "Süd").await;
        let north = server.user_in_team(Role::Field, "Nord").await;
        let (s, n) = (server.api_for(&south).await, server.api_for(&north).await);
        let mut stream = server.event_stream(&north).await;
        let hidden = s
            .post("/api/v1/accounts", json!({"name": "Süd GmbH"}))
            .await
            .body;
        let own = n
            .post("/api/v1/accounts", json!({"name": "Nord GmbH"}))
            .await
            .body;
        let seen = wait_for_event(&mut stream, own["id"].as_str().unwrap())
            .await
            .expect("north hears of its own account");
        assert!(
            !seen.contains(hidden["id"].as_str().unwrap()),
            "{db}: north heard of a record it may not see: {seen}"
        );
        drop(stream);
        server.stop().await;
    }
}

backend_test! {
    async fn signing_out_ends_the_live_stream(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let web = server.web(&user).await;
        let mut stream = web.http.get(server.url("/events")).send().await.unwrap();
        assert_eq!(stream.status(), 200, "{db}");
        let page = web.get("/").await;
        web.post_form("/logout", &page.csrf(), &[]).await;
        let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while let Ok(Some(_)) = stream.chunk().await {}
        })
        .await;
        assert!(ended.is_ok(), "{db}: the stream ends with the session");
        server.stop().await;
    }
}

backend_test! {
    async fn read_only_users_cannot_ask_for_anything_or_comment(db) {
        let server = TestServer::start(&db).await;
        let (reader, _) = server.api(Role::ReadOnly).await;
        let (field, _) = server.api(Role::Field).await;
        let types = field.get("/api/v1/request-types").await.body;
        let type_id = types["items"][0]["id"].clone();
        let asked = reader
            .post(
                "/api/v1/requests",
                json!({"type_id": type_id, "description": "Bitte Angebot"}),
            )
            .await;
        assert_eq!(asked.status, 403, "{db}: {}", asked.body);
        let request = field
            .post(
                "/api/v1/requests",
                json!({"type_id": type_id, "description": "Bitte Angebot"}),
            )
            .await;
        assert_eq!(request.status, 201, "{db}: {}", request.body);
        let id = request.body["id"].as_str().unwrap();
        let comment = reader
            .post(
                &format!("/api/v1/requests/{id}/comments"),
                json!({"text": "Ich auch"}),
            )
            .await;
        assert!(
            comment.status == 403 || comment.status == 404,
            "{db}: {}",
            comment.status
        );
        server.stop().await;
    }
}

backend_test! {
    async fn restoring_a_record_that_is_not_in_the_trash_is_a_conflict(db) {
        let server = TestServer::start(&db).await;
        let (admin, _) = server.api(Role::Admin).await;
        let a = admin
            .post("/api/v1/accounts", json!({"name": "Lebendig AG"}))
            .await
            .body;
        let id = a["id"].as_str().unwrap();
        let r = admin
            .post(&format!("/api/v1/accounts/{id}/restore"), json!({}))
            .await;
        assert_eq!(r.status, 409, "{db}: {}", r.body);
        let missing = admin
            .post(
                "/api/v1/accounts/0190d2a2-0000-7000-8000-000000000000/restore",
                json!({}),
            )
            .await;
        assert_eq!(missing.status, 404, "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn an_api_token_made_in_the_browser_needs_the_password_again(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let web = server.web(&user).await;
        let wrong = web
            .submit(
                "/profile",
                "/profile/tokens",
                &[("name", "Skript"), ("password", "geraten")],
            )
            .await;
        assert_eq!(wrong.status, 422, "{db}");
        assert!(wrong.select_text("#new-token").is_none(), "{db}");
        let right = web
            .submit(
                "/profile",
                "/profile/tokens",
                &[("name", "Skript"), ("password", &user.password)],
            )
            .await;
        assert_eq!(right.status, 200, "{db}");
        assert!(
            right
                .select_text("#new-token")
                .is_some_and(|t| t.starts_with("tdm_")),
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_session_ends_when_idle_and_at_the_end_of_its_lifetime(db) {
        let start = Instant(1_796_000_000_000);
        let clock = Clock::manual(start);
        let server = TestServer::start_at(&db, clock.clone()).await;
        let user = server.user(Role::Field).await;
        let hour = tandem_domain::time::HOUR_MS;
        let web = server.web(&user).await;
        // Used every twelve hours, the session lives on …
        for step in 1..=27 {
            clock.set(start.plus_ms(step * 12 * hour));
            let page = web.get("/accounts").await;
            assert_eq!(page.path, "/accounts", "{db}: after {} hours", step * 12);
        }
        // … until fourteen days after sign-in.
        clock.set(start.plus_ms(14 * 24 * hour + hour));
        assert!(
            web.get("/accounts").await.path.starts_with("/login"),
            "{db}"
        );

        let idle = server.web(&user).await;
        clock.set(clock.now().plus_ms(25 * hour));
        assert!(
            idle.get("/accounts").await.path.starts_with("/login"),
            "{db}: a day unused ends the session"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn sign_in_limits_count_each_client_behind_the_proxy(db) {
        let server = TestServer::start_on(tandem_testkit::TestDb::new(&db).await, 3).await;
        let one = WebClient::from_address(server.url(""), "203.0.113.1");
        let other = WebClient::from_address(server.url(""), "203.0.113.2");
        for _ in 0..3 {
            let p = one
                .submit(
                    "/login",
                    "/login",
                    &[("email", "x@acme.test"), ("password", "nope nope nope")],
                )
                .await;
            assert_eq!(p.status, 401, "{db}");
        }
        let limited = one
            .submit(
                "/login",
                "/login",
                &[("email", "x@acme.test"), ("password", "nope nope nope")],
            )
            .await;
        assert_eq!(limited.status, 429, "{db}");
        let fine = other
            .submit(
                "/login",
                "/login",
                &[("email", "x@acme.test"), ("password", "nope nope nope")],
            )
            .await;
        assert_eq!(fine.status, 401, "{db}: another client has its own count");
        server.stop().await;
    }
}

backend_test! {
    async fn imports_update_only_duplicates_the_importer_may_see(db) {
        let server = TestServer::start(&db).await;
        let south = server
            .api_for(&server.user_in_team(Role::Field, "Süd").await)
            .await;
        let north_boss = server
            .api_for(&server.user_in_team(Role::Manager, "Nord").await)
            .await;
        let hidden = south
            .post(
                "/api/v1/accounts",
                json!({"name": "Südhang Weinbau", "city": "Freiburg"}),
            )
            .await
            .body;
        let done = import(
            &north_boss,
            "accounts",
            "Name;Ort\nSüdhang Weinbau;Kiel\n",
            "update",
        )
        .await;
        assert_eq!(done["status"], "done", "{db}: {done}");
        let after = south
            .get(&format!(
                "/api/v1/accounts/{}",
                hidden["id"].as_str().unwrap()
            ))
            .await
            .body;
        assert_eq!(
            after["city"], "Freiburg",
            "{db}: the hidden record stays as it was"
        );
        assert_eq!(after["version"], hidden["version"], "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn an_import_of_a_deactivated_user_does_not_run(db) {
        let clock = Clock::manual(Instant::now());
        let server = TestServer::start_at(&db, clock).await;
        let (admin, _) = server.api(Role::Admin).await;
        let boss = server.user(Role::Manager).await;
        let api = server.api_for(&boss).await;
        let up = api
            .raw(
                Method::POST,
                "/api/v1/imports?kind=accounts&file_name=a.csv",
                "text/csv",
                b"Name\nSpaet GmbH\n".to_vec(),
            )
            .await;
        let id = up.body["id"].as_str().unwrap().to_string();
        api.put(
            &format!("/api/v1/imports/{id}/mapping"),
            json!({"version": up.body["version"], "mapping": up.body["mapping"], "on_duplicate": "skip"}),
        )
        .await;
        assert!(
            api.post(&format!("/api/v1/imports/{id}/run"), json!({}))
                .await
                .status
                .is_success()
        );
        // An admin deactivates the manager before the job runs.
        let admin_user = server.user(Role::Admin).await;
        let admin_web = server.web(&admin_user).await;
        let form = admin_web.get(&format!("/admin/users/{}", boss.id)).await;
        let version = form.attr("input[name=version]", "value").unwrap();
        let saved = admin_web
            .post_form(
                &format!("/admin/users/{}", boss.id),
                &form.csrf(),
                &[
                    ("version", &version),
                    ("name", "Nora Nord"),
                    ("role", "manager"),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{db}");
        // The job runner of this server is the test: one round.
        server.run_jobs().await;
        let i = admin.get(&format!("/api/v1/imports/{id}")).await.body;
        assert_eq!(i["status"], "failed", "{db}: {i}");
        let list = admin.get("/api/v1/accounts?q=Spaet").await.body;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn a_new_password_or_deactivation_ends_the_live_streams(db) {
        let server = TestServer::start(&db).await;
        let user = server.person(Role::Field, "Süd", "Dieter Mayer").await;
        let other_device = server.web(&user).await;
        let web = server.web(&user).await;
        let mut stream = other_device
            .http
            .get(server.url("/events"))
            .send()
            .await
            .unwrap();
        let profile = web.get("/profile").await;
        let changed = web
            .post_form(
                "/profile/password",
                &profile.csrf(),
                &[
                    ("current_password", &user.password),
                    ("new_password", "Kranbahn am Nordhafen 7"),
                    ("confirm_password", "Kranbahn am Nordhafen 7"),
                ],
            )
            .await;
        assert_eq!(changed.status, 200, "{db}");
        let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while let Ok(Some(_)) = stream.chunk().await {}
        })
        .await;
        assert!(
            ended.is_ok(),
            "{db}: the other device's stream ends with the new password"
        );

        // Deactivated: the token's stream ends too.
        let mut token_stream = server.event_stream(&user).await;
        let admin = server.user(Role::Admin).await;
        let admin_web = server.web(&admin).await;
        let form = admin_web.get(&format!("/admin/users/{}", user.id)).await;
        let version = form.attr("input[name=version]", "value").unwrap();
        admin_web
            .post_form(
                &format!("/admin/users/{}", user.id),
                &form.csrf(),
                &[
                    ("version", &version),
                    ("name", "Dieter Mayer"),
                    ("role", "field"),
                ],
            )
            .await;
        let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while let Ok(Some(_)) = token_stream.chunk().await {}
        })
        .await;
        assert!(ended.is_ok(), "{db}: a deactivated user hears nothing more");
        server.stop().await;
    }
}
