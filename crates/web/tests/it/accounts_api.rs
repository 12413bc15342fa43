use reqwest::StatusCode;
use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn accounts_live_their_whole_life_through_the_api(db) {
        let server = TestServer::start(&db).await;
        let (api, user) = server.api(Role::Manager).await;

        let created = api
            .post("/api/v1/accounts", json!({"name": "Müller Maschinenbau", "legal_form": "GmbH",
                "city": "Ulm", "postal_code": "89073", "vat_id": "DE 123 456 789", "tags": ["A-Kunde"]}))
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{db}: {}",
            created.body
        );
        let id = created.body["id"].as_str().unwrap().to_string();
        assert_eq!(
            created.headers["location"].to_str().unwrap(),
            format!("/api/v1/accounts/{id}")
        );
        assert_eq!(created.body["vat_id"], "DE123456789");
        assert_eq!(
            created.body["owner_id"],
            user.id.to_string(),
            "the creator owns it by default"
        );
        assert_eq!(created.body["version"], 1);

        let got = api.get(&format!("/api/v1/accounts/{id}")).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body["name"], "Müller Maschinenbau");

        let patched = api
            .patch(
                &format!("/api/v1/accounts/{id}"),
                json!({"version": 1, "lifecycle": "customer"}),
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{db}: {}", patched.body);
        assert_eq!(patched.body["lifecycle"], "customer");
        assert_eq!(
            patched.body["city"], "Ulm",
            "fields not sent stay as they were"
        );
        assert_eq!(patched.body["version"], 2);

        let stale = api
            .patch(
                &format!("/api/v1/accounts/{id}"),
                json!({"version": 1, "name": "Overwritten"}),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.body["current_version"], 2);
        assert_eq!(
            api.get(&format!("/api/v1/accounts/{id}")).await.body["name"],
            "Müller Maschinenbau"
        );

        assert_eq!(
            api.delete(&format!("/api/v1/accounts/{id}")).await.status,
            StatusCode::NO_CONTENT
        );
        let live = api.get("/api/v1/accounts").await;
        assert!(
            live.body["items"].as_array().unwrap().is_empty(),
            "trashed accounts leave the list"
        );
        let trash = api.get("/api/v1/accounts?deleted=true").await;
        assert_eq!(trash.body["items"][0]["id"], id.as_str());
        assert_eq!(
            api.patch(
                &format!("/api/v1/accounts/{id}"),
                json!({"version": 3, "name": "x"})
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "a trashed account cannot be edited"
        );

        let restored = api
            .post(&format!("/api/v1/accounts/{id}/restore"), json!({}))
            .await;
        assert_eq!(restored.status, StatusCode::OK);
        assert!(restored.body["deleted_at"].is_null());

        let history = api.get(&format!("/api/v1/accounts/{id}/history")).await;
        let actions: Vec<&str> = history
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["restore", "delete", "update", "create"]);
        assert_eq!(
            history.body[2]["changes"]["lifecycle"],
            json!(["prospect", "customer"])
        );
        assert_eq!(history.body[2]["actor_id"], user.id.to_string());
        server.stop().await;
    }
}

backend_test! {
    async fn list_pages_stay_stable_when_accounts_are_added_meanwhile(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Field).await;
        for name in [
            "Becker AG",
            "Dorn KG",
            "Fuchs GmbH",
            "Hahn e.K.",
            "Krause GmbH",
        ] {
            assert_eq!(
                api.post("/api/v1/accounts", json!({"name": name}))
                    .await
                    .status,
                StatusCode::CREATED
            );
        }
        let first = api.get("/api/v1/accounts?limit=2&sort=name").await;
        let names = |r: &tandem_testkit::ApiResponse| -> Vec<String> {
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&first), vec!["Becker AG", "Dorn KG"]);
        let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
        // A new account that sorts before the cursor must not shift the next page.
        api.post("/api/v1/accounts", json!({"name": "Adler GmbH"}))
            .await;
        let second = api
            .get(&format!(
                "/api/v1/accounts?limit=2&sort=name&cursor={cursor}"
            ))
            .await;
        assert_eq!(names(&second), vec!["Fuchs GmbH", "Hahn e.K."]);
        let cursor = second.body["next_cursor"].as_str().unwrap().to_string();
        let third = api
            .get(&format!(
                "/api/v1/accounts?limit=2&sort=name&cursor={cursor}"
            ))
            .await;
        assert_eq!(names(&third), vec!["Krause GmbH"]);
        assert!(third.body["next_cursor"].is_null());

        let desc = api.get("/api/v1/accounts?limit=3&sort=-name").await;
        assert_eq!(names(&desc), vec!["Krause GmbH", "Hahn e.K.", "Fuchs GmbH"]);
        let wrong_sort = api
            .get(&format!("/api/v1/accounts?sort=-name&cursor={cursor}"))
            .await;
        assert_eq!(
            wrong_sort.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a cursor belongs to its sort"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn search_and_filters_find_the_right_accounts(db) {
        let server = TestServer::start(&db).await;
        let (api, user) = server.api(Role::Manager).await;
        let other = server.user(Role::Field).await;
        api.post(
            "/api/v1/accounts",
            json!({"name": "Müller Feinmechanik", "city": "Göttingen", "tags": ["Messe"]}),
        )
        .await;
        api.post(
            "/api/v1/accounts",
            json!({"name": "Straßburger Logistik", "lifecycle": "customer"}),
        )
        .await;
        api.post(
            "/api/v1/accounts",
            json!({"name": "Weber 100% Bio", "owner_id": other.id.to_string()}),
        )
        .await;

        let found = |q: &str| {
            let api = &api;
            let q = q.to_string();
            async move {
                let r = api.get(&format!("/api/v1/accounts?{q}")).await;
                assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
                r.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["name"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            found("q=mueller").await,
            vec!["Müller Feinmechanik"],
            "{db}: umlauts spelled out"
        );
        assert_eq!(found("q=M%C3%BCller").await, vec!["Müller Feinmechanik"]);
        assert_eq!(found("q=goettingen").await, vec!["Müller Feinmechanik"]);
        assert_eq!(found("q=strassburger").await, vec!["Straßburger Logistik"]);
        assert_eq!(
            found("q=100%25").await,
            vec!["Weber 100% Bio"],
            "LIKE wildcards are literal"
        );
        assert_eq!(found("q=%25").await, vec!["Weber 100% Bio"]);
        assert_eq!(
            found("lifecycle=customer").await,
            vec!["Straßburger Logistik"]
        );
        assert_eq!(
            found(&format!("owner_id={}", other.id)).await,
            vec!["Weber 100% Bio"]
        );
        assert_eq!(found("tag=messe").await, vec!["Müller Feinmechanik"]);
        assert_eq!(
            found(&format!("owner_id={}&q=weber", user.id)).await,
            Vec::<String>::new()
        );
        server.stop().await;
    }
}
