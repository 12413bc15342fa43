//! `GET /events`: server-sent events for the signed-in user's workspace. Each event names
//! the topic that changed; the page refetches what it shows.

use crate::{AppState, auth::CurrentUser};
use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::{Stream, StreamExt};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};
use std::{convert::Infallible, time::Duration};
use tandem_domain::{UserId, WorkspaceId};
use tandem_store::Store;
use tokio_stream::wrappers::BroadcastStream;

pub async fn events(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let ws = auth.user.workspace_id;
    let me = auth.user.id;
    let shutdown = state.shutdown.clone();
    let store = state.store.clone();
    // Names of the colleagues who made changes, looked up once per stream.
    let names: Arc<Mutex<HashMap<UserId, String>>> = Arc::default();
    let stream = BroadcastStream::new(state.store.events().subscribe())
        .filter_map(move |msg| {
            let store = store.clone();
            let names = names.clone();
            async move {
                // A lagging client skips what it missed; the next event makes it refetch.
                let event = msg.ok()?;
                if event.workspace_id != ws {
                    return None;
                }
                // A user's notifications are nobody else's business.
                if event.topic == "notifications" && event.id != Some(me.0) {
                    return None;
                }
                let actor_name = match event.actor {
                    Some(actor) => actor_name(&store, &names, ws, actor).await,
                    None => None,
                };
                let data = serde_json::json!({
                    "topic": event.topic,
                    "id": event.id,
                    "actor": event.actor,
                    "actor_name": actor_name,
                });
                Some(Ok(Event::default().event("change").data(data.to_string())))
            }
        })
        .take_until(async move { shutdown.cancelled().await });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn actor_name(
    store: &Store,
    names: &Mutex<HashMap<UserId, String>>,
    ws: WorkspaceId,
    actor: UserId,
) -> Option<String> {
    if let Some(name) = names.lock().ok()?.get(&actor) {
        return Some(name.clone());
    }
    let mut c = store.read().await.ok()?;
    let user = tandem_store::users::get(&mut c.conn(), ws, actor)
        .await
        .ok()?;
    names.lock().ok()?.insert(actor, user.name.clone());
    Some(user.name)
}
