use serde_json::Value;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test, backends};

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let db = backends().remove(0);
    let server = TestServer::start(&db).await;
    let doc: serde_json::Value = reqwest::get(server.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/accounts",
        "/accounts/{id}",
        "/accounts/{id}/restore",
        "/accounts/{id}/history",
        "/contacts",
        "/contacts/{id}",
        "/activities",
        "/activities/{id}",
        "/me",
        "/search",
        "/tasks",
        "/tasks/{id}/complete",
        "/users",
        "/teams",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    insta::assert_json_snapshot!("openapi", doc);
    server.stop().await;
}

backend_test! {
    /// Every documented operation, asked as a client that makes mistakes would ask it,
    /// answers only with statuses the document lists, and every error is problem+json:
    /// without a token, with a body that is not JSON, with broken JSON, with an id that is
    /// not there.
    async fn every_operation_answers_errors_as_documented(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Admin).await;
        let doc: Value = reqwest::get(server.url("/api/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let http = reqwest::Client::new();
        let mut wrong = vec![];
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let url = server.url(&format!("/api/v1{}", with_ids(path)));
                let m: reqwest::Method = method.to_uppercase().parse().unwrap();
                let documented = |status: u16| op["responses"][status.to_string()].is_object();
                let mut check = |what: &str, resp: (u16, String)| {
                    let (status, content_type) = resp;
                    if !documented(status)
                        || (status >= 400 && content_type != "application/problem+json")
                    {
                        wrong.push(format!("{method} {path} {what}: {status} {content_type}"));
                    }
                };
                let send = |req: reqwest::RequestBuilder| async move {
                    let r = req.send().await.unwrap();
                    let ct = r
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    (r.status().as_u16(), ct)
                };
                let anonymous = send(http.request(m.clone(), &url)).await;
                assert_eq!(anonymous.0, 401, "{db}: {method} {path} without a token");
                check("without a token", anonymous);
                let authed = || http.request(m.clone(), &url).bearer_auth(api.token());
                if op.get("requestBody").is_some() {
                    check(
                        "with a text body",
                        send(authed().header("content-type", "text/plain").body("x")).await,
                    );
                    check(
                        "with broken JSON",
                        send(
                            authed()
                                .header("content-type", "application/json")
                                .body("{"),
                        )
                        .await,
                    );
                    check(
                        "with an empty object",
                        send(
                            authed()
                                .header("content-type", "application/json")
                                .body("{}"),
                        )
                        .await,
                    );
                } else if method == "get" || path.contains('{') {
                    check("as it is", send(authed()).await);
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{db}: undocumented answers:\n{}",
            wrong.join("\n")
        );
        server.stop().await;
    }
}

/// The path with a fresh UUID for every `{…}` (nothing has that id).
fn with_ids(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(&uuid::Uuid::now_v7().to_string());
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}
