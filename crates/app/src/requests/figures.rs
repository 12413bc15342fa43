//! Request figures for the reports: volumes, times to first answer and to completion, deadlines kept.

use super::*;

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Figure {
    /// What the row is about: a type, a team or a tandem, by name.
    pub name: String,
    pub done: u64,
    pub in_time: u64,
    /// Basis points; `None` without done requests.
    pub hit_rate_bp: Option<i64>,
    /// Business minutes from request to done.
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
    pub reassignments: i64,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Figures {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
    pub total: Figure,
    pub by_type: Vec<Figure>,
    pub by_team: Vec<Figure>,
    pub by_tandem: Vec<Figure>,
}

/// Managers, admins and inside sales see the request figures.
pub fn may_see_figures(auth: &Auth) -> bool {
    oversees(auth) || auth.user.role == Role::Inside
}

/// Turnaround (median and p90, in business time) and SLA hit rate of the requests
/// done between `from` and `to` (inclusive), per type, inside team and tandem.
pub async fn figures(
    store: &Store,
    auth: &Auth,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> AppResult<Figures> {
    require(may_see_figures(auth))?;
    if to < from {
        return Err(Invalid::one("to", "before_from").into());
    }
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let cal = workspaces::get(&mut c.conn(), ws)
        .await?
        .calendar
        .calendar();
    let start = |d: jiff::civil::Date| {
        d.to_zoned(cal.zone.clone())
            .map(|z| Instant(z.timestamp().as_millisecond()))
            .unwrap_or_default()
    };
    let end = to.tomorrow().map(start).unwrap_or(Instant(i64::MAX));
    let done = requests::done_between(&mut c.conn(), ws, start(from), end).await?;
    let types = requests::types(&mut c.conn(), ws).await?;
    let everyone = users::list(&mut c.conn(), ws).await?;
    let teams = users::teams(&mut c.conn(), ws).await?;
    let pairs = tandems::list(&mut c.conn(), ws).await?;
    let figure = |name: String, rows: Vec<&requests::Closed>| {
        let times: Vec<SignedDuration> = rows
            .iter()
            .map(|r| {
                cal.between(
                    Instant(r.started_at).timestamp(),
                    Instant(r.closed_at).timestamp(),
                )
            })
            .collect();
        let in_time = rows.iter().filter(|r| r.in_time == Some(true)).count() as u64;
        let t = handoff::turnaround(times);
        Figure {
            name,
            done: rows.len() as u64,
            in_time,
            hit_rate_bp: handoff::hit_rate(in_time, rows.len() as u64),
            median_minutes: t.map(|t| t.0.as_mins()),
            p90_minutes: t.map(|t| t.1.as_mins()),
            reassignments: rows.iter().map(|r| r.reassignments).sum(),
        }
    };
    let team_of = |u: Option<uuid::Uuid>| {
        everyone
            .iter()
            .find(|x| Some(x.id.0) == u)
            .and_then(|x| x.team_id)
    };
    let mut by_type: Vec<Figure> = types
        .iter()
        .map(|t| {
            figure(
                t.data.name.clone(),
                done.iter().filter(|r| r.type_id == t.id.0).collect(),
            )
        })
        .collect();
    // Requests of types removed since count in the total only.
    by_type.retain(|f| f.done > 0);
    let mut by_team: Vec<Figure> = teams
        .iter()
        .map(|t| {
            figure(
                t.name.clone(),
                done.iter()
                    .filter(|r| team_of(r.assignee_id) == Some(t.id))
                    .collect(),
            )
        })
        .collect();
    by_team.retain(|f| f.done > 0);
    let mut by_tandem: Vec<Figure> = pairs
        .iter()
        .map(|p| {
            let t = &p.data.tandem;
            let rows = done
                .iter()
                .filter(|r| r.requester_id == t.field_id.0 || r.requester_id == t.inside_id.0)
                .collect();
            figure(format!("{} & {}", p.field_name, p.inside_name), rows)
        })
        .collect();
    by_tandem.retain(|f| f.done > 0);
    Ok(Figures {
        from,
        to,
        total: figure(String::new(), done.iter().collect()),
        by_type,
        by_team,
        by_tandem,
    })
}
