//! The event bus: what changed, for live pages. In-process broadcast; on PostgreSQL the
//! events travel through `pg_notify` so that every instance hears every change.

use serde::{Deserialize, Serialize};
use tandem_domain::{UserId, WorkspaceId};
use tokio::sync::broadcast;
use uuid::Uuid;

pub(crate) const PG_CHANNEL: &str = "tandem_events";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub workspace_id: WorkspaceId,
    /// What changed, e.g. `accounts` or `accounts/<id>`.
    pub topic: String,
    pub id: Option<Uuid>,
    pub actor: Option<UserId>,
}

pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl EventBus {
    pub(crate) fn new() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    pub(crate) fn send(&self, event: Event) {
        // No subscribers is fine: nobody is watching.
        let _ = self.tx.send(event);
    }
}

impl crate::Store {
    /// On PostgreSQL, listens for events of all instances until `shutdown` resolves and
    /// forwards them to the local bus. Does nothing on SQLite (one process owns the file).
    /// `listening` is told once the first `LISTEN` is in place (at once on SQLite), so
    /// that the server reports ready only when no event of another instance is missed.
    pub async fn listen_for_events(
        &self,
        shutdown: impl std::future::Future<Output = ()>,
        listening: tokio::sync::oneshot::Sender<()>,
    ) {
        let mut listening = Some(listening);
        let Some(pool) = crate::db::pg_listener_pool(self) else {
            let _ = listening.take().map(|l| l.send(()));
            return;
        };
        tokio::pin!(shutdown);
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "event listener cannot connect; retrying");
                    tokio::select! {
                        _ = &mut shutdown => return,
                        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => continue,
                    }
                }
            };
            if let Err(e) = listener.listen(PG_CHANNEL).await {
                tracing::warn!(error = %e, "LISTEN failed; retrying");
                tokio::select! {
                    _ = &mut shutdown => return,
                    _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => continue,
                }
            }
            let _ = listening.take().map(|l| l.send(()));
            loop {
                tokio::select! {
                    _ = &mut shutdown => return,
                    n = listener.recv() => match n {
                        Ok(n) => match serde_json::from_str::<Event>(n.payload()) {
                            Ok(event) => self.events().send(event),
                            Err(e) => tracing::warn!(error = %e, "unreadable event payload"),
                        },
                        Err(e) => {
                            tracing::warn!(error = %e, "event listener lost its connection");
                            break;
                        }
                    },
                }
            }
        }
    }
}
