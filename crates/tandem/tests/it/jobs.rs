use tandem::jobs::tick;
use tandem_domain::{Instant, Role, auth::hash_secret};
use tandem_store::{jobs, sessions};
use tandem_testkit::{TestServer, backend_test};
use tokio_util::sync::CancellationToken;

backend_test! {
    async fn expired_sessions_are_removed_by_the_periodic_job(db) {
        let server = TestServer::start(&db).await;
        let user = server.user(Role::Field).await;
        let store = &server.store;
        let mut tx = store.begin().await.unwrap();
        let past = Instant::now().plus_ms(-1_000);
        let future = Instant::now().plus_ms(60_000);
        sessions::create(
            &mut tx.conn(),
            &hash_secret("old"),
            user.workspace,
            user.id,
            "c",
            past,
            past,
        )
        .await
        .unwrap();
        sessions::create(
            &mut tx.conn(),
            &hash_secret("live"),
            user.workspace,
            user.id,
            "c",
            Instant::now(),
            future,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Make the cleanup due now, then run one round of the runner.
        jobs::ensure_periodic(store, tandem::jobs::SESSIONS_CLEANUP, 3_600_000)
            .await
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        jobs::enqueue(
            &mut tx.conn(),
            None,
            tandem::jobs::SESSIONS_CLEANUP,
            &serde_json::json!({}),
            Instant::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        tick(store, &CancellationToken::new()).await.unwrap();

        let mut c = store.read().await.unwrap();
        let now = Instant::now();
        assert!(
            sessions::get(&mut c.conn(), &hash_secret("live"), now)
                .await
                .unwrap()
                .is_some(),
            "{db}"
        );
        let recent = jobs::recent(&mut c.conn(), user.workspace, 50)
            .await
            .unwrap();
        assert!(
            recent
                .iter()
                .any(|j| j.kind == "sessions.cleanup" && j.status == "done"),
            "{db}: {recent:?}"
        );
        drop(c);
        // The expired row itself is gone (not just hidden by the expiry check).
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            sessions::delete_expired(&mut tx.conn(), now).await.unwrap(),
            0,
            "{db}"
        );
        tx.commit().await.unwrap();
        server.stop().await;
    }
}

backend_test! {
    async fn failing_jobs_are_retried_with_backoff_and_then_given_up(db) {
        let server = TestServer::start(&db).await;
        let store = &server.store;
        let mut tx = store.begin().await.unwrap();
        let id = jobs::enqueue(
            &mut tx.conn(),
            Some(server.workspace),
            "no.such.kind",
            &serde_json::json!({}),
            Instant::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let cancel = CancellationToken::new();
        tick(store, &cancel).await.unwrap();
        let find = || async {
            let mut c = store.read().await.unwrap();
            jobs::recent(&mut c.conn(), server.workspace, 50)
                .await
                .unwrap()
                .into_iter()
                .find(|j| j.id == id)
                .unwrap()
        };
        let job = find().await;
        assert_eq!((job.status.as_str(), job.attempts), ("queued", 1), "{db}");
        assert!(job.run_at > Instant::now(), "the retry waits");
        assert!(job.last_error.unwrap().contains("unknown job kind"));
        // Two hours ahead, past every back-off, the remaining four tries all run.
        let later = Instant::now().plus_ms(2 * 3_600_000);
        tandem::jobs::tick_at(store, later, &cancel).await.unwrap();
        let job = find().await;
        assert_eq!(job.attempts, 5);
        assert_eq!(job.status, "failed", "{db}: given up after five tries");
        assert!(job.finished_at.is_some());
        server.stop().await;
    }
}

backend_test! {
    /// A job that keeps stopping its runner (the process died while it ran) is given up
    /// after its attempts instead of coming back for ever.
    async fn a_job_that_kills_its_runner_is_given_up_after_its_attempts(db) {
        let clock = tandem_domain::time::Clock::manual(Instant::now());
        let server = TestServer::start_at(&db, clock).await;
        let user = server.user(Role::Admin).await;
        let store = &server.store;
        let mut tx = store.begin().await.unwrap();
        let id = jobs::enqueue(
            &mut tx.conn(),
            Some(user.workspace),
            "imports.run",
            &serde_json::json!({}),
            Instant::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut now = Instant::now();
        for attempt in 1..=5 {
            let job = jobs::claim(store, now)
                .await
                .unwrap()
                .expect("the job is due");
            assert_eq!((job.id, job.attempts), (id, attempt), "{db}");
            // The runner dies here; eleven minutes later another one looks.
            now = now.plus_ms(11 * 60_000);
            jobs::requeue_stale(store, now, 10 * 60_000).await.unwrap();
        }
        assert!(jobs::claim(store, now).await.unwrap().is_none(), "{db}");
        let mut c = store.read().await.unwrap();
        let job = jobs::recent(&mut c.conn(), user.workspace, 10)
            .await
            .unwrap()
            .into_iter()
            .find(|j| j.id == id)
            .unwrap();
        assert_eq!(job.status, "failed", "{db}");
        assert_eq!(
            job.last_error.as_deref(),
            Some("the runner stopped during this job"),
            "{db}"
        );
        drop(c);
        server.stop().await;
    }
}
