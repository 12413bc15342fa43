//! Tandems: admins and managers pair field and inside reps with a deputy.

use serde_json::json;
use tandem_domain::Role;
use tandem_testkit::{TestServer, backend_test};

backend_test! {
    async fn tandems_pair_a_field_rep_with_an_inside_rep_and_a_deputy(db) {
        let server = TestServer::start(&db).await;
        let (api, manager) = server.api(Role::Manager).await;
        let dieter = server.user(Role::Field).await;
        let klaus = server.user(Role::Inside).await;
        let petra = server.user(Role::Inside).await;
        let (dieter_id, klaus_id, petra_id) = (
            dieter.id.to_string(),
            klaus.id.to_string(),
            petra.id.to_string(),
        );

        let created = api
            .post(
                "/api/v1/tandems",
                json!({"field_id": dieter_id, "inside_id": klaus_id, "deputy_id": petra_id,
                       "agreement": "Angebote binnen 2 Arbeitstagen"}),
            )
            .await;
        assert_eq!(created.status, 201, "{db}: {}", created.body);
        assert_eq!(created.body["inside_name"], klaus.name.as_str(), "{db}");
        let id = created.body["id"].as_str().unwrap().to_string();

        // Wrong people: named at the field, nothing stored.
        for (body, field, code) in [
            (
                json!({"field_id": dieter_id, "inside_id": petra_id}),
                "field_id",
                "taken",
            ),
            (
                json!({"field_id": klaus_id, "inside_id": petra_id}),
                "field_id",
                "not_field",
            ),
            (
                json!({"field_id": dieter_id, "inside_id": dieter_id}),
                "inside_id",
                "same_person",
            ),
            (json!({"field_id": dieter_id}), "inside_id", "required"),
            (
                json!({"field_id": dieter_id, "inside_id": uuid::Uuid::now_v7()}),
                "inside_id",
                "unknown_user",
            ),
        ] {
            let r = api.post("/api/v1/tandems", body).await;
            assert_eq!(r.status, 422, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["field"], field, "{db}: {}", r.body);
            assert_eq!(r.body["errors"][0]["code"], code, "{db}: {}", r.body);
        }
        let other = server.user(Role::Field).await;
        let not_inside = api
            .post(
                "/api/v1/tandems",
                json!({"field_id": other.id.to_string(), "inside_id": dieter_id}),
            )
            .await;
        assert_eq!(not_inside.body["errors"][0]["code"], "not_inside", "{db}");
        assert_eq!(
            api.get("/api/v1/tandems").await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "{db}"
        );

        // Only admins and managers change tandems; a stale version is a conflict.
        let (rep_api, _) = server.api(Role::Field).await;
        let refused = rep_api
            .post(
                "/api/v1/tandems",
                json!({"field_id": other.id.to_string(), "inside_id": klaus_id}),
            )
            .await;
        assert_eq!(refused.status, 403, "{db}");
        let patched = api
            .patch(
                &format!("/api/v1/tandems/{id}"),
                json!({"version": 1, "deputy_id": null}),
            )
            .await;
        assert_eq!(patched.status, 200, "{db}: {}", patched.body);
        assert_eq!(patched.body["deputy_id"], json!(null), "{db}");
        let stale = api
            .patch(
                &format!("/api/v1/tandems/{id}"),
                json!({"version": 1, "agreement": "x"}),
            )
            .await;
        assert_eq!(stale.status, 409, "{db}");

        // The page lists it for managers; colleagues are refused.
        let web = server.web(&manager).await;
        let page = web.get("/admin/tandems").await;
        assert_eq!(page.status, 200, "{db}");
        assert!(
            page.select_text("ul.tandems li")
                .unwrap()
                .contains(&klaus.name),
            "{db}"
        );
        let invalid = web
            .submit(
                "/admin/tandems",
                "/admin/tandems",
                &[("field_id", &dieter_id), ("inside_id", "")],
            )
            .await;
        assert_eq!(invalid.status, 422, "{db}");
        assert!(invalid.select_text(".field-error").is_some(), "{db}");
        assert_eq!(
            server.web(&dieter).await.get("/admin/tandems").await.status,
            403,
            "{db}"
        );

        assert_eq!(
            api.delete(&format!("/api/v1/tandems/{id}")).await.status,
            204,
            "{db}"
        );
        // Dissolved: the field rep can join a new tandem.
        let again = api
            .post(
                "/api/v1/tandems",
                json!({"field_id": dieter_id, "inside_id": petra_id}),
            )
            .await;
        assert_eq!(again.status, 201, "{db}: {}", again.body);
        server.stop().await;
    }
}

backend_test! {
    async fn my_day_shows_the_tandem_and_who_stands_in_today(db) {
        let server = TestServer::start(&db).await;
        let (api, _) = server.api(Role::Admin).await;
        let dieter = server.user(Role::Field).await;
        let klaus = server.user(Role::Inside).await;
        let petra = server.user_in_team(Role::Inside, "Innendienst").await;
        api.post(
            "/api/v1/tandems",
            json!({"field_id": dieter.id.to_string(), "inside_id": klaus.id.to_string(),
                   "deputy_id": petra.id.to_string()}),
        )
        .await;
        let web = server.web(&dieter).await;
        let card = web.get("/").await.select_text("#h-tandem + ul").unwrap();
        assert!(
            card.contains(&format!("Partner: {}", klaus.name)) && !card.contains("abwesend"),
            "{db}: {card}"
        );
        let today = tandem_domain::format::local_date(tandem_domain::Instant::now()).to_string();
        let sick = api
            .post(
                "/api/v1/absences",
                json!({"user_id": klaus.id.to_string(), "kind": "sick", "from": today, "to": today}),
            )
            .await;
        assert_eq!(sick.status, 201, "{db}: {}", sick.body);
        let card = web.get("/").await.select_text("#h-tandem + ul").unwrap();
        assert!(
            card.contains(&format!("Heute abwesend – vertreten von {}", petra.name)),
            "{db}: {card}"
        );
        server.stop().await;
    }
}
