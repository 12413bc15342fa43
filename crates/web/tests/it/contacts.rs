use reqwest::StatusCode;
use serde_json::json;
use tandem_app::auth::ensure_workspace;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn contacts_live_their_whole_life_through_the_api(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Manager).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Becker Logistik"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap();

        let missing_date = api
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Becker", "consent_email": true}),
            )
            .await;
        assert_eq!(
            missing_date.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{db}"
        );
        assert_eq!(missing_date.body["errors"][0]["field"], "consent_on");

        let created = api
            .post(
                "/api/v1/contacts",
                json!({"salutation": "ms", "title": "Dr.", "first_name": "Anna", "last_name": "Becker",
                       "position": "Einkaufsleitung", "account_id": account_id,
                       "emails": ["Anna.Becker@Becker-Logistik.de"], "phones": ["+49 89 1234567"],
                       "consent_email": true, "consent_on": "2026-03-01", "consent_source": "Messe"}),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{db}: {}",
            created.body
        );
        let id = created.body["id"].as_str().unwrap().to_string();
        assert_eq!(created.body["account_name"], "Becker Logistik");
        assert_eq!(
            created.body["emails"],
            json!(["anna.becker@becker-logistik.de"])
        );
        assert_eq!(
            created.body["stale"], true,
            "never verified counts as stale"
        );

        let verified = api
            .patch(
                &format!("/api/v1/contacts/{id}"),
                json!({"version": 1, "verified_on": "2026-11-01"}),
            )
            .await;
        assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
        assert_eq!(verified.body["stale"], false);
        assert_eq!(verified.body["first_name"], "Anna", "fields not sent stay");
        let stale = api
            .patch(
                &format!("/api/v1/contacts/{id}"),
                json!({"version": 1, "position": "x"}),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);

        let of_account = api
            .get(&format!("/api/v1/contacts?account_id={account_id}"))
            .await;
        assert_eq!(of_account.body["items"].as_array().unwrap().len(), 1);
        api.post("/api/v1/contacts", json!({"last_name": "Ohnefirma"}))
            .await;
        let stale_only = api.get("/api/v1/contacts?stale=true").await;
        let names: Vec<&str> = stale_only.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["last_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Ohnefirma"], "{db}");
        let found = api.get("/api/v1/contacts?q=einkauf").await;
        assert_eq!(found.body["items"][0]["id"], id.as_str());

        for (body, field) in [
            (json!({"last_name": ""}), "last_name"),
            (json!({"last_name": "X", "salutation": "sir"}), "salutation"),
            (json!({"last_name": "X", "emails": ["kein mail"]}), "emails"),
            (
                json!({"last_name": "X", "verified_on": "2999-01-01"}),
                "verified_on",
            ),
            (
                json!({"last_name": "X", "verified_on": "01.01.2026"}),
                "verified_on",
            ),
            (
                json!({"last_name": "X", "account_id": "0190b5d0-0000-7000-8000-000000000000"}),
                "account_id",
            ),
        ] {
            let r = api.post("/api/v1/contacts", body.clone()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(r.body["errors"][0]["field"], field, "{body}");
        }

        assert_eq!(
            api.delete(&format!("/api/v1/contacts/{id}")).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            api.get("/api/v1/contacts?deleted=true").await.body["items"][0]["id"],
            id.as_str()
        );
        assert_eq!(
            api.post(&format!("/api/v1/contacts/{id}/restore"), json!({}))
                .await
                .status,
            StatusCode::OK
        );
        let history = api
            .get(&format!("/api/v1/contacts/{id}/history"))
            .await
            .body;
        let actions: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["restore", "delete", "update", "create"]);

        // Another workspace sees nothing and may not attach its contacts to our account.
        let other = ensure_workspace(&server.store, "rival", "Rival AG")
            .await
            .unwrap();
        let intruder = server.user_in(other, Role::Admin).await;
        let api_b = server.api_for(&intruder).await;
        assert_eq!(
            api_b.get(&format!("/api/v1/contacts/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            api_b.get("/api/v1/contacts").await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let sneaky = api_b
            .post(
                "/api/v1/contacts",
                json!({"last_name": "X", "account_id": account_id}),
            )
            .await;
        assert_eq!(sneaky.status, StatusCode::UNPROCESSABLE_ENTITY);
        server.stop().await;
    }
}

backend_test! {
    async fn a_rep_adds_a_contact_from_the_account_page_and_confirms_its_data(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let (api, _) = server.api(Role::Field).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Krüger Feinmechanik"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap().to_string();
        api.post("/api/v1/accounts", json!({"name": "Krüger Metallbau"}))
            .await;
        let web = server.web(&rep).await;

        let page = web.get(&format!("/accounts/{account_id}")).await;
        let add = page
            .attr("main a[href^='/contacts/new']", "href")
            .expect("an add-contact link");
        let form = web.get(&add).await;
        assert_eq!(
            form.attr("#account_name", "value").as_deref(),
            Some("Krüger Feinmechanik"),
            "{db}"
        );
        let created = web
            .post_form(
                "/contacts",
                &form.csrf(),
                &[
                    ("account_id", &account_id),
                    ("account_name", "Krüger Feinmechanik"),
                    ("salutation", "mr"),
                    ("first_name", "Jonas"),
                    ("last_name", "Weiß"),
                    ("phones", "+49 551 998877"),
                    ("version", ""),
                ],
            )
            .await;
        assert!(
            created.path.starts_with("/contacts/"),
            "{db}: {}",
            created.path
        );
        assert!(created.select_text("h1").unwrap().contains("Jonas Weiß"));
        assert!(
            created
                .select_text("h1 .badge")
                .unwrap()
                .contains("veraltet")
        );

        let confirmed = web
            .post_form(
                &format!("{}/verify", created.path.split('?').next().unwrap()),
                &created.csrf(),
                &[],
            )
            .await;
        assert_eq!(
            confirmed.select_text(".notice").as_deref(),
            Some("Als heute bestätigt gespeichert.")
        );
        assert!(
            confirmed.select_text("h1 .badge").is_none(),
            "no longer stale"
        );

        let account_page = web.get(&format!("/accounts/{account_id}")).await;
        assert!(
            account_page.text.contains("Jonas Weiß"),
            "the account lists its contact"
        );

        // A typed account name must point at exactly one account.
        let form = web.get("/contacts/new").await;
        let ambiguous = web
            .post_form(
                "/contacts",
                &form.csrf(),
                &[
                    ("account_name", "Krüger"),
                    ("last_name", "Neu"),
                    ("version", ""),
                ],
            )
            .await;
        assert_eq!(ambiguous.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            ambiguous.select_text("#account_name-error").as_deref(),
            Some("Mehrere Unternehmen passen – bitte genauer angeben.")
        );
        let unique = web
            .post_form(
                "/contacts",
                &form.csrf(),
                &[
                    ("account_name", "metallbau"),
                    ("last_name", "Neu"),
                    ("version", ""),
                ],
            )
            .await;
        assert!(
            unique.text.contains("Krüger Metallbau"),
            "a unique part of the name is enough"
        );

        let list = web.get("/contacts?q=weiss").await;
        assert_eq!(
            list.select_all_text("table.list tbody a.strong"),
            vec!["Jonas Weiß"]
        );
        server.stop().await;
    }
}

backend_test! {
    async fn admins_set_when_contact_data_counts_as_stale(db) {
        let server = TestServer::start(&db).await;
        let admin = server.user(Role::Admin).await;
        let (api, _) = server.api(Role::Field).await;
        api.post(
            "/api/v1/contacts",
            json!({"last_name": "Alt", "verified_on": "2026-01-02"}),
        )
        .await;
        let web = server.web(&admin).await;
        let bad = web
            .submit(
                "/admin/settings",
                "/admin/settings",
                &[("contact_stale_days", "0")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        let saved = web
            .submit(
                "/admin/settings",
                "/admin/settings",
                &[("contact_stale_days", "30")],
            )
            .await;
        assert_eq!(
            saved.select_text(".notice").as_deref(),
            Some("Gespeichert.")
        );
        assert_eq!(
            saved.attr("#contact_stale_days", "value").as_deref(),
            Some("30")
        );
        let stale = api.get("/api/v1/contacts?stale=true").await;
        assert_eq!(
            stale.body["items"].as_array().unwrap().len(),
            1,
            "older than 30 days is stale now"
        );
        let rep = server.web(&server.user(Role::Field).await).await;
        assert_eq!(
            rep.get("/admin/settings").await.status,
            StatusCode::FORBIDDEN
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_contact_edit_conflict_lists_what_the_colleague_saved(db) {
        let server = tandem_testkit::TestServer::start(&db).await;
        let me = server.user(tandem_domain::Role::Field).await;
        let api = server.api_for(&me).await;
        let contact = api
            .post(
                "/api/v1/contacts",
                serde_json::json!({"last_name": "Wendt", "first_name": "Ute", "position": "Einkauf"}),
            )
            .await
            .body;
        let path = format!("/contacts/{}", contact["id"].as_str().unwrap());
        let web = server.web(&me).await;
        let form = web.get(&format!("{path}/edit")).await;
        // A colleague changes the position meanwhile.
        api.patch(
            &format!("/api/v1{path}"),
            serde_json::json!({"version": 1, "position": "Einkaufsleitung"}),
        )
        .await;
        let conflict = web
            .post_form(
                &path,
                &form.csrf(),
                &[
                    ("version", "1"),
                    ("first_name", "Ute"),
                    ("last_name", "Wendt-Berger"),
                    ("position", "Einkauf"),
                ],
            )
            .await;
        assert_eq!(conflict.status, reqwest::StatusCode::CONFLICT, "{db}");
        let alert = conflict.select_text(".alert").unwrap();
        assert!(alert.contains("Einkaufsleitung"), "{db}: {alert}");
        assert!(
            !alert.contains("Ute"),
            "{db}: fields that agree are not listed"
        );
        assert_eq!(
            conflict.attr("#last_name", "value").as_deref(),
            Some("Wendt-Berger"),
            "my input is kept"
        );
        assert_eq!(
            conflict.attr("input[name=version]", "value").as_deref(),
            Some("2")
        );
        server.stop().await;
    }
}

backend_test! {
    async fn the_history_names_records_and_leaves_out_empty_changes(db) {
        let server = TestServer::start(&db).await;
        let (api, user) = server.api(Role::Manager).await;
        let first = api
            .post("/api/v1/accounts", json!({"name": "Alte Firma GmbH"}))
            .await
            .body;
        let second = api
            .post("/api/v1/accounts", json!({"name": "Neue Firma AG"}))
            .await
            .body;
        let contact = api
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Wechsel", "account_id": first["id"]}),
            )
            .await
            .body;
        let id = contact["id"].as_str().unwrap();
        let moved = api
            .patch(
                &format!("/api/v1/contacts/{id}"),
                json!({"version": contact["version"], "account_id": second["id"]}),
            )
            .await;
        assert_eq!(moved.status, 200, "{db}: {}", moved.body);
        let page = server
            .web(&user)
            .await
            .get(&format!("/contacts/{id}"))
            .await;
        let changes = page.select_all_text(".timeline .changes li");
        assert!(
            changes
                .iter()
                .any(|c| c == "Unternehmen: Alte Firma GmbH → Neue Firma AG"),
            "{db}: {changes:?}"
        );
        for c in &changes {
            assert!(
                !c.contains(first["id"].as_str().unwrap()),
                "{db}: a raw id: {c}"
            );
            assert!(
                !c.ends_with('→') && !c.contains("– → –"),
                "{db}: an empty change: {c}"
            );
            assert!(!c.starts_with("Eigene Felder"), "{db}: {c}");
        }
        server.stop().await;
    }
}
