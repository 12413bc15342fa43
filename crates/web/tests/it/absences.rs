//! Absences: entered by the person or their manager, seen by all, the kind kept private.

use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn absences_are_entered_checked_and_shown_with_the_kind_kept_private(db) {
        let server = TestServer::start(&db).await;
        let klaus = server.user_in_team(Role::Inside, "Innendienst").await;
        let manager = server.user_in_team(Role::Manager, "Innendienst").await;
        let other_manager = server.user_in_team(Role::Manager, "Außendienst").await;
        let colleague = server.user_in_team(Role::Field, "Außendienst").await;
        let today = tandem_domain::format::local_date(tandem_domain::Instant::now());
        let (from, to) = (today.to_string(), today.tomorrow().unwrap().to_string());

        // Klaus's manager marks him sick.
        let web = server.web(&manager).await;
        let saved = web
            .submit(
                "/absences",
                "/absences",
                &[
                    ("user_id", &klaus.id.to_string()),
                    ("kind", "sick"),
                    ("from", &from),
                    ("to", &to),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{db}");
        assert!(saved.select_text(".notice").is_some(), "{db}");
        let line = saved.select_text("[data-live=absences] li").unwrap();
        assert!(
            line.contains("Krank") && line.contains("heute weg"),
            "{db}: {line}"
        );

        // An overlapping entry, an end before the start: refused, nothing added.
        let klaus_web = server.web(&klaus).await;
        let overlap = klaus_web
            .submit(
                "/absences",
                "/absences",
                &[("kind", "vacation"), ("from", &to), ("to", &to)],
            )
            .await;
        assert_eq!(overlap.status, 422, "{db}");
        assert!(
            overlap
                .select_text("#from-error")
                .unwrap()
                .contains("bereits"),
            "{db}"
        );
        let backwards = klaus_web
            .submit(
                "/absences",
                "/absences",
                &[("kind", "vacation"), ("from", &to), ("to", &from)],
            )
            .await;
        assert_eq!(backwards.status, 422, "{db}");
        assert!(backwards.select_text("#to-error").is_some(), "{db}");
        assert_eq!(
            backwards.select_all_text("[data-live=absences] li").len(),
            1,
            "{db}"
        );

        // A colleague sees that Klaus is away, not why, and cannot delete it.
        let seen = server.web(&colleague).await.get("/absences").await;
        let line = seen.select_text("[data-live=absences] li").unwrap();
        assert!(
            line.contains("abwesend") && !line.contains("Krank"),
            "{db}: {line}"
        );
        assert!(
            seen.attr("[data-live=absences] form", "action").is_none(),
            "{db}"
        );
        // A manager of another team may not enter absences for Klaus.
        let foreign = server
            .web(&other_manager)
            .await
            .submit(
                "/absences",
                "/absences",
                &[
                    ("user_id", &klaus.id.to_string()),
                    ("kind", "other"),
                    ("from", &from),
                    ("to", &from),
                ],
            )
            .await;
        assert_eq!(foreign.status, 403, "{db}");

        // Klaus deletes it himself.
        let page = klaus_web.get("/absences").await;
        let action = page.attr("[data-live=absences] form", "action").unwrap();
        let deleted = klaus_web.submit("/absences", &action, &[]).await;
        assert_eq!(deleted.status, 200, "{db}");
        assert!(
            deleted
                .select_all_text("[data-live=absences] li")
                .is_empty(),
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn absences_through_the_api(db) {
        use serde_json::json;
        let server = TestServer::start(&db).await;
        let (api, klaus) = server.api(Role::Inside).await;
        let (colleague_api, colleague) = server.api(Role::Field).await;
        let created = api
            .post(
                "/api/v1/absences",
                json!({"kind": "vacation", "from": "2026-12-21", "to": "2027-01-04", "note": "Skiurlaub"}),
            )
            .await;
        assert_eq!(created.status, 201, "{db}: {}", created.body);
        assert_eq!(created.body["user_id"], json!(klaus.id.to_string()), "{db}");
        let id = created.body["id"].as_str().unwrap().to_string();

        for (body, field, code) in [
            (
                json!({"from": "2027-01-10", "to": "2027-01-01"}),
                "to",
                "before_start",
            ),
            (
                json!({"from": "2026-12-24", "to": "2026-12-24"}),
                "from",
                "overlaps",
            ),
            (
                json!({"kind": "party", "from": "2027-02-01", "to": "2027-02-01"}),
                "kind",
                "invalid_choice",
            ),
            (json!({"from": "2027-02-01"}), "to", "required"),
        ] {
            let r = api.post("/api/v1/absences", body).await;
            assert_eq!(r.status, 422, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["code"], code, "{db}: {}", r.body);
        }
        let foreign = colleague_api
            .post(
                "/api/v1/absences",
                json!({"user_id": klaus.id.to_string(), "from": "2027-03-01", "to": "2027-03-01"}),
            )
            .await;
        assert_eq!(foreign.status, 403, "{db}");

        let theirs = colleague_api
            .get("/api/v1/absences?from=2026-12-01&to=2027-01-31")
            .await;
        assert_eq!(theirs.status, 200, "{db}");
        assert_eq!(
            theirs.body["items"][0]["user_id"],
            json!(klaus.id.to_string()),
            "{db}"
        );
        assert_eq!(
            theirs.body["items"][0]["kind"],
            json!(null),
            "{db}: the kind is private"
        );
        assert_eq!(theirs.body["items"][0]["note"], json!(null), "{db}");
        let mine = api
            .get("/api/v1/absences?from=2026-12-01&to=2027-01-31")
            .await;
        assert_eq!(mine.body["items"][0]["kind"], "vacation", "{db}");
        let bad = api.get("/api/v1/absences?from=morgen").await;
        assert_eq!(bad.status, 422, "{db}");

        assert_eq!(
            colleague_api
                .delete(&format!("/api/v1/absences/{id}"))
                .await
                .status,
            403,
            "{db}"
        );
        assert_eq!(
            api.delete(&format!("/api/v1/absences/{id}")).await.status,
            204,
            "{db}"
        );
        let after = api
            .get("/api/v1/absences?from=2026-12-01&to=2027-01-31")
            .await;
        assert_eq!(after.body["items"], json!([]), "{db}");
        let _ = colleague;
        server.stop().await;
    }
}
