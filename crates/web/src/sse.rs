//! `GET /events`: server-sent events for the signed-in user's workspace. Each event names
//! the topic that changed; the page refetches what it shows.

use crate::{AppState, auth::CurrentUser};
use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::{Stream, StreamExt};
use std::{convert::Infallible, time::Duration};
use tokio_stream::wrappers::BroadcastStream;

pub async fn events(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let ws = auth.user.workspace_id;
    let shutdown = state.shutdown.clone();
    let stream = BroadcastStream::new(state.store.events().subscribe())
        .filter_map(move |msg| async move {
            // A lagging client skips what it missed; the next event makes it refetch.
            let event = msg.ok()?;
            if event.workspace_id != ws {
                return None;
            }
            let data = serde_json::json!({
                "topic": event.topic,
                "id": event.id,
                "actor": event.actor,
            });
            Some(Ok(Event::default().event("change").data(data.to_string())))
        })
        .take_until(async move { shutdown.cancelled().await });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
