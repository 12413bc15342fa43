//! Requests between field and inside sales, walked with a server clock the test moves:
//! routing, the absence hand-on, reminders, the paused clock, escalation, claims,
//! notifications, mail and the figures.

use serde_json::{Value, json};
use tandem_domain::{Instant, Role, time::Clock};
use tandem_testkit::{ApiClient, MailSink, TestServer, backend_test};

/// Monday 23 November 2026 at `h:m` in Berlin (UTC+1), plus `days`.
fn berlin(days: i64, h: i64, m: i64) -> Instant {
    let monday_9 = 1_795_420_800_000_i64; // 2026-11-23T08:00:00Z
    Instant(monday_9 + ((days * 24 + h - 9) * 60 + m) * 60_000)
}

async fn type_id(api: &ApiClient, name: &str) -> String {
    let types = api.get("/api/v1/request-types").await;
    assert_eq!(types.status, 200, "{}", types.body);
    types.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no type {name}: {}", types.body))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn kinds(notifications: &Value) -> Vec<String> {
    notifications["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

backend_test! {
    async fn dieters_quote_moves_to_the_deputy_when_klaus_falls_sick(db) {
        assert_eq!(
            berlin(0, 9, 0).to_rfc3339(),
            "2026-11-23T08:00:00.000Z",
            "the test's Monday"
        );
        let clock = Clock::manual(berlin(0, 9, 0));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let mail = MailSink::start();
        let (admin, _) = server.api(Role::Admin).await;
        let smtp = admin
            .put(
                "/api/v1/mail-settings",
                json!({"host": "127.0.0.1", "port": mail.port.to_string(), "security": "none",
                       "from": "Tandem <tandem@example.test>"}),
            )
            .await;
        assert_eq!(smtp.status, 200, "{db}: {}", smtp.body);

        let lead = server.user_in_team(Role::Manager, "Innendienst").await;
        let dieter = server.user_in_team(Role::Field, "Außendienst").await;
        let klaus = server.user_in_team(Role::Inside, "Innendienst").await;
        let petra = server.user_in_team(Role::Inside, "Innendienst").await;
        let (d, k, p, l) = (
            server.api_for(&dieter).await,
            server.api_for(&klaus).await,
            server.api_for(&petra).await,
            server.api_for(&lead).await,
        );
        let tandem = l
            .post(
                "/api/v1/tandems",
                json!({"field_id": dieter.id.to_string(), "inside_id": klaus.id.to_string(),
                       "deputy_id": petra.id.to_string()}),
            )
            .await;
        assert_eq!(tandem.status, 201, "{db}: {}", tandem.body);
        let account = d
            .post(
                "/api/v1/accounts",
                json!({"name": "Brunnenbau Köhler GmbH"}),
            )
            .await;
        assert_eq!(account.status, 201, "{db}: {}", account.body);
        let account_id = account.body["id"].as_str().unwrap().to_string();

        // Monday 09:00: Dieter asks for a quote (16 business hours) — it goes to Klaus,
        // due Tuesday 16:00 (8 h on Monday from 9, 8 h on Tuesday from 8).
        let quote = type_id(&d, "Angebot erstellen").await;
        let r = d
            .post(
                "/api/v1/requests",
                json!({"type_id": quote, "account_id": account_id,
                       "description": "Angebot 2 Brunnenpumpen inkl. Montage"}),
            )
            .await;
        assert_eq!(r.status, 201, "{db}: {}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        assert_eq!(r.body["assignee_name"], klaus.name.as_str(), "{db}");
        assert_eq!(r.body["assignee_id"], klaus.id.to_string(), "{db}");
        assert_eq!(r.body["due_at"], berlin(1, 16, 0).to_rfc3339(), "{db}");
        assert_eq!(r.body["status"], "open", "{db}");
        let klaus_news = k.get("/api/v1/notifications").await;
        assert_eq!(klaus_news.body["unread"], 1, "{db}: {}", klaus_news.body);
        assert!(
            klaus_news.body["items"][0]["title"]
                .as_str()
                .unwrap()
                .contains("Angebot erstellen · Brunnenbau Köhler GmbH"),
            "{db}: {}",
            klaus_news.body
        );

        // Klaus falls sick; the job hands his open request to his deputy Petra, once.
        let sick = l
            .post(
                "/api/v1/absences",
                json!({"user_id": klaus.id.to_string(), "kind": "sick",
                       "from": "2026-11-23", "to": "2026-11-25"}),
            )
            .await;
        assert_eq!(sick.status, 201, "{db}: {}", sick.body);
        assert_eq!(server.sweep().await, 1, "{db}: one request handed on");
        assert_eq!(server.sweep().await, 0, "{db}: and only once");
        let seen = d.get(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(seen.body["assignee_id"], petra.id.to_string(), "{db}");
        assert_eq!(seen.body["reassignments"], 1, "{db}");
        assert_eq!(
            seen.body["due_at"],
            berlin(1, 16, 0).to_rfc3339(),
            "{db}: same due time"
        );
        let timeline = d.get(&format!("/api/v1/requests/{id}/timeline")).await;
        let last = timeline.body["items"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["kind"], "reassigned", "{db}: {}", timeline.body);
        assert_eq!(last["data"]["reason"], "absence", "{db}");
        assert_eq!(last["data"]["to"], petra.name.as_str(), "{db}: to the deputy");
        assert!(
            kinds(&d.get("/api/v1/notifications").await.body)
                .contains(&"request_reassigned".into()),
            "{db}: Dieter is told who has it now"
        );
        assert!(
            kinds(&p.get("/api/v1/notifications").await.body).contains(&"request_assigned".into()),
            "{db}: Petra is told"
        );
        // Each says who, what, which customer, and why it moved.
        let titles = |v: Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["title"].as_str().unwrap_or("").to_string())
                .collect()
        };
        let petra_titles = titles(p.get("/api/v1/notifications").await.body);
        assert!(
            petra_titles.iter().any(|t| t
                .starts_with("„Angebot erstellen“ (Brunnenbau Köhler GmbH)")
                && t.contains("liegt jetzt bei Ihnen")
                && t.ends_with("ist abwesend.")),
            "{db}: {petra_titles:?}"
        );
        assert!(
            petra_titles.iter().all(|t| !t.starts_with(' ')),
            "{db}: {petra_titles:?}"
        );
        let dieter_titles = titles(d.get("/api/v1/notifications").await.body);
        assert!(
            dieter_titles
                .iter()
                .any(|t| t.contains("weil") && t.ends_with("abwesend ist.")),
            "{db}: {dieter_titles:?}"
        );
        // Dieter's lists show it with Petra.
        let mine = d.get("/api/v1/requests").await;
        assert_eq!(
            mine.body["items"][0]["assignee_id"],
            petra.id.to_string(),
            "{db}"
        );

        // While Klaus is away a new request goes straight to Petra.
        let check = type_id(&d, "Liefertermin prüfen").await;
        let second = d
            .post(
                "/api/v1/requests",
                json!({"type_id": check, "account_id": account_id, "description": "KW 50 möglich?"}),
            )
            .await;
        assert_eq!(second.body["assignee_id"], petra.id.to_string(), "{db}");
        let second_id = second.body["id"].as_str().unwrap().to_string();
        let done = p
            .patch(
                &format!("/api/v1/requests/{second_id}"),
                json!({"version": second.body["version"], "status": "done"}),
            )
            .await;
        assert_eq!(done.status, 200, "{db}: {}", done.body);
        assert_eq!(done.body["in_time"], true, "{db}");

        // Tuesday 12:00: 75 % of the SLA has run; Petra is reminded, once.
        clock.set(berlin(1, 12, 0));
        assert_eq!(server.sweep().await, 1, "{db}: the reminder");
        assert_eq!(server.sweep().await, 0, "{db}: no second reminder");
        assert!(
            kinds(&p.get("/api/v1/notifications").await.body).contains(&"request_reminder".into()),
            "{db}"
        );

        // Tuesday 13:00: Petra asks Dieter back; the clock pauses with 3 h left.
        clock.set(berlin(1, 13, 0));
        let current = p.get(&format!("/api/v1/requests/{id}")).await;
        let waiting = p
            .patch(
                &format!("/api/v1/requests/{id}"),
                json!({"version": current.body["version"], "status": "waiting"}),
            )
            .await;
        assert_eq!(waiting.status, 200, "{db}: {}", waiting.body);
        assert_eq!(waiting.body["due_at"], Value::Null, "{db}");
        assert_eq!(waiting.body["paused_minutes_left"], 180, "{db}");
        // Nothing happens while it waits, however long.
        clock.set(berlin(2, 9, 0));
        assert_eq!(server.sweep().await, 0, "{db}");

        // Wednesday 10:00: Dieter answers; the clock runs again, due at 13:00.
        clock.set(berlin(2, 10, 0));
        let answer = d
            .post(
                &format!("/api/v1/requests/{id}/comments"),
                json!({"text": "Mit Montage, ohne Schacht."}),
            )
            .await;
        assert_eq!(answer.status, 201, "{db}: {}", answer.body);
        assert_eq!(answer.body["status"], "in_progress", "{db}");
        assert_eq!(answer.body["due_at"], berlin(2, 13, 0).to_rfc3339(), "{db}");

        // Wednesday 13:30: missed; the inside team lead and Dieter hear of it, once.
        clock.set(berlin(2, 13, 30));
        assert_eq!(server.sweep().await, 1, "{db}: first escalation step");
        assert_eq!(server.sweep().await, 0, "{db}");
        let lead_news = l.get("/api/v1/notifications").await;
        assert!(
            kinds(&lead_news.body).contains(&"request_escalated".into()),
            "{db}: {}",
            lead_news.body
        );
        assert!(
            kinds(&d.get("/api/v1/notifications").await.body).contains(&"request_escalated".into()),
            "{db}"
        );
        let late = d.get(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(late.body["overdue"], true, "{db}");
        assert_eq!(late.body["escalated"], 1, "{db}");
        let history = d.get(&format!("/api/v1/requests/{id}/timeline")).await;
        let steps: Vec<&str> = history.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            [
                "created",
                "reassigned",
                "reminded",
                "status",
                "comment",
                "status",
                "escalated"
            ],
            "{db}"
        );

        // Wednesday 14:00: done, late.
        clock.set(berlin(2, 14, 0));
        let v = p.get(&format!("/api/v1/requests/{id}")).await.body["version"].clone();
        let closed = p
            .patch(
                &format!("/api/v1/requests/{id}"),
                json!({"version": v, "status": "done"}),
            )
            .await;
        assert_eq!(closed.body["in_time"], false, "{db}: {}", closed.body);

        // The figures: two done, one in time, one hand-on.
        let figures = l
            .get("/api/v1/request-figures?from=2026-11-01&to=2026-11-30")
            .await;
        assert_eq!(figures.status, 200, "{db}: {}", figures.body);
        assert_eq!(figures.body["total"]["done"], 2, "{db}: {}", figures.body);
        assert_eq!(figures.body["total"]["in_time"], 1, "{db}");
        assert_eq!(figures.body["total"]["hit_rate_percent"], 50.0, "{db}");
        assert_eq!(figures.body["total"]["reassignments"], 1, "{db}");
        assert_eq!(figures.body["by_type"].as_array().unwrap().len(), 2, "{db}");
        assert_eq!(figures.body["by_tandem"][0]["done"], 2, "{db}");
        // The quote took 16 business hours of clock (8 + 9 + ... minus the pause is not
        // subtracted: turnaround is from asking to done): Mon 9–17, Tue 8–17, Wed 8–14.
        let quote_row = figures.body["by_type"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "Angebot erstellen")
            .unwrap()
            .clone();
        assert_eq!(quote_row["median_minutes"], (8 + 9 + 6) * 60, "{db}");

        // Mail went out through the outbox, umlauts intact.
        server.send_mail().await;
        let received = mail.received();
        assert!(
            received
                .iter()
                .any(|m| m.to.iter().any(|t| t.contains(&klaus.email))
                    && m.subject.contains("Brunnenbau Köhler GmbH")),
            "{db}: {:?}",
            received.iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
        assert!(
            received
                .iter()
                .any(|m| m.to.iter().any(|t| t.contains(&dieter.email))
                    && m.subject.contains("Frist verpasst")
                    && m.body.contains("Angebot 2 Brunnenpumpen")),
            "{db}: {:?}",
            received.iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
        assert_eq!(server.send_mail().await, 0, "{db}: each mail once");
        server.stop().await;
    }
}

backend_test! {
    async fn of_two_colleagues_claiming_from_the_queue_exactly_one_wins(db) {
        let server = TestServer::start(&db).await;
        let (rep, _) = server.api(Role::Field).await;
        let anna = server.user(Role::Inside).await;
        let ben = server.user(Role::Inside).await;
        let (a, b) = (server.api_for(&anna).await, server.api_for(&ben).await);
        // No tandem: the request goes to the team queue.
        let t = type_id(&rep, "Technische Klärung").await;
        let r = rep
            .post(
                "/api/v1/requests",
                json!({"type_id": t, "description": "Druckstufe PN16?"}),
            )
            .await;
        assert_eq!(r.status, 201, "{db}: {}", r.body);
        assert_eq!(r.body["assignee_id"], Value::Null, "{db}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let queue = a.get("/api/v1/requests?view=queue").await;
        assert_eq!(queue.body["items"][0]["id"], id, "{db}: {}", queue.body);

        for _ in 0..3 {
            let path = format!("/api/v1/requests/{id}/claim");
            let (x, y) = tokio::join!(a.post(&path, json!({})), b.post(&path, json!({})));
            let mut statuses = [x.status.as_u16(), y.status.as_u16()];
            statuses.sort();
            if statuses == [200, 409] {
                let lost = if x.status == 409 { &x } else { &y };
                assert_eq!(lost.body["errors"][0]["field"], "assignee_id", "{db}");
                assert_eq!(lost.body["errors"][0]["code"], "already_claimed", "{db}");
                break;
            }
            // Someone already had it from the round before: both refused.
            assert_eq!(statuses, [409, 409], "{db}: {} {}", x.body, y.body);
        }
        let got = rep.get(&format!("/api/v1/requests/{id}")).await;
        let winner = got.body["assignee_id"].as_str().unwrap().to_string();
        assert!(
            winner == anna.id.to_string() || winner == ben.id.to_string(),
            "{db}"
        );
        let timeline = rep.get(&format!("/api/v1/requests/{id}/timeline")).await;
        let claims = timeline.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "claimed")
            .count();
        assert_eq!(claims, 1, "{db}");
        assert_eq!(
            a.get("/api/v1/requests?view=queue").await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            0,
            "{db}: gone from the queue"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn bad_request_input_is_refused_by_field_and_changes_nothing(db) {
        let server = TestServer::start(&db).await;
        let (rep, _) = server.api(Role::Field).await;
        let (other_rep, _) = server.api(Role::Field).await;
        let (admin, _) = server.api(Role::Admin).await;
        let t = type_id(&rep, "Angebot erstellen").await;
        let cases = [
            (json!({"description": "x"}), "type_id", "required"),
            (
                json!({"type_id": t, "description": "  "}),
                "description",
                "required",
            ),
            (
                json!({"type_id": t, "description": "x".repeat(4_001)}),
                "description",
                "too_long",
            ),
            (
                json!({"type_id": uuid::Uuid::now_v7(), "description": "x"}),
                "type_id",
                "not_found",
            ),
            (
                json!({"type_id": t, "description": "x", "deal_id": uuid::Uuid::now_v7()}),
                "deal_id",
                "not_found",
            ),
            (
                json!({"type_id": t, "description": "x", "account_id": uuid::Uuid::now_v7()}),
                "account_id",
                "not_found",
            ),
            (
                json!({"type_id": t, "description": "x", "colour": "red"}),
                "colour",
                "unknown_field",
            ),
        ];
        for (body, field, code) in cases {
            let r = rep.post("/api/v1/requests", body).await;
            assert_eq!(r.status, 422, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["code"], code, "{db}: {}", r.body);
        }
        let none = rep.get("/api/v1/requests?status=all").await;
        assert_eq!(none.body["items"].as_array().unwrap().len(), 0, "{db}");

        let r = rep
            .post(
                "/api/v1/requests",
                json!({"type_id": t, "description": "Angebot"}),
            )
            .await;
        let id = r.body["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/requests/{id}");
        // Another field rep does not see it.
        assert_eq!(other_rep.get(&path).await.status, 404, "{db}");
        // The requester cannot mark it done (only who works on it).
        let refused = rep
            .patch(&path, json!({"version": 1, "status": "done"}))
            .await;
        assert_eq!(refused.status, 403, "{db}: {}", refused.body);
        for (body, status, field) in [
            (json!({"status": "done"}), 422, "version"),
            (json!({"version": 1, "status": "finished"}), 422, "status"),
            (
                json!({"version": 1, "assignee_id": "nobody"}),
                422,
                "assignee_id",
            ),
            (json!({"version": 1, "owner": "x"}), 422, "owner"),
        ] {
            let r = admin.patch(&path, body).await;
            assert_eq!(r.status, status, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
        }
        // Nobody works on a request from the queue without taking it first.
        let unclaimed = admin
            .patch(&path, json!({"version": 1, "status": "in_progress"}))
            .await;
        assert_eq!(unclaimed.status, 403, "{db}: {}", unclaimed.body);
        let claimed = admin.post(&format!("{path}/claim"), json!({})).await;
        assert_eq!(claimed.status, 200, "{db}: {}", claimed.body);
        let stale = admin
            .patch(&path, json!({"version": 1, "status": "in_progress"}))
            .await;
        assert_eq!(stale.status, 409, "{db}: {}", stale.body);
        let waiting_from_open = admin
            .patch(&path, json!({"version": 2, "status": "waiting"}))
            .await;
        assert_eq!(
            waiting_from_open.status, 200,
            "{db}: {}",
            waiting_from_open.body
        );
        let back_to_open = admin
            .patch(&path, json!({"version": 3, "status": "open"}))
            .await;
        assert_eq!(back_to_open.status, 422, "{db}: {}", back_to_open.body);
        assert_eq!(
            back_to_open.body["errors"][0]["code"], "invalid_transition",
            "{db}"
        );
        // One change refused: the description sent with it is not kept either.
        let half = admin
            .patch(
                &path,
                json!({"version": 3, "description": "Angebot bis Freitag", "status": "open"}),
            )
            .await;
        assert_eq!(half.status, 422, "{db}: {}", half.body);
        let kept = admin.get(&path).await;
        assert_eq!(kept.body["description"], "Angebot", "{db}: {}", kept.body);
        assert_eq!(kept.body["version"], 3, "{db}: {}", kept.body);
        let empty = rep
            .post(&format!("{path}/comments"), json!({"text": ""}))
            .await;
        assert_eq!(empty.status, 422, "{db}");
        assert_eq!(empty.body["errors"][0]["field"], "text", "{db}");
        let unchanged = rep.get(&path).await;
        assert_eq!(unchanged.body["version"], 3, "{db}: {}", unchanged.body);
        assert_eq!(unchanged.body["status"], "waiting", "{db}");

        // Request types: admins only, checked by field.
        let (manager, _) = server.api(Role::Manager).await;
        let forbidden = manager
            .post(
                "/api/v1/request-types",
                json!({"name": "Muster", "sla_hours": 8}),
            )
            .await;
        assert_eq!(forbidden.status, 403, "{db}");
        for (body, field, code) in [
            (
                json!({"name": "Muster", "sla_hours": 0}),
                "sla_hours",
                "must_be_positive",
            ),
            (
                json!({"name": "Muster", "sla_hours": 8, "reminder_percent": 100}),
                "reminder_percent",
                "out_of_range",
            ),
            (
                json!({"name": "Muster", "sla_hours": 8, "escalation": ["ceo"]}),
                "escalation",
                "invalid_choice",
            ),
            (
                json!({"name": "Angebot erstellen", "sla_hours": 8}),
                "name",
                "taken",
            ),
        ] {
            let r = admin.post("/api/v1/request-types", body).await;
            assert_eq!(r.status, 422, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["code"], code, "{db}: {}", r.body);
        }
        // Mail settings: checked by field; a test mail without a server is refused.
        let bad = admin
            .put(
                "/api/v1/mail-settings",
                json!({"host": "mail host", "port": "99999", "from": "x"}),
            )
            .await;
        assert_eq!(bad.status, 422, "{db}: {}", bad.body);
        let fields: Vec<&str> = bad.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["host", "port", "from"], "{db}");
        assert_eq!(
            admin.get("/api/v1/mail-settings").await.body["enabled"],
            false,
            "{db}"
        );
        let test = admin.post("/api/v1/mail-settings/test", json!({})).await;
        assert_eq!(test.status, 422, "{db}: {}", test.body);
        // Notifications of others are not found.
        let foreign = rep
            .post(
                &format!("/api/v1/notifications/{}/read", uuid::Uuid::now_v7()),
                json!({}),
            )
            .await;
        assert_eq!(foreign.status, 404, "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn preferences_decide_what_is_shown_and_mailed_and_the_test_mail_arrives(db) {
        let server = TestServer::start(&db).await;
        let mail = MailSink::start();
        let (admin, admin_user) = server.api(Role::Admin).await;
        admin
            .put(
                "/api/v1/mail-settings",
                json!({"host": "127.0.0.1", "port": mail.port.to_string(), "security": "none",
                       "from": "tandem@example.test"}),
            )
            .await;
        let test = admin.post("/api/v1/mail-settings/test", json!({})).await;
        assert_eq!(test.body["sent"], true, "{db}: {}", test.body);
        let got = mail.received();
        assert_eq!(got.len(), 1, "{db}");
        assert!(got[0].to[0].contains(&admin_user.email), "{db}");
        assert!(got[0].subject.contains("Grüße"), "{db}: {}", got[0].subject);

        let field = server.user(Role::Field).await;
        let inside = server.user(Role::Inside).await;
        let (f, i) = (server.api_for(&field).await, server.api_for(&inside).await);
        let lead = server.api_for(&server.user(Role::Manager).await).await;
        lead.post(
            "/api/v1/tandems",
            json!({"field_id": field.id.to_string(), "inside_id": inside.id.to_string()}),
        )
        .await;
        // The inside rep wants nothing by mail and no status news at all.
        let prefs = i
            .put(
                "/api/v1/notification-preferences",
                json!({"items": [
                    {"kind": "request_assigned", "in_app": true, "email": false},
                    {"kind": "request_comment", "in_app": false, "email": false}]}),
            )
            .await;
        assert_eq!(prefs.status, 200, "{db}: {}", prefs.body);
        let bad = i
            .put(
                "/api/v1/notification-preferences",
                json!({"items": [{"kind": "gossip", "in_app": true, "email": true}]}),
            )
            .await;
        assert_eq!(bad.status, 422, "{db}");
        let t = type_id(&f, "Sonstige Anfrage").await;
        let r = f
            .post(
                "/api/v1/requests",
                json!({"type_id": t, "description": "Rückruf Kunde"}),
            )
            .await;
        let id = r.body["id"].as_str().unwrap();
        f.post(
            &format!("/api/v1/requests/{id}/comments"),
            json!({"text": "Dringend"}),
        )
        .await;
        let news = i.get("/api/v1/notifications").await;
        assert_eq!(
            kinds(&news.body),
            ["request_assigned"],
            "{db}: {}",
            news.body
        );
        server.send_mail().await;
        assert_eq!(
            mail.received().len(),
            1,
            "{db}: nothing mailed to the inside rep"
        );
        // Reading: one, then all.
        let nid = news.body["items"][0]["id"].as_str().unwrap();
        let read = i
            .post(&format!("/api/v1/notifications/{nid}/read"), json!({}))
            .await;
        assert_eq!(read.status, 204, "{db}");
        assert_eq!(
            i.get("/api/v1/notifications").await.body["unread"],
            0,
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn a_tandems_own_deadline_replaces_the_types_and_news_reach_only_their_reader(db) {
        let clock = Clock::manual(berlin(0, 9, 0));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let lead = server.api_for(&server.user(Role::Manager).await).await;
        let field = server.user(Role::Field).await;
        let inside = server.user(Role::Inside).await;
        let other = server.user(Role::Inside).await;
        let f = server.api_for(&field).await;
        let check = type_id(&f, "Liefertermin prüfen").await;
        let pair = |sla: Value| {
            json!({"field_id": field.id.to_string(), "inside_id": inside.id.to_string(),
                   "sla_hours": sla})
        };
        let unknown = lead
            .post(
                "/api/v1/tandems",
                pair(json!({uuid::Uuid::now_v7().to_string(): 2})),
            )
            .await;
        assert_eq!(unknown.status, 422, "{db}: {}", unknown.body);
        assert_eq!(unknown.body["errors"][0]["field"], "sla_hours", "{db}");
        let t = lead
            .post("/api/v1/tandems", pair(json!({&check: 1.5})))
            .await;
        assert_eq!(t.status, 201, "{db}: {}", t.body);
        assert_eq!(t.body["sla_hours"][&check], 1.5, "{db}");

        // The inside rep's event stream hears of the new request; a colleague's does not.
        let mut mine = server.event_stream(&inside).await;
        let mut theirs = server.event_stream(&other).await;
        let r = f
            .post(
                "/api/v1/requests",
                json!({"type_id": check, "description": "KW 50?"}),
            )
            .await;
        assert_eq!(r.status, 201, "{db}: {}", r.body);
        // 1.5 business hours from Monday 09:00 instead of the type's 4.
        assert_eq!(r.body["due_at"], berlin(0, 10, 30).to_rfc3339(), "{db}");
        let news = "\"topic\":\"notifications\"";
        let change = "\"topic\":\"requests\"";
        let heard = tandem_testkit::wait_for_event(&mut mine, news).await;
        assert!(
            heard.is_some_and(|s| s.contains(&inside.id.to_string())),
            "{db}"
        );
        // The colleague sees that requests changed, twice, and never the news.
        let first = tandem_testkit::wait_for_event(&mut theirs, change)
            .await
            .unwrap();
        let id = r.body["id"].as_str().unwrap();
        f.post(
            &format!("/api/v1/requests/{id}/comments"),
            json!({"text": "Bitte heute"}),
        )
        .await;
        let second = tandem_testkit::wait_for_event(&mut theirs, change)
            .await
            .unwrap();
        assert!(
            !first.contains(news) && !second.contains(news),
            "{db}: {first} {second}"
        );

        // Two job runners at once (as two instances would): every step is taken once.
        clock.set(berlin(0, 10, 10));
        let (a, b) = tokio::join!(server.sweep(), server.sweep());
        assert_eq!(a + b, 1, "{db}: one reminder between them");
        // Late by 30 minutes: the first step; the second follows one SLA (90 min) later.
        clock.set(berlin(0, 11, 0));
        let (a, b) = tokio::join!(server.sweep(), server.sweep());
        assert_eq!(a + b, 1, "{db}: the first escalation step, once");
        clock.set(berlin(0, 12, 0));
        let (a, b) = tokio::join!(server.sweep(), server.sweep());
        assert_eq!(a + b, 1, "{db}: the second, once");
        clock.set(berlin(0, 16, 0));
        let (a, b) = tokio::join!(server.sweep(), server.sweep());
        assert_eq!(a + b, 0, "{db}: the path ends");
        let done = f.get(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(done.body["escalated"], 2, "{db}");
        assert_eq!(done.body["reminded"], true, "{db}");
        server.stop().await;
    }
}

backend_test! {
    async fn a_missed_deadline_can_put_the_request_back_into_the_queue(db) {
        let clock = Clock::manual(berlin(0, 9, 0));
        let server = TestServer::start_at(&db, clock.clone()).await;
        let (admin, _) = server.api(Role::Admin).await;
        let field = server.user(Role::Field).await;
        let inside = server.user(Role::Inside).await;
        let colleague = server.user(Role::Inside).await;
        admin
            .post(
                "/api/v1/tandems",
                json!({"field_id": field.id.to_string(), "inside_id": inside.id.to_string()}),
            )
            .await;
        let kind = admin
            .post(
                "/api/v1/request-types",
                json!({"name": "Rückruf", "sla_hours": 1, "escalation": ["team_lead", "queue"]}),
            )
            .await;
        assert_eq!(kind.status, 201, "{db}: {}", kind.body);
        assert_eq!(
            kind.body["escalation"],
            json!(["team_lead", "queue"]),
            "{db}"
        );
        let f = server.api_for(&field).await;
        let r = f
            .post(
                "/api/v1/requests",
                json!({"type_id": kind.body["id"], "description": "Kunde ruft zurück"}),
            )
            .await;
        assert_eq!(r.body["assignee_id"], inside.id.to_string(), "{db}");
        let id = r.body["id"].as_str().unwrap().to_string();
        // Due 10:00; the team lead at 10:00, the queue one SLA later at 11:00.
        clock.set(berlin(0, 10, 5));
        server.sweep().await;
        let late = f.get(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(late.body["assignee_id"], inside.id.to_string(), "{db}");
        clock.set(berlin(0, 11, 5));
        assert_eq!(server.sweep().await, 1, "{db}");
        let requeued = f.get(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(
            requeued.body["assignee_id"],
            Value::Null,
            "{db}: {}",
            requeued.body
        );
        assert_eq!(requeued.body["reassignments"], 1, "{db}");
        let c = server.api_for(&colleague).await;
        let queue = c.get("/api/v1/requests?view=queue").await;
        assert_eq!(queue.body["items"][0]["id"], id, "{db}: {}", queue.body);
        assert!(
            kinds(&c.get("/api/v1/notifications").await.body).contains(&"request_escalated".into()),
            "{db}: the colleagues hear there is something to take"
        );
        assert!(
            kinds(
                &server
                    .api_for(&inside)
                    .await
                    .get("/api/v1/notifications")
                    .await
                    .body
            )
            .contains(&"request_escalated".into()),
            "{db}: and so does who had it"
        );
        let claimed = c
            .post(&format!("/api/v1/requests/{id}/claim"), json!({}))
            .await;
        assert_eq!(claimed.status, 200, "{db}: {}", claimed.body);
        server.stop().await;
    }
}

backend_test! {
    async fn the_request_pages_work_without_javascript_and_explain_mistakes(db) {
        let server = TestServer::start(&db).await;
        let field = server.user(Role::Field).await;
        let inside = server.user(Role::Inside).await;
        let stranger = server.user(Role::Field).await;
        server
            .api_for(&server.user(Role::Manager).await)
            .await
            .post(
                "/api/v1/tandems",
                json!({"field_id": field.id.to_string(), "inside_id": inside.id.to_string()}),
            )
            .await;
        let web = server.web(&field).await;
        let form = web.get("/requests/new").await;
        assert_eq!(form.status, 200, "{db}");
        assert!(
            form.text.contains(&format!("{} (Ihr Tandem)", inside.name)),
            "{db}: where it goes"
        );
        let types = form.select_all_attr("#r-type option", "value");
        let quote = types[1].clone();
        // Nothing chosen, nothing said: both fields explained, nothing stored.
        let refused = web
            .submit(
                "/requests/new",
                "/requests",
                &[("type_id", ""), ("description", "")],
            )
            .await;
        assert_eq!(refused.status, 422, "{db}");
        assert_eq!(
            refused.select_all_text(".field-error").len(),
            2,
            "{db}: {}",
            refused.text
        );
        let made = web
            .submit(
                "/requests/new",
                "/requests",
                &[("type_id", &quote), ("description", "Angebot für Köhler")],
            )
            .await;
        assert_eq!(made.status, 200, "{db}");
        assert!(made.path.starts_with("/requests/"), "{db}: {}", made.path);
        let path = made.path.split('?').next().unwrap().to_string();
        assert!(
            made.select_text(".request-state")
                .unwrap()
                .contains(&inside.name),
            "{db}"
        );
        // The requester corrects the description; an empty one is refused at the field.
        let version = made
            .attr("form[action$='/description'] input[name=version]", "value")
            .unwrap();
        let empty = web
            .submit(
                &path,
                &format!("{path}/description"),
                &[("version", &version), ("text", " ")],
            )
            .await;
        assert_eq!(empty.status, 422, "{db}");
        assert!(empty.select_text(".field-error").is_some(), "{db}");
        let fixed = web
            .submit(
                &path,
                &format!("{path}/description"),
                &[
                    ("version", &version),
                    ("text", "Angebot für Köhler, 2 Stück"),
                ],
            )
            .await;
        assert!(fixed.text.contains("2 Stück"), "{db}");
        let commented = web
            .submit(
                &path,
                &format!("{path}/comments"),
                &[("text", "Bis Freitag bitte")],
            )
            .await;
        assert!(
            commented
                .select_text("ol.timeline")
                .unwrap()
                .contains("Bis Freitag bitte"),
            "{db}"
        );
        // The inside rep starts work from the page; a made-up status is refused.
        let inside_web = server.web(&inside).await;
        let page = inside_web.get(&path).await;
        let v = page
            .attr("form[action$='/status'] input[name=version]", "value")
            .unwrap();
        let odd = inside_web
            .submit(
                &path,
                &format!("{path}/status"),
                &[("version", &v), ("status", "later")],
            )
            .await;
        assert_eq!(odd.status, 422, "{db}");
        let started = inside_web
            .submit(
                &path,
                &format!("{path}/status"),
                &[("version", &v), ("status", "in_progress")],
            )
            .await;
        assert!(
            started
                .select_text(".request-state")
                .unwrap()
                .contains("In Arbeit"),
            "{db}"
        );
        // The lists, the bell's count, the notification centre, the preferences.
        let list = web.get("/requests").await;
        assert!(list.text.contains("Angebot"), "{db}");
        let unread = inside_web.get("/notifications/unread").await;
        assert!(unread.text.contains("\"unread\":"), "{db}: {}", unread.text);
        let centre = inside_web.get("/notifications").await;
        assert!(centre.text.contains("braucht etwas von Ihnen"), "{db}");
        let prefs = inside_web
            .submit(
                "/profile/notifications",
                "/profile/notifications",
                &[("in_app", "request_assigned")],
            )
            .await;
        assert_eq!(prefs.status, 200, "{db}");
        assert_eq!(
            prefs
                .select_all_attr("input[name=email][checked]", "value")
                .len(),
            0,
            "{db}"
        );
        // Someone else's request does not exist for a colleague in the field.
        let other = server.web(&stranger).await;
        assert_eq!(other.get(&path).await.status, 404, "{db}");
        assert_eq!(web.get("/requests/not-an-id").await.status, 404, "{db}");
        server.stop().await;
    }
}
