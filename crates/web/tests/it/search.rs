use reqwest::StatusCode;
use serde_json::json;
use tandem_app::auth::ensure_workspace;
use tandem_domain::Role;
use tandem_testkit::{ApiClient, TestServer, backend_test};

async fn names(api: &ApiClient, q: &str, kind: &str) -> Vec<String> {
    let r = api.get(&format!("/api/v1/search?q={q}")).await;
    assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
    r.body[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

backend_test! {
    async fn global_search_finds_accounts_and_contacts_by_word_prefixes(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Manager).await;
        let account = api
            .post(
                "/api/v1/accounts",
                json!({"name": "Müller Feinmechanik GmbH", "city": "Göttingen"}),
            )
            .await
            .body;
        let account_id = account["id"].as_str().unwrap().to_string();
        api.post("/api/v1/accounts", json!({"name": "Müllerei Schmidt KG"}))
            .await;
        api.post("/api/v1/contacts", json!({"first_name": "Jürgen", "last_name": "Weiß", "account_id": account_id, "emails": ["j.weiss@mueller-fm.de"]})).await;

        assert_eq!(
            names(&api, "mueller", "accounts").await.len(),
            2,
            "{db}: prefix and umlaut spelling"
        );
        assert_eq!(
            names(&api, "m%C3%BCller%20fein", "accounts").await,
            vec!["Müller Feinmechanik GmbH"],
            "{db}: every word must match"
        );
        assert_eq!(
            names(&api, "goett", "accounts").await,
            vec!["Müller Feinmechanik GmbH"]
        );
        assert_eq!(
            names(&api, "juergen", "contacts").await,
            vec!["Jürgen Weiß"]
        );
        assert_eq!(names(&api, "weiss", "contacts").await, vec!["Jürgen Weiß"]);
        assert_eq!(
            names(&api, "j.weiss", "contacts").await,
            vec!["Jürgen Weiß"],
            "punctuation splits words"
        );
        assert!(names(&api, "", "accounts").await.is_empty());
        assert!(
            names(&api, "%22%29%28*", "accounts").await.is_empty(),
            "query syntax is never interpreted"
        );

        // Renamed, trashed and restored records follow along.
        let renamed = api
            .patch(
                &format!("/api/v1/accounts/{account_id}"),
                json!({"version": 1, "name": "Becker Präzision"}),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK);
        assert_eq!(
            names(&api, "praez", "accounts").await,
            vec!["Becker Präzision"]
        );
        assert_eq!(
            names(&api, "feinmech", "accounts").await,
            Vec::<String>::new()
        );
        api.delete(&format!("/api/v1/accounts/{account_id}")).await;
        assert!(
            names(&api, "becker", "accounts").await.is_empty(),
            "{db}: the trash is not searched"
        );
        api.post(&format!("/api/v1/accounts/{account_id}/restore"), json!({}))
            .await;
        assert_eq!(
            names(&api, "becker", "accounts").await,
            vec!["Becker Präzision"]
        );

        let too_long = api
            .get(&format!("/api/v1/search?q={}", "x".repeat(201)))
            .await;
        assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(too_long.body["errors"][0]["field"], "q");

        let other = ensure_workspace(&server.store, "rival", "Rival AG")
            .await
            .unwrap();
        let api_b = server
            .api_for(&server.user_in(other, Role::Admin).await)
            .await;
        assert!(
            names(&api_b, "becker", "accounts").await.is_empty(),
            "{db}: other workspaces find nothing"
        );

        let web = server.web(&server.user(Role::Field).await).await;
        let page = web.get("/search?q=weiss").await;
        assert_eq!(page.select_all_text(".hits a"), vec!["Jürgen Weiß"]);
        let none = web.get("/search?q=zzzz").await;
        assert!(
            none.select_text(".empty")
                .unwrap()
                .contains("Nichts gefunden")
        );
        server.stop().await;
    }
}

backend_test! {
    async fn umlauts_are_found_without_their_e_and_leads_are_searched_for_who_may_see_them(db) {
        let server = TestServer::start(&db).await;
        let (marketing, marketing_user) = server.api(Role::Marketing).await;
        let (rep, _) = server.api(Role::Field).await;
        let (manager, _) = server.api(Role::Manager).await;
        manager
            .post("/api/v1/accounts", json!({"name": "Müller Feinmechanik GmbH"}))
            .await;
        let lead = marketing
            .post(
                "/api/v1/leads",
                json!({"first_name": "Peter", "last_name": "Größe", "company": "Größe Hydraulik",
                       "email": "p.groesse@example.de", "source": "trade_fair"}),
            )
            .await;
        assert_eq!(lead.status, 201, "{db}: {}", lead.body);
        // Müller: as typed, spelled out, and without the umlaut's e.
        for q in ["m%C3%BCller", "mueller", "muller"] {
            assert_eq!(
                names(&manager, q, "accounts").await,
                vec!["Müller Feinmechanik GmbH"],
                "{db}: {q}"
            );
        }
        for q in ["gr%C3%B6%C3%9Fe", "groesse", "grosse", "hydraulik"] {
            assert_eq!(names(&marketing, q, "leads").await, vec!["Peter Größe"], "{db}: {q}");
        }
        // A field rep sees only the leads handed to them.
        assert!(names(&rep, "groesse", "leads").await.is_empty(), "{db}");
        // The page and the typeahead show the lead too.
        let web = server.web(&marketing_user).await;
        let page = web.get("/search?q=grosse").await;
        assert_eq!(
            page.select_all_text("#hits-leads + ul a"),
            vec!["Peter Größe"],
            "{db}"
        );
        server.stop().await;
    }
}
