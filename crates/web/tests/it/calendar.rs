//! The business calendar settings page (Verwaltung → Geschäftszeiten).

use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn admins_set_business_hours_land_and_closure_days(db) {
        let server = TestServer::start(&db).await;
        let admin = server.user(Role::Admin).await;
        let web = server.web(&admin).await;
        let page = web.get("/admin/calendar").await;
        assert_eq!(page.status, 200, "{db}");
        assert_eq!(
            page.attr("#start_0", "value").as_deref(),
            Some("08:00"),
            "{db}"
        );
        assert_eq!(page.attr("#start_5", "value").as_deref(), Some(""), "{db}");
        assert_eq!(
            page.attr("#land option[selected]", "value").as_deref(),
            Some("NW"),
            "{db}: the standard calendar until an admin sets one"
        );
        assert!(page.text.contains("Allerheiligen"), "{db}");

        let mut fields = vec![
            ("time_zone", "Europe/Berlin"),
            ("land", "BY"),
            ("closures", "24.12.2026\n2026-12-31"),
        ];
        let starts = ["start_0", "start_1", "start_2", "start_3", "start_4"];
        let ends = ["end_0", "end_1", "end_2", "end_3", "end_4"];
        for (s, e) in starts.iter().zip(ends.iter()) {
            fields.push((s, "07:30"));
            fields.push((e, "16:00"));
        }
        let saved = web
            .submit("/admin/calendar", "/admin/calendar", &fields)
            .await;
        assert_eq!(saved.status, 200, "{db}");
        assert!(saved.select_text(".notice").is_some(), "{db}");
        assert_eq!(
            saved.attr("#start_2", "value").as_deref(),
            Some("07:30"),
            "{db}"
        );
        assert!(
            saved.text.contains("Heilige Drei Könige"),
            "{db}: Bavarian holidays"
        );
        assert_eq!(
            saved.select_text("#closures").as_deref(),
            Some("2026-12-24\n2026-12-31"),
            "{db}"
        );

        // Wrong input: explained at the fields, nothing stored.
        let refused = web
            .submit(
                "/admin/calendar",
                "/admin/calendar",
                &[
                    ("time_zone", "Mars/Olympus"),
                    ("land", "BY"),
                    ("start_0", "17:00"),
                    ("end_0", "08:00"),
                    ("closures", "irgendwann"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{db}");
        let errors = refused.select_all_text(".field-error");
        assert_eq!(errors.len(), 3, "{db}: {errors:?}");
        let again = web.get("/admin/calendar").await;
        assert_eq!(
            again.attr("#time_zone", "value").as_deref(),
            Some("Europe/Berlin"),
            "{db}"
        );
        assert_eq!(
            again.attr("#start_0", "value").as_deref(),
            Some("07:30"),
            "{db}"
        );

        // Only admins.
        let rep = server.user(Role::Field).await;
        assert_eq!(
            server.web(&rep).await.get("/admin/calendar").await.status,
            403,
            "{db}"
        );
        server.stop().await;
    }
}

backend_test! {
    async fn the_business_calendar_through_the_api(db) {
        use serde_json::json;
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Admin).await;
        let stored = api.get("/api/v1/business-calendar").await;
        assert_eq!(stored.status, 200, "{db}");
        assert_eq!(stored.body["land"], "NW", "{db}");
        assert_eq!(
            stored.body["week"][0],
            json!({"start": "08:00", "end": "17:00"}),
            "{db}"
        );
        assert_eq!(stored.body["week"][6], json!(null), "{db}");
        let day = json!({"start": "07:00", "end": "15:30"});
        let body = json!({"time_zone": "Europe/Berlin", "land": "SN",
            "week": [day, day, day, day, day, null, null], "closures": ["2026-12-24"]});
        let put = api.put("/api/v1/business-calendar", body.clone()).await;
        assert_eq!(put.status, 200, "{db}: {}", put.body);
        assert_eq!(put.body, body, "{db}");
        let bad = api
            .put(
                "/api/v1/business-calendar",
                json!({"time_zone": "Nowhere/Land", "land": "SN", "week": [null, null, null, null, null, null, null]}),
            )
            .await;
        assert_eq!(bad.status, 422, "{db}");
        let fields: Vec<_> = bad.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, vec!["time_zone", "week"], "{db}");
        assert_eq!(
            api.get("/api/v1/business-calendar").await.body,
            body,
            "{db}: unchanged"
        );
        let (rep_api, _) = server.api(Role::Field).await;
        assert_eq!(
            rep_api.put("/api/v1/business-calendar", body).await.status,
            403,
            "{db}"
        );
        server.stop().await;
    }
}
