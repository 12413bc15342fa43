use reqwest::StatusCode;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn a_rep_creates_edits_trashes_and_restores_an_account_in_the_browser(db) {
        let server = TestServer::start(&db).await;
        let manager = server.user(Role::Manager).await;
        let web = server.web(&manager).await;

        let invalid = web
            .submit(
                "/accounts/new",
                "/accounts",
                &[
                    ("name", ""),
                    ("postal_code", "123"),
                    ("employees", "viele"),
                    ("website", "kein link"),
                ],
            )
            .await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        assert_eq!(
            invalid.select_text("#employees-error").as_deref(),
            Some("Bitte eine ganze Zahl eingeben.")
        );
        let invalid = web
            .submit(
                "/accounts/new",
                "/accounts",
                &[
                    ("name", ""),
                    ("postal_code", "123"),
                    ("website", "kein link"),
                ],
            )
            .await;
        assert_eq!(
            invalid.select_text("#name-error").as_deref(),
            Some("Bitte ausfüllen.")
        );
        assert_eq!(
            invalid.select_text("#postal_code-error").as_deref(),
            Some("Diese Postleitzahl passt nicht zum Land (Deutschland: 5 Ziffern).")
        );
        assert_eq!(
            invalid.select_text("#website-error").as_deref(),
            Some("Keine gültige Webadresse.")
        );
        assert_eq!(
            invalid.attr("#postal_code", "value").as_deref(),
            Some("123"),
            "typed values are kept"
        );

        let created = web
            .submit(
                "/accounts/new",
                "/accounts",
                &[
                    ("name", "Hoffmann Antriebstechnik"),
                    ("legal_form", "GmbH"),
                    ("postal_code", "72764"),
                    ("city", "Reutlingen"),
                    ("employees", "1.250"),
                    ("tags", "A-Kunde, Messe"),
                    ("lifecycle", "customer"),
                ],
            )
            .await;
        assert!(
            created.path.starts_with("/accounts/"),
            "{db}: {}",
            created.path
        );
        assert_eq!(created.select_text(".notice").as_deref(), Some("Angelegt."));
        assert_eq!(created.select_text("h1 .badge").as_deref(), Some("Kunde"));
        assert!(
            created
                .select_all_text("dl.facts dd")
                .contains(&"1.250".to_string()),
            "numbers in German format"
        );
        assert_eq!(created.select_all_text(".tag"), vec!["A-Kunde", "Messe"]);
        let account_path = created.path.split('?').next().unwrap().to_string();

        // Two people edit at once: the second save gets a conflict that shows what changed.
        let edit_path = format!("{account_path}/edit");
        let mine = web.get(&edit_path).await;
        let colleague = server.web(&server.user(Role::Field).await).await;
        let theirs = colleague.get(&edit_path).await;
        let saved = colleague
            .post_form(
                &account_path,
                &theirs.csrf(),
                &[
                    ("version", "1"),
                    ("name", "Hoffmann Antriebstechnik"),
                    ("city", "Tübingen"),
                    ("postal_code", "72070"),
                    ("lifecycle", "customer"),
                ],
            )
            .await;
        assert_eq!(
            saved.select_text(".notice").as_deref(),
            Some("Gespeichert.")
        );
        let conflict = web
            .post_form(
                &account_path,
                &mine.csrf(),
                &[
                    ("version", "1"),
                    ("name", "Hoffmann Antriebe"),
                    ("city", "Reutlingen"),
                    ("postal_code", "72764"),
                    ("lifecycle", "customer"),
                ],
            )
            .await;
        assert_eq!(conflict.status, StatusCode::CONFLICT);
        assert!(
            conflict.select_text(".alert").unwrap().contains("Tübingen"),
            "the other person's value is shown"
        );
        assert_eq!(
            conflict.attr("#name", "value").as_deref(),
            Some("Hoffmann Antriebe"),
            "my input is kept"
        );
        assert_eq!(
            conflict.attr("input[name=version]", "value").as_deref(),
            Some("2")
        );
        let resolved = web
            .post_form(
                &account_path,
                &conflict.csrf(),
                &[
                    ("version", "2"),
                    ("name", "Hoffmann Antriebe"),
                    ("city", "Tübingen"),
                    ("postal_code", "72070"),
                    ("lifecycle", "customer"),
                ],
            )
            .await;
        assert!(
            resolved
                .select_text("h1")
                .unwrap()
                .starts_with("Hoffmann Antriebe")
        );
        let history = resolved.select_all_text(".timeline > li");
        assert_eq!(history.len(), 3, "{history:?}");
        assert!(
            history[0].contains("Hoffmann Antriebstechnik")
                && history[0].contains("Hoffmann Antriebe")
        );

        let trashed = web
            .post_form(&format!("{account_path}/delete"), &resolved.csrf(), &[])
            .await;
        assert_eq!(trashed.path, "/accounts?notice=deleted");
        assert!(!trashed.text.contains("Hoffmann Antriebe"));
        let trash = web.get("/accounts/trash").await;
        assert_eq!(
            trash.select_text("table.list a").as_deref(),
            Some("Hoffmann Antriebe")
        );
        let restored = web
            .post_form(&format!("{account_path}/restore"), &trash.csrf(), &[])
            .await;
        assert_eq!(
            restored.select_text(".notice").as_deref(),
            Some("Aus dem Papierkorb wiederhergestellt.")
        );
        assert!(
            web.get("/accounts")
                .await
                .text
                .contains("Hoffmann Antriebe")
        );
        server.stop().await;
    }
}

backend_test! {
    async fn the_account_list_searches_filters_and_pages(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let (api, _) = server.api(Role::Field).await;
        for i in 0..55 {
            api.post("/api/v1/accounts", serde_json::json!({"name": format!("Firma {i:02}"), "city": if i == 7 { "Würzburg" } else { "Ulm" }})).await;
        }
        let web = server.web(&user).await;
        let first = web.get("/accounts").await;
        assert_eq!(
            first.select_all_text("table.list tbody tr").len(),
            50,
            "{db}"
        );
        let next = first.attr("a[rel=next]", "href").expect("a next page link");
        let second = web.get(&next).await;
        assert_eq!(second.select_all_text("table.list tbody tr").len(), 5);
        assert!(second.attr("a[rel=next]", "href").is_none());
        let found = web.get("/accounts?q=wuerzburg").await;
        assert_eq!(
            found.select_all_text("table.list tbody a"),
            vec!["Firma 07"]
        );
        let none = web.get("/accounts?q=zzz").await;
        assert!(
            none.select_text(".empty")
                .unwrap()
                .contains("Keine Unternehmen gefunden")
        );
        let sorted = web.get("/accounts?sort=-name").await;
        assert_eq!(
            sorted.select_text("table.list tbody a").as_deref(),
            Some("Firma 54")
        );
        server.stop().await;
    }
}

backend_test! {
    async fn admins_manage_users_and_teams_others_may_not(db) {
        let server = TestServer::start(&db).await;
        let admin = server.user(Role::Admin).await;
        let web = server.web(&admin).await;

        let team = web
            .submit("/admin/teams", "/admin/teams", &[("name", "Vertrieb Süd")])
            .await;
        assert!(team.text.contains("Vertrieb Süd"), "{db}");
        let dup = web
            .submit("/admin/teams", "/admin/teams", &[("name", "Vertrieb Süd")])
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            dup.select_text(".alert").as_deref(),
            Some("Dieser Wert ist bereits vergeben.")
        );
        let team_id = team
            .attr("input[value='Vertrieb Süd']", "id")
            .unwrap()
            .trim_start_matches("team-")
            .to_string();

        let form = web.get("/admin/users/new").await;
        let created = web
            .post_form(
                "/admin/users",
                &form.csrf(),
                &[
                    ("name", "Klaus Becker"),
                    ("email", "klaus@acme.test"),
                    ("role", "inside"),
                    ("team_id", &team_id),
                    ("locale", "de"),
                    ("password", "innendienst-2026"),
                ],
            )
            .await;
        assert_eq!(created.select_text(".notice").as_deref(), Some("Angelegt."));
        let row = created
            .select_all_text("table.list tbody tr")
            .into_iter()
            .find(|r| r.contains("Klaus Becker"))
            .unwrap();
        assert!(
            row.contains("Innendienst") && row.contains("Vertrieb Süd"),
            "{row}"
        );
        let taken = web
            .post_form(
                "/admin/users",
                &form.csrf(),
                &[
                    ("name", "Klaus 2"),
                    ("email", "KLAUS@acme.test"),
                    ("role", "inside"),
                    ("locale", "de"),
                    ("password", "innendienst-2026"),
                ],
            )
            .await;
        assert_eq!(
            taken.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "emails are unique, ignoring case"
        );

        let klaus = tandem_testkit::WebClient::new(server.url(""));
        klaus.login("klaus@acme.test", "innendienst-2026").await;
        assert_eq!(
            klaus.get("/admin/users").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            klaus.get("/admin/teams").await.status,
            StatusCode::FORBIDDEN
        );

        // The last admin cannot demote themselves.
        let me = web.get(&format!("/admin/users/{}", admin.id)).await;
        let demote = web
            .post_form(
                &format!("/admin/users/{}", admin.id),
                &me.csrf(),
                &[
                    ("version", &me.attr("input[name=version]", "value").unwrap()),
                    ("name", "Admin"),
                    ("role", "field"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(demote.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            demote
                .text
                .contains("mindestens eine aktive Administration")
        );

        let jobs = web.get("/admin/jobs").await;
        assert_eq!(jobs.status, StatusCode::OK);
        assert_eq!(
            jobs.select_text("h1").as_deref(),
            Some("Hintergrundaufgaben")
        );
        server.stop().await;
    }
}
