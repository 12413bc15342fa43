//! `GET /events`: server-sent events for the signed-in user: changes of the records they
//! may see. Each event names the topic that changed; the page refetches what it shows.
//! The stream ends with the session (sign-out, new password, deactivation).

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
use tandem_domain::UserId;
use tandem_store::Store;
use tokio_stream::wrappers::BroadcastStream;

pub async fn events(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let ws = auth.user.workspace_id;
    let me = auth.user.id;
    let store = state.store.clone();
    // Ends the stream when the user signs out, changes the password or is deactivated.
    let ended = state.shutdown.child_token();
    let end = ended.clone();
    let auth = Arc::new(auth);
    // Names of the colleagues who made changes, looked up once per stream.
    let names: Arc<Mutex<HashMap<UserId, String>>> = Arc::default();
    let stream = BroadcastStream::new(state.store.events().subscribe())
        .filter_map(move |msg| {
            let (store, names, auth, end) =
                (store.clone(), names.clone(), auth.clone(), end.clone());
            async move {
                // A lagging client skips what it missed; the next event makes it refetch.
                let event = msg.ok()?;
                if event.workspace_id != ws {
                    return None;
                }
                if event.topic == tandem_app::auth::SESSIONS_TOPIC && event.id == Some(me.0) {
                    if !tandem_app::events::still_signed_in(&store, &auth, store.now()).await {
                        end.cancel();
                    }
                    return None;
                }
                if !tandem_app::events::may_see(&store, &auth, &event).await {
                    return None;
                }
                let actor_name = match event.actor {
                    Some(actor) => actor_name(&store, &names, &auth, actor).await,
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
        .take_until(async move { ended.cancelled().await });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn actor_name(
    store: &Store,
    names: &Mutex<HashMap<UserId, String>>,
    auth: &tandem_app::Auth,
    actor: UserId,
) -> Option<String> {
    if let Some(name) = names.lock().ok()?.get(&actor) {
        return Some(name.clone());
    }
    let name = tandem_app::users::name(store, auth, actor).await.ok()?;
    names.lock().ok()?.insert(actor, name.clone());
    Some(name)
}
