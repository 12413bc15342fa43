use reqwest::StatusCode;
use serde_json::{Value, json};
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

fn codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

backend_test! {
    async fn a_deal_moves_through_the_stages_only_when_the_exit_criteria_are_met(db) {
        let server = TestServer::start(&db).await;
        let (api, me) = server.api(Role::Field).await;
        let pipelines = api.get("/api/v1/pipelines").await.body;
        let stages = pipelines[0]["stages"].as_array().unwrap().clone();
        assert_eq!(stages.len(), 6, "{db}: the standard pipeline");
        assert_eq!(stages[0]["exit_criteria"], json!(["contact"]));
        let stage = |i: usize| stages[i]["id"].as_str().unwrap().to_string();

        let account = api
            .post(
                "/api/v1/accounts",
                json!({"name": "Hofmann Präzisionsteile GmbH"}),
            )
            .await
            .body;
        let account_id = account["id"].as_str().unwrap();
        let contact = api
            .post(
                "/api/v1/contacts",
                json!({"last_name": "Hofmann", "first_name": "Jörg", "account_id": account_id}),
            )
            .await
            .body;

        let created = api
            .post(
                "/api/v1/deals",
                json!({"title": "5-Achs-Fräszentrum", "account_id": account_id,
                       "amount": {"minor": 18_500_000, "currency": "EUR"},
                       "expected_close": "2027-03-31", "source": "trade_fair"}),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{db}: {}",
            created.body
        );
        let deal = created.body;
        let id = deal["id"].as_str().unwrap().to_string();
        assert_eq!(
            deal["stage_id"],
            stage(0).as_str(),
            "first stage by default"
        );
        assert_eq!(deal["owner_id"], me.id.to_string());
        assert_eq!(deal["effective_probability_bp"], 500);
        assert_eq!(deal["weighted_amount"]["minor"], 925_000);
        assert_eq!(deal["account_name"], "Hofmann Präzisionsteile GmbH");

        // Leaving "first contact" needs a contact on the deal: 422 naming it, nothing saved.
        let refused = api
            .patch(
                &format!("/api/v1/deals/{id}"),
                json!({"version": 1, "stage_id": stage(1)}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        assert_eq!(
            codes(&refused.body),
            vec![("contacts".into(), "exit_needs_contact".into())]
        );
        assert_eq!(
            api.get(&format!("/api/v1/deals/{id}")).await.body["version"],
            1
        );

        let moved = api
            .patch(
                &format!("/api/v1/deals/{id}"),
                json!({"version": 1, "stage_id": stage(1),
                       "contacts": [{"contact_id": contact["id"], "role": "decision_maker"}]}),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{db}: {}", moved.body);
        assert_eq!(moved.body["contacts"][0]["name"], "Jörg Hofmann");
        assert_eq!(moved.body["contacts"][0]["role"], "decision_maker");
        assert_eq!(moved.body["effective_probability_bp"], 1000);

        // Moving back needs nothing; a later close date is a slip.
        let back = api
            .patch(
                &format!("/api/v1/deals/{id}"),
                json!({"version": 2, "stage_id": stage(0), "expected_close": "2027-06-30"}),
            )
            .await;
        assert_eq!(back.status, StatusCode::OK, "{db}: {}", back.body);

        // Someone else's stale version: 409 with the current one.
        let stale = api
            .patch(
                &format!("/api/v1/deals/{id}"),
                json!({"version": 2, "title": "Überschrieben?"}),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.body["current_version"], 3);

        // Losing needs a reason.
        let lost = api
            .patch(
                &format!("/api/v1/deals/{id}"),
                json!({"version": 3, "status": "lost"}),
            )
            .await;
        assert_eq!(
            codes(&lost.body),
            vec![("lost_reason".into(), "required".into())]
        );
        let lost = api
            .patch(
                &format!("/api/v1/deals/{id}"),
                json!({"version": 3, "status": "lost", "lost_reason": "Preis", "competitor": "DMG"}),
            )
            .await;
        assert_eq!(lost.status, StatusCode::OK, "{}", lost.body);
        assert_eq!(lost.body["effective_probability_bp"], 0);
        assert!(lost.body["closed_at"].is_string());

        let timeline = api.get(&format!("/api/v1/deals/{id}/stages")).await.body;
        let visits = timeline["stages"].as_array().unwrap();
        let names: Vec<&str> = visits
            .iter()
            .map(|v| v["stage_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["Erstkontakt", "Qualifizierung", "Erstkontakt"],
            "{db}"
        );
        assert!(
            visits.iter().all(|v| v["left_at"].is_string()),
            "{db}: every stay ended, the last when the deal was lost"
        );
        let slip = &timeline["close_date_slips"][0];
        assert_eq!(
            (slip["from"].as_str(), slip["to"].as_str()),
            (Some("2027-03-31"), Some("2027-06-30")),
            "{db}"
        );
        assert!(slip["by"].is_string());
        let history = api.get(&format!("/api/v1/deals/{id}/history")).await.body;
        assert_eq!(
            history.as_array().unwrap().len(),
            4,
            "{db}: create + 3 changes"
        );

        // Activities and tasks can be about the deal.
        let call = api
            .post(
                "/api/v1/activities",
                json!({"kind": "call", "subject": "Preis besprochen", "deal_id": id}),
            )
            .await;
        assert_eq!(call.status, StatusCode::CREATED, "{db}: {}", call.body);
        assert_eq!(
            call.body["account_id"], account_id,
            "filed under the deal's account"
        );
        let task = api
            .post(
                "/api/v1/tasks",
                json!({"title": "Angebot überarbeiten", "deal_id": id, "due_on": "2027-01-10"}),
            )
            .await;
        assert_eq!(task.status, StatusCode::CREATED, "{db}: {}", task.body);
        let deal_tasks = api.get(&format!("/api/v1/tasks?deal_id={id}")).await.body;
        assert_eq!(deal_tasks["items"].as_array().unwrap().len(), 1, "{db}");
        let deal_calls = api
            .get(&format!("/api/v1/activities?deal_id={id}"))
            .await
            .body;
        assert_eq!(deal_calls["items"][0]["subject"], "Preis besprochen");
        let unknown = api
            .post(
                "/api/v1/tasks",
                json!({"title": "X", "deal_id": uuid::Uuid::now_v7()}),
            )
            .await;
        assert_eq!(unknown.body["errors"][0]["code"], "unknown_deal");

        // Filters and search find it.
        let lost_list = api.get("/api/v1/deals?status=lost").await.body;
        assert_eq!(lost_list["items"][0]["id"], id.as_str());
        assert!(
            api.get("/api/v1/deals?status=open").await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let by_contact = api
            .get(&format!(
                "/api/v1/deals?contact_id={}",
                contact["id"].as_str().unwrap()
            ))
            .await
            .body;
        assert_eq!(by_contact["items"].as_array().unwrap().len(), 1);
        let found = api.get("/api/v1/search?q=achs%20fr%C3%A4s").await.body;
        assert_eq!(found["deals"][0]["title"], "5-Achs-Fräszentrum", "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn bad_deal_input_is_named_and_changes_nothing(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Inside).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Vogt KG"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap();
        let bad = api
            .post(
                "/api/v1/deals",
                json!({"title": "x".repeat(201), "account_id": account_id,
                       "amount": {"minor": -5, "currency": "EUR"},
                       "probability_bp": 20_000, "expected_close": "1999-01-01",
                       "owner_id": uuid::Uuid::now_v7(), "stage_id": uuid::Uuid::now_v7()}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        let got = codes(&bad.body);
        for want in [
            ("stage_id", "unknown_stage"),
            ("title", "too_long"),
            ("amount", "out_of_range"),
            ("probability_bp", "out_of_range"),
            ("expected_close", "date_out_of_range"),
            ("owner_id", "unknown_user"),
        ] {
            assert!(
                got.contains(&(want.0.into(), want.1.into())),
                "{db}: {want:?} in {got:?}"
            );
        }
        let currency = api
            .post(
                "/api/v1/deals",
                json!({"title": "Y", "account_id": account_id, "amount": {"minor": 5, "currency": "ABC"}}),
            )
            .await;
        assert_eq!(
            codes(&currency.body),
            vec![("amount".into(), "unknown_currency".into())]
        );
        let wrong_type = api
            .post(
                "/api/v1/deals",
                json!({"title": "Y", "account_id": account_id, "amount": "viel"}),
            )
            .await;
        assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(wrong_type.body["errors"][0]["field"], "amount");
        assert!(
            api.get("/api/v1/deals").await.body["items"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{db}: nothing was stored"
        );
        assert_eq!(
            api.get(&format!("/api/v1/deals/{}", uuid::Uuid::now_v7()))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        server.stop().await;
    }
}

backend_test! {
    async fn admins_shape_pipelines_and_a_stage_with_deals_stays(db) {
        let server = TestServer::start(&db).await;
        let (admin, _) = server.api(Role::Admin).await;
        let (rep, _) = server.api(Role::Field).await;
        let created = admin
            .post(
                "/api/v1/pipelines",
                json!({"name": "Service", "stages": [
                    {"name": "Anfrage", "probability_bp": 2000, "rotting_days": 7},
                    {"name": "Angebot", "probability_bp": 6000, "exit_criteria": ["amount"]}]}),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{db}: {}",
            created.body
        );
        let pid = created.body["id"].as_str().unwrap().to_string();
        let first = created.body["stages"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let second = created.body["stages"][1]["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            rep.post("/api/v1/pipelines", json!({"name": "Meins"}))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let moved = admin
            .post(
                &format!("/api/v1/pipelines/{pid}/stages/{second}/move"),
                json!({"by": -1}),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        assert_eq!(moved.body["stages"][0]["name"], "Angebot");

        let account = rep
            .post("/api/v1/accounts", json!({"name": "Seidel AG"}))
            .await
            .body;
        let deal = rep
            .post(
                "/api/v1/deals",
                json!({"title": "Wartungsvertrag", "account_id": account["id"], "stage_id": first}),
            )
            .await;
        assert_eq!(deal.status, StatusCode::CREATED, "{}", deal.body);
        assert_eq!(
            deal.body["pipeline_id"],
            pid.as_str(),
            "pipeline of the stage"
        );
        assert_eq!(deal.body["effective_probability_bp"], 2000);

        let in_use = admin
            .delete(&format!("/api/v1/pipelines/{pid}/stages/{first}"))
            .await;
        assert_eq!(in_use.status, StatusCode::CONFLICT, "{db}");
        assert_eq!(in_use.body["errors"][0]["code"], "has_deals");
        let patched = admin
            .patch(
                &format!("/api/v1/pipelines/{pid}/stages/{first}"),
                json!({"version": moved.body["stages"][1]["version"], "probability_bp": 3000, "exit_criteria": ["budget"]}),
            )
            .await;
        assert_eq!(
            codes(&patched.body),
            vec![("exit_criteria".into(), "invalid_choice".into())]
        );
        let gone = admin
            .delete(&format!("/api/v1/pipelines/{pid}/stages/{second}"))
            .await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let p = admin.get(&format!("/api/v1/pipelines/{pid}")).await.body;
        assert_eq!(p["stages"].as_array().unwrap().len(), 1);
        server.stop().await;
    }
}

backend_test! {
    async fn the_deal_pages_create_move_and_explain_what_is_missing(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let web = server.web(&rep).await;
        let api = server.api_for(&rep).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Bäckerei Groß"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap();

        let form = web.get(&format!("/deals/new?account={account_id}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(
            form.attr("#account_name", "value").as_deref(),
            Some("Bäckerei Groß")
        );
        let stage_ids: Vec<String> = form.select_all_attr("#stage_id option", "value");
        let refused = web
            .submit(
                "/deals/new",
                "/deals",
                &[
                    ("title", "Backofen-Linie"),
                    ("account_name", "Bäckerei Groß"),
                    ("stage_id", &stage_ids[0]),
                    ("amount", "12,5,0"),
                    ("currency", "EUR"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        assert!(
            refused
                .select_text("#amount-error")
                .unwrap()
                .contains("Betrag"),
            "{db}: a German message at the amount"
        );
        let created = web
            .submit(
                "/deals/new",
                "/deals",
                &[
                    ("title", "Backofen-Linie"),
                    ("account_name", "Bäckerei Groß"),
                    ("stage_id", &stage_ids[0]),
                    ("amount", "48.000,00"),
                    ("currency", "EUR"),
                    ("expected_close", "2027-01-15"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{db}");
        assert!(created.path.starts_with("/deals/"), "{}", created.path);
        assert!(
            created
                .select_text(".lead")
                .unwrap()
                .contains("48.000,00 €"),
            "{db}: {:?}",
            created.select_text(".lead")
        );
        let deal_path = created.path.split('?').next().unwrap().to_string();

        // The stage menu: moving on without a contact is refused with what is missing.
        let version = "1";
        let moved = web
            .submit(
                &deal_path,
                &format!("{deal_path}/stage"),
                &[("version", version), ("stage_id", &stage_ids[1])],
            )
            .await;
        assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY, "{db}");
        let alert = moved.select_text("#exit-criteria").unwrap();
        assert!(alert.contains("Erstkontakt"), "{alert}");
        assert!(alert.contains("Kontakt"), "{alert}");

        // The account page lists its deals.
        let account_page = web.get(&format!("/accounts/{account_id}")).await;
        assert!(
            account_page
                .select_text("#deals-h + ul")
                .unwrap_or_default()
                .contains("Backofen-Linie"),
            "{db}"
        );

        // The list shows the open deal with its amount.
        let list = web.get("/deals").await;
        assert!(list.text.contains("Backofen-Linie"));
        assert!(list.text.contains("48.000,00 €"));

        // Lost with a reason, then it leaves the default (open) list.
        let lost = web
            .submit(
                &deal_path,
                &format!("{deal_path}/close"),
                &[
                    ("version", "1"),
                    ("status", "lost"),
                    ("lost_reason", "Kein Budget"),
                ],
            )
            .await;
        assert_eq!(lost.status, StatusCode::OK, "{db}");
        assert!(lost.text.contains("Kein Budget"));
        assert!(!web.get("/deals").await.text.contains("Backofen-Linie"));
        assert!(
            web.get("/deals?status=lost")
                .await
                .text
                .contains("Backofen-Linie")
        );
        server.stop().await;
    }
}

backend_test! {
    /// The browser and the API change a deal through the same rules: a deal reopened in
    /// either has no reason for losing any more, and is otherwise the same record.
    async fn reopening_a_deal_gives_the_same_record_through_the_api_and_the_browser(db) {
        let server = TestServer::start(&db).await;
        let (api, me) = server.api(Role::Field).await;
        let web = server.web(&me).await;
        let account = api
            .post(
                "/api/v1/accounts",
                json!({"name": "Hofmann Präzisionsteile GmbH"}),
            )
            .await
            .body;
        let mut ids = vec![];
        for title in ["Fräszentrum (API)", "Fräszentrum (Browser)"] {
            let deal = api
                .post(
                    "/api/v1/deals",
                    json!({"title": title, "account_id": account["id"],
                           "amount": {"minor": 4_800_000, "currency": "EUR"}}),
                )
                .await;
            assert_eq!(deal.status, StatusCode::CREATED, "{db}: {}", deal.body);
            let id = deal.body["id"].as_str().unwrap().to_string();
            let lost = api
                .patch(
                    &format!("/api/v1/deals/{id}"),
                    json!({"version": 1, "status": "lost", "lost_reason": "Preis",
                           "competitor": "DMG Mori"}),
                )
                .await;
            assert_eq!(lost.body["lost_reason"], "Preis", "{db}");
            ids.push(id);
        }

        let by_api = api
            .patch(
                &format!("/api/v1/deals/{}", ids[0]),
                json!({"version": 2, "status": "open"}),
            )
            .await;
        assert_eq!(by_api.status, StatusCode::OK, "{db}: {}", by_api.body);
        let path = format!("/deals/{}", ids[1]);
        let by_browser = web
            .submit(
                &path,
                &format!("{path}/close"),
                &[("version", "2"), ("status", "open")],
            )
            .await;
        assert_eq!(by_browser.status, StatusCode::OK, "{db}");

        let a = api.get(&format!("/api/v1/deals/{}", ids[0])).await.body;
        let b = api.get(&format!("/api/v1/deals/{}", ids[1])).await.body;
        for deal in [&a, &b] {
            assert_eq!(deal["status"], "open", "{db}: {deal}");
            assert_eq!(deal["lost_reason"], Value::Null, "{db}: {deal}");
            assert_eq!(deal["closed_at"], Value::Null, "{db}: {deal}");
            assert_eq!(deal["competitor"], "DMG Mori", "{db}: {deal}");
            assert_eq!(deal["version"], 3, "{db}: {deal}");
        }
        server.stop().await;
    }
}
