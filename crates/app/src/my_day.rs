//! "My day": what the signed-in user has to do today — tasks due or overdue, deals
//! whose next step is due, and today's meetings and visits.

use crate::{actor::Auth, error::AppResult};
use tandem_domain::handoff::{Route, route};
use tandem_domain::{activity::Kind, format};
use tandem_store::{Store, absences, activities, deals, deals::Deal, tandems, tasks, tasks::Task};

pub struct MyDay {
    pub overdue: Vec<Task>,
    pub today: Vec<Task>,
    /// Open tasks due in the next seven days.
    pub soon: Vec<Task>,
    /// The user's open deals whose next step is due today or earlier.
    pub next_steps: Vec<Deal>,
    /// Meetings and visits of today, logged or planned by the user.
    pub meetings: Vec<activities::Activity>,
    /// The user's tandem, and who takes their requests today.
    pub tandem: Option<TodaysTandem>,
    /// Open requests the user made or has, by due time.
    pub requests: Vec<tandem_store::requests::StoredRequest>,
}

pub struct TodaysTandem {
    pub partner: String,
    pub partner_away: bool,
    pub deputy: Option<String>,
    /// Who a request would go to now: partner, deputy or the team queue.
    pub route: Route,
}

pub async fn my_day(store: &Store, auth: &Auth) -> AppResult<MyDay> {
    let ws = auth.user.workspace_id;
    let me = auth.user.id;
    let today = tandem_domain::format::local_date(store.now());
    let week = today.saturating_add(jiff::Span::new().days(7));
    let mut c = store.read().await?;
    let open = tasks::list(
        &mut c.conn(),
        ws,
        &tasks::Filter {
            assignee_id: Some(me),
            ..Default::default()
        },
        100,
        None,
    )
    .await?
    .items;
    let (mut overdue, mut due_today, mut soon) = (vec![], vec![], vec![]);
    for t in open {
        match t.data.due_on {
            Some(d) if d < today => overdue.push(t),
            Some(d) if d == today => due_today.push(t),
            Some(d) if d <= week => soon.push(t),
            _ => {}
        }
    }
    let next_steps = deals::next_steps(&mut c.conn(), ws, me, today, 50).await?;
    let (start, end) = format::day_bounds(today);
    let mut meetings = activities::list(
        &mut c.conn(),
        ws,
        &activities::Filter {
            created_by: Some(me),
            since: Some(start),
            until: Some(end),
            kinds: vec![Kind::Meeting, Kind::Visit],
            ..Default::default()
        },
        50,
        None,
    )
    .await?
    .items;
    meetings.reverse(); // the day in order
    drop(c);
    let tandem = tandem_of(store, auth).await?;
    let requests = crate::requests::list(
        store,
        auth,
        &crate::requests::ListQuery {
            open_only: true,
            limit: 20,
            ..Default::default()
        },
    )
    .await?
    .items;
    Ok(MyDay {
        overdue,
        today: due_today,
        soon,
        next_steps,
        meetings,
        tandem,
        requests,
    })
}

/// The user's tandem today: the partner, whether they are away, and where a request
/// would go now. `None` for users in no tandem.
pub async fn tandem_of(store: &Store, auth: &Auth) -> AppResult<Option<TodaysTandem>> {
    let ws = auth.user.workspace_id;
    let me = auth.user.id;
    let today = tandem_domain::format::local_date(store.now());
    let mut c = store.read().await?;
    let all = tandems::list(&mut c.conn(), ws).await?;
    let Some(t) = all
        .iter()
        .find(|t| t.data.tandem.field_id == me || t.data.tandem.inside_id == me)
    else {
        return Ok(None);
    };
    let away: Vec<_> = absences::between(&mut c.conn(), ws, today, today, None)
        .await?
        .into_iter()
        .map(|a| a.data.user_id)
        .collect();
    let pairs: Vec<_> = all.iter().map(|t| t.data.tandem.clone()).collect();
    let partner_is_inside = t.data.tandem.field_id == me;
    let (partner, partner_id) = if partner_is_inside {
        (t.inside_name.clone(), t.data.tandem.inside_id)
    } else {
        (t.field_name.clone(), t.data.tandem.field_id)
    };
    Ok(Some(TodaysTandem {
        partner,
        partner_away: away.contains(&partner_id),
        deputy: t.deputy_name.clone(),
        route: route(me, &pairs, |u| away.contains(&u)),
    }))
}
