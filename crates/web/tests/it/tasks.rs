use reqwest::StatusCode;
use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn tasks_recur_when_done_and_follow_the_rules_through_the_api(db) {
        let server = TestServer::start(&db).await;
        let (api, me) = server.api(Role::Inside).await;
        let account = api
            .post("/api/v1/accounts", json!({"name": "Lange Logistik"}))
            .await
            .body;
        let account_id = account["id"].as_str().unwrap();

        let weekly = api
            .post("/api/v1/tasks", json!({"title": "Wochenbericht", "due_on": "2026-11-06", "recurrence": "weekly", "priority": "high", "account_id": account_id}))
            .await;
        assert_eq!(weekly.status, StatusCode::CREATED, "{db}: {}", weekly.body);
        assert_eq!(
            weekly.body["assignee_id"],
            me.id.to_string(),
            "assigned to the creator by default"
        );
        let id = weekly.body["id"].as_str().unwrap().to_string();
        api.post("/api/v1/tasks", json!({"title": "Irgendwann aufräumen"}))
            .await;
        api.post(
            "/api/v1/tasks",
            json!({"title": "Angebot nachfassen", "due_on": "2026-11-02"}),
        )
        .await;

        let open = api
            .get(&format!("/api/v1/tasks?assignee_id={}", me.id))
            .await
            .body;
        let titles: Vec<&str> = open["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            titles,
            vec![
                "Angebot nachfassen",
                "Wochenbericht",
                "Irgendwann aufräumen"
            ],
            "{db}: by due date, undated last"
        );

        let done = api
            .post(
                &format!("/api/v1/tasks/{id}/complete"),
                json!({"version": 1}),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let next = &done.body["next"];
        assert_eq!(next["title"], "Wochenbericht");
        assert_eq!(next["recurrence"], "weekly");
        // The next Friday after today in the weekly rhythm that began on 6 November.
        let expected = tandem_domain::task::Recurrence::Weekly
            .next_due(
                jiff::civil::date(2026, 11, 6),
                tandem_domain::format::local_date(tandem_domain::Instant::now()),
            )
            .unwrap();
        assert_eq!(next["due_on"], expected.to_string(), "{db}");
        assert_eq!(expected.weekday(), jiff::civil::Weekday::Friday);
        let finished = api.get("/api/v1/tasks?done=true").await.body;
        assert_eq!(finished["items"][0]["id"], id.as_str());
        assert_eq!(
            api.post(&format!("/api/v1/tasks/{id}/reopen"), json!({"version": 2}))
                .await
                .status,
            StatusCode::OK
        );

        for (body, field) in [
            (json!({"title": ""}), "title"),
            (json!({"title": "x", "due_on": "31.12."}), "due_on"),
            (json!({"title": "x", "recurrence": "weekly"}), "due_on"),
            (json!({"title": "x", "priority": "urgent"}), "priority"),
            (
                json!({"title": "x", "assignee_id": "0190b5d0-0000-7000-8000-000000000000"}),
                "assignee_id",
            ),
        ] {
            let r = api.post("/api/v1/tasks", body.clone()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(r.body["errors"][0]["field"], field, "{body}");
        }
        assert_eq!(
            api.post(
                &format!("/api/v1/tasks/{id}/complete"),
                json!({"version": 1})
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        let (reader, _) = server.api(Role::ReadOnly).await;
        assert_eq!(
            reader
                .post("/api/v1/tasks", json!({"title": "x"}))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_rep_adds_a_task_and_ticks_it_off_in_the_browser(db) {
        let server = TestServer::start(&db).await;
        let rep = server.user(Role::Field).await;
        let web = server.web(&rep).await;
        let today = tandem_domain::format::local_date(tandem_domain::Instant::now());
        let yesterday = today.yesterday().unwrap().to_string();

        let added = web
            .submit(
                "/tasks",
                "/tasks",
                &[
                    ("title", "Muster nachschicken"),
                    ("due_on", &yesterday),
                    ("priority", "high"),
                ],
            )
            .await;
        assert_eq!(
            added.select_text(".notice").as_deref(),
            Some("Angelegt."),
            "{db}"
        );
        assert!(
            added
                .select_text(".taskgroup.overdue")
                .unwrap()
                .contains("Muster nachschicken"),
            "an overdue task is shown as overdue"
        );
        let added = web
            .submit(
                "/tasks",
                "/tasks",
                &[("title", "Heute anrufen"), ("due_on", &today.to_string())],
            )
            .await;
        assert!(
            added
                .select_text(".taskgroup.today")
                .unwrap()
                .contains("Heute anrufen")
        );

        let bad = web.submit("/tasks", "/tasks", &[("title", " ")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            bad.select_text("#title-error").as_deref(),
            Some("Bitte ausfüllen.")
        );

        let list = web.get("/tasks").await;
        let action = list
            .attr(".taskgroup.overdue form[action$='/complete']", "action")
            .unwrap();
        let version = list
            .attr(
                ".taskgroup.overdue form[action$='/complete'] input[name=version]",
                "value",
            )
            .unwrap();
        let done = web
            .post_form(
                &action,
                &list.csrf(),
                &[("version", &version), ("back", "/tasks")],
            )
            .await;
        assert_eq!(done.select_text(".notice").as_deref(), Some("Erledigt."));
        assert!(
            done.select_text(".taskgroup.overdue").is_none(),
            "nothing overdue any more"
        );
        let finished = web.get("/tasks?done=1").await;
        assert!(finished.text.contains("Muster nachschicken"));
        server.stop().await;
    }
}
