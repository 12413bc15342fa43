use reqwest::StatusCode;
use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

fn ids(body: &serde_json::Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

backend_test! {
    async fn reps_see_their_teams_records_and_nothing_else_anywhere(db) {
        let server = TestServer::start(&db).await;
        let south = server.user_in_team(Role::Field, "Süd").await;
        let south_inside = server.user_in_team(Role::Inside, "Süd").await;
        let north = server.user_in_team(Role::Field, "Nord").await;
        let admin = server.user(Role::Admin).await;
        let (s, si, n, a) = (
            server.api_for(&south).await,
            server.api_for(&south_inside).await,
            server.api_for(&north).await,
            server.api_for(&admin).await,
        );
        let account = s
            .post(
                "/api/v1/accounts",
                json!({"name": "Geheimnis Maschinenbau"}),
            )
            .await
            .body;
        let account_id = account["id"].as_str().unwrap().to_string();
        let contact = s
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Verborgen", "account_id": account_id}),
            )
            .await
            .body;
        let contact_id = contact["id"].as_str().unwrap().to_string();
        let deal = s
            .post(
                "/api/v1/deals",
                json!({"title": "Geheimprojekt", "account_id": account_id}),
            )
            .await
            .body;
        let deal_id = deal["id"].as_str().unwrap().to_string();
        let shared = n
            .post(
                "/api/v1/accounts",
                json!({"name": "Nord Logistik", "owner_id": null}),
            )
            .await
            .body;

        // The same team sees it; the other team does not, anywhere.
        assert_eq!(ids(&si.get("/api/v1/accounts").await.body).len(), 1, "{db}");
        let north_accounts = ids(&n.get("/api/v1/accounts").await.body);
        assert_eq!(
            north_accounts,
            vec![shared["id"].as_str().unwrap().to_string()],
            "{db}: only its own"
        );
        for path in [
            format!("/api/v1/accounts/{account_id}"),
            format!("/api/v1/accounts/{account_id}/history"),
            format!("/api/v1/contacts/{contact_id}"),
            format!("/api/v1/deals/{deal_id}"),
            format!("/api/v1/deals/{deal_id}/stages"),
        ] {
            assert_eq!(
                n.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{db}: {path}"
            );
            assert_eq!(si.get(&path).await.status, StatusCode::OK, "{db}: {path}");
        }
        assert_eq!(
            n.patch(
                &format!("/api/v1/accounts/{account_id}"),
                json!({"version": 1, "name": "Übernommen"})
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert!(ids(&n.get("/api/v1/contacts").await.body).is_empty());
        assert!(ids(&n.get("/api/v1/deals").await.body).is_empty());
        let found = n.get("/api/v1/search?q=geheim").await.body;
        assert!(
            found["accounts"].as_array().unwrap().is_empty()
                && found["deals"].as_array().unwrap().is_empty(),
            "{db}: {found}"
        );
        let web = server.web(&north).await;
        assert_eq!(
            web.get(&format!("/deals/{deal_id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ids(&a.get("/api/v1/deals").await.body),
            vec![deal_id.clone()]
        );

        // The admin widens field reps to all records and narrows inside sales to their own.
        let admin_web = server.web(&admin).await;
        let saved = admin_web
            .submit(
                "/admin/settings",
                "/admin/settings/visibility",
                &[("scope_field", "all"), ("scope_inside", "own")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{db}");
        assert_eq!(
            saved
                .attr("#scope_field option[selected]", "value")
                .as_deref(),
            Some("all")
        );
        assert_eq!(
            n.get(&format!("/api/v1/deals/{deal_id}")).await.status,
            StatusCode::OK,
            "{db}: all records now"
        );
        assert_eq!(
            si.get(&format!("/api/v1/deals/{deal_id}")).await.status,
            StatusCode::NOT_FOUND,
            "{db}: own records only now"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn the_quote_editor_offers_only_the_deals_and_contacts_the_rep_may_see(db) {
        let server = TestServer::start(&db).await;
        let south = server.user_in_team(Role::Field, "Süd").await;
        let north = server.user_in_team(Role::Field, "Nord").await;
        let admin = server.user(Role::Admin).await;
        let (s, a) = (server.api_for(&south).await, server.api_for(&admin).await);
        // South's customer, with a deal of South's and one the admin gave to North.
        let account = s
            .post("/api/v1/accounts", json!({"name": "Gemeinsam Pumpen AG"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap().to_string();
        let north_deal = a
            .post(
                "/api/v1/deals",
                json!({"title": "Nordprojekt Kühlung", "account_id": account_id,
                       "owner_id": north.id.to_string()}),
            )
            .await;
        assert_eq!(north_deal.status, StatusCode::CREATED, "{db}: {}", north_deal.body);
        s.post(
            "/api/v1/deals",
            json!({"title": "Südprojekt Pumpen", "account_id": account_id}),
        )
        .await;
        let quote = s
            .post("/api/v1/quotes", json!({"account_id": account_id}))
            .await;
        assert_eq!(quote.status, StatusCode::CREATED, "{db}: {}", quote.body);
        let quote_id = quote.body["id"].as_str().unwrap().to_string();
        let editor = server
            .web(&south)
            .await
            .get(&format!("/quotes/{quote_id}/edit"))
            .await;
        assert_eq!(editor.status, StatusCode::OK, "{db}");
        let deals = editor.select_all_text("#deal_id option");
        assert!(deals.contains(&"Südprojekt Pumpen".to_string()), "{db}: {deals:?}");
        assert!(
            !deals.contains(&"Nordprojekt Kühlung".to_string()),
            "{db}: the other team's deal is not offered: {deals:?}"
        );
        server.stop().await;
    }
}
