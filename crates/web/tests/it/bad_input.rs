use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tandem_domain::Role;
use tandem_testkit::{ApiClient, ApiResponse, TestServer, backend_test};

fn assert_problem(r: &ApiResponse, status: StatusCode, field: Option<&str>, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert_eq!(
        r.headers["content-type"].to_str().unwrap(),
        "application/problem+json",
        "{what}"
    );
    assert_eq!(r.body["status"], status.as_u16(), "{what}");
    assert!(
        r.body["title"].is_string() && r.body["type"].is_string(),
        "{what}"
    );
    if let Some(field) = field {
        let fields: Vec<&str> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&field),
            "{what}: expected {field} in {fields:?}"
        );
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
}

async fn count(api: &ApiClient) -> usize {
    let live = api.get("/api/v1/accounts?limit=200").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    let trash = api
        .get("/api/v1/accounts?limit=200&deleted=true")
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    live + trash
}

backend_test! {
    async fn bad_requests_get_problem_details_and_change_nothing(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Manager).await;
        let existing = api
            .post("/api/v1/accounts", json!({"name": "Bestand GmbH"}))
            .await
            .body;
        let id = existing["id"].as_str().unwrap();
        let before = api.get(&format!("/api/v1/accounts/{id}")).await.body;

        let json_ct = "application/json";
        assert_problem(
            &api.raw(
                Method::POST,
                "/api/v1/accounts",
                json_ct,
                b"{\"name\":".to_vec(),
            )
            .await,
            StatusCode::BAD_REQUEST,
            None,
            "truncated JSON",
        );
        assert_problem(
            &api.raw(
                Method::POST,
                "/api/v1/accounts",
                json_ct,
                b"{\"name\": \"\xff\xfe\"}".to_vec(),
            )
            .await,
            StatusCode::BAD_REQUEST,
            None,
            "invalid UTF-8",
        );
        assert_problem(
            &api.raw(
                Method::POST,
                "/api/v1/accounts",
                "text/plain",
                b"name=x".to_vec(),
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            "not JSON",
        );
        let big = format!("{{\"name\": \"{}\"}}", "x".repeat(1_100_000));
        assert_problem(
            &api.raw(Method::POST, "/api/v1/accounts", json_ct, big.into_bytes())
                .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            "over 1 MB",
        );

        let cases: Vec<(Value, &str)> = vec![
            (json!({"name": 42}), "name"),
            (json!({"name": ""}), "name"),
            (json!({"name": "x".repeat(201)}), "name"),
            (json!({"name": "A", "lifecycle": "lead"}), "lifecycle"),
            (json!({"name": "A", "employees": -5}), "employees"),
            (json!({"name": "A", "employees": "many"}), "employees"),
            (json!({"name": "A", "postal_code": "123"}), "postal_code"),
            (json!({"name": "A", "vat_id": "DE1"}), "vat_id"),
            (json!({"name": "A", "owner_id": "not-a-uuid"}), "owner_id"),
            (
                json!({"name": "A", "owner_id": "0190b5d0-0000-7000-8000-000000000000"}),
                "owner_id",
            ),
            (json!({"name": "A", "colour": "red"}), "colour"),
            (json!({"name": "A", "tags": "one"}), "tags"),
        ];
        for (body, field) in &cases {
            let r = api.post("/api/v1/accounts", body.clone()).await;
            assert_problem(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(field),
                &format!("create {body}"),
            );
        }

        let path = format!("/api/v1/accounts/{id}");
        assert_problem(
            &api.patch(&path, json!({"name": "New"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("version"),
            "missing version",
        );
        assert_problem(
            &api.patch(&path, json!({"version": "1"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("version"),
            "version of the wrong type",
        );
        assert_problem(
            &api.patch(&path, json!({"version": 1, "shoe_size": 44}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("shoe_size"),
            "unknown field",
        );
        assert_problem(
            &api.patch(&path, json!({"version": 1, "name": null})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("name"),
            "null name",
        );
        assert_problem(
            &api.patch(&path, json!({"version": 99, "name": "x"})).await,
            StatusCode::CONFLICT,
            None,
            "stale version",
        );
        assert_problem(
            &api.get("/api/v1/accounts/not-an-id").await,
            StatusCode::NOT_FOUND,
            None,
            "malformed id",
        );
        assert_problem(
            &api.get("/api/v1/accounts?limit=500").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("limit"),
            "limit over 200",
        );
        assert_problem(
            &api.get("/api/v1/accounts?limit=abc").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("limit"),
            "limit not a number",
        );
        assert_problem(
            &api.get("/api/v1/accounts?sort=shoe").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("sort"),
            "unknown sort",
        );
        assert_problem(
            &api.get("/api/v1/accounts?cursor=garbage").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("cursor"),
            "garbage cursor",
        );
        assert_problem(
            &api.get("/api/v1/accounts?lifecycle=lead").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lifecycle"),
            "unknown filter value",
        );

        let anonymous = ApiClient::new(server.url(""), None);
        assert_problem(
            &anonymous.get("/api/v1/accounts").await,
            StatusCode::UNAUTHORIZED,
            None,
            "no token",
        );
        let forged = ApiClient::new(server.url(""), Some("tdm_forged".into()));
        assert_problem(
            &forged.get("/api/v1/accounts").await,
            StatusCode::UNAUTHORIZED,
            None,
            "unknown token",
        );
        let (reader, _) = server.api(Role::ReadOnly).await;
        assert_problem(
            &reader
                .post("/api/v1/accounts", json!({"name": "Nope"}))
                .await,
            StatusCode::FORBIDDEN,
            None,
            "read-only create",
        );
        let (field_rep, _) = server.api(Role::Field).await;
        assert_problem(
            &field_rep.delete(&path).await,
            StatusCode::FORBIDDEN,
            None,
            "field rep delete",
        );

        assert_eq!(count(&api).await, 1, "{db}: nothing was created");
        assert_eq!(
            api.get(&path).await.body,
            before,
            "{db}: nothing was changed"
        );
        server.stop().await;
    }
}
