use reqwest::StatusCode;
use serde_json::json;
use tandem_app::auth::ensure_workspace;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn activities_are_logged_listed_and_guarded_through_the_api(db) {
        let server = TestServer::start(&db).await;
        let (rep, rep_user) = server.api(Role::Field).await;
        let account = rep
            .post("/api/v1/accounts", json!({"name": "Vogel Antriebe"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap().to_string();
        let contact = rep
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Vogel", "account_id": account_id}),
            )
            .await
            .body;
        let contact_id = contact["id"].as_str().unwrap().to_string();

        let logged = rep
            .post("/api/v1/activities", json!({"kind": "visit", "subject": "Neue Linie vorgestellt", "contact_id": contact_id,
                "key_conversation": true, "occurred_at": "2026-11-20T09:30:00Z", "duration_minutes": 45}))
            .await;
        assert_eq!(logged.status, StatusCode::CREATED, "{db}: {}", logged.body);
        let id = logged.body["id"].as_str().unwrap().to_string();
        assert_eq!(
            logged.body["account_id"],
            account_id.as_str(),
            "filed under the contact's account"
        );
        assert_eq!(logged.body["created_by"], rep_user.id.to_string());
        assert_eq!(logged.body["occurred_at"], "2026-11-20T09:30:00.000Z");
        rep.post(
            "/api/v1/activities",
            json!({"kind": "call", "subject": "Rückruf", "account_id": account_id}),
        )
        .await;

        let timeline = rep
            .get(&format!("/api/v1/activities?account_id={account_id}"))
            .await
            .body;
        let subjects: Vec<&str> = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["subject"].as_str().unwrap())
            .collect();
        assert_eq!(
            subjects,
            vec!["Rückruf", "Neue Linie vorgestellt"],
            "{db}: newest first"
        );
        let key = rep
            .get("/api/v1/activities?key_conversation=true")
            .await
            .body;
        assert_eq!(key["items"].as_array().unwrap().len(), 1);
        let paged = rep
            .get(&format!(
                "/api/v1/activities?account_id={account_id}&limit=1"
            ))
            .await
            .body;
        let cursor = paged["next_cursor"].as_str().unwrap();
        let second = rep
            .get(&format!(
                "/api/v1/activities?account_id={account_id}&limit=1&cursor={cursor}"
            ))
            .await
            .body;
        assert_eq!(second["items"][0]["subject"], "Neue Linie vorgestellt");

        for (body, field) in [
            (json!({"kind": "fax", "subject": "x"}), "kind"),
            (json!({"kind": "call", "subject": ""}), "subject"),
            (
                json!({"kind": "call", "subject": "x", "occurred_at": "2099-01-01T00:00:00Z"}),
                "occurred_at",
            ),
            (
                json!({"kind": "call", "subject": "x", "occurred_at": "morgen"}),
                "occurred_at",
            ),
            (
                json!({"kind": "call", "subject": "x", "contact_id": "0190b5d0-0000-7000-8000-000000000000"}),
                "contact_id",
            ),
        ] {
            let r = rep.post("/api/v1/activities", body.clone()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(r.body["errors"][0]["field"], field, "{body}");
        }

        let (colleague, _) = server.api(Role::Field).await;
        let path = format!("/api/v1/activities/{id}");
        assert_eq!(
            colleague
                .patch(&path, json!({"version": 1, "subject": "Mein Text"}))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "only the author"
        );
        let (manager, _) = server.api(Role::Manager).await;
        assert_eq!(
            manager
                .patch(&path, json!({"version": 1, "outcome": "Angebot folgt"}))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            rep.patch(&path, json!({"version": 1, "subject": "x"}))
                .await
                .status,
            StatusCode::CONFLICT
        );
        assert_eq!(rep.delete(&path).await.status, StatusCode::NO_CONTENT);
        assert_eq!(
            rep.post(&format!("{path}/restore"), json!({})).await.status,
            StatusCode::OK
        );
        let history = rep.get(&format!("{path}/history")).await.body;
        assert_eq!(history.as_array().unwrap().len(), 4);

        let other = ensure_workspace(&server.store, "rival", "Rival AG")
            .await
            .unwrap();
        let api_b = server
            .api_for(&server.user_in(other, Role::Admin).await)
            .await;
        assert_eq!(api_b.get(&path).await.status, StatusCode::NOT_FOUND, "{db}");
        assert!(
            api_b.get("/api/v1/activities").await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_rep_logs_a_visit_from_the_account_page(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let (api, _) = server.api(Role::Field).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Hartmann Kunststoff"}))
            .await
            .body;
        let account_path = format!("/accounts/{}", account["id"].as_str().unwrap());
        let web = server.web(&rep).await;
        let page = web.get(&account_path).await;
        assert_eq!(
            page.attr("#log-kind option[selected]", "value").as_deref(),
            Some("visit"),
            "{db}"
        );

        let account_id = page
            .attr(".quicklog input[name=account_id]", "value")
            .unwrap();
        let empty = web
            .post_form(
                "/activities",
                &page.csrf(),
                &[
                    ("kind", "visit"),
                    ("subject", " "),
                    ("account_id", &account_id),
                    ("return_to", &account_path),
                ],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            empty.select_text("#subject-error").as_deref(),
            Some("Bitte ausfüllen.")
        );

        let logged = web
            .post_form(
                "/activities",
                &page.csrf(),
                &[
                    ("kind", "visit"),
                    ("subject", "Werksbesuch, Muster übergeben"),
                    ("summary", "Entscheidung im Januar."),
                    ("key_conversation", "on"),
                    ("account_id", &account_id),
                    ("return_to", &account_path),
                ],
            )
            .await;
        assert_eq!(
            logged.path,
            format!("{account_path}?notice=logged"),
            "{db}: back on the account page"
        );
        assert_eq!(
            logged.select_text(".notice").as_deref(),
            Some("Aktivität erfasst.")
        );
        let entry = logged.select_text("ul.activities li").unwrap();
        assert!(
            entry.contains("Besuch")
                && entry.contains("Werksbesuch, Muster übergeben")
                && entry.contains("Schlüsselgespräch"),
            "{entry}"
        );

        let evil = web
            .post_form(
                "/activities",
                &page.csrf(),
                &[
                    ("kind", "note"),
                    ("subject", "x"),
                    ("account_id", &account_id),
                    ("return_to", "https://evil.example/"),
                ],
            )
            .await;
        assert!(
            evil.path.starts_with("/activities/"),
            "never redirects to another site: {}",
            evil.path
        );
        server.stop().await;
    }
}
