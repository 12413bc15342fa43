//! The minute job: deadlines that pass hand a request on to the deputy, remind or escalate; absences take effect.

use super::*;

/// One round of the handoff job at `now`: hands on the requests of people whose
/// absence has begun, then reminds and escalates along the SLA clocks. Each step is a
/// conditional write, so several instances running it at once take every step once.
pub async fn sweep(store: &Store, now: Instant) -> AppResult<u32> {
    Ok(hand_on_absent(store, now).await? + watch_clocks(store, now).await?)
}

pub(super) async fn hand_on_absent(store: &Store, now: Instant) -> AppResult<u32> {
    // The latest date anywhere on earth, so that no workspace's today is missed.
    let latest = now
        .plus_ms(14 * 3_600_000)
        .timestamp()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let begun = {
        let mut c = store.read().await?;
        absences::begun_unapplied(&mut c.conn(), latest, 500).await?
    };
    let mut moved = 0;
    for (ws, absence) in begun {
        let mut tx = store.begin().await?;
        let cal = calendar(&mut tx, ws).await?;
        let today = now.timestamp().to_zoned(cal.zone.clone()).date();
        if !absence.data.covers(today) {
            continue; // Not yet begun there, or over: nothing to hand on.
        }
        if !absences::mark_applied(&mut tx.conn(), ws, absence.id, now).await? {
            continue;
        }
        let user = absence.data.user_id;
        let pairs: Vec<handoff::Tandem> = tandems::list(&mut tx.conn(), ws)
            .await?
            .into_iter()
            .map(|t| t.data.tandem)
            .collect();
        let deputies: Vec<UserId> = pairs.iter().filter_map(|t| t.deputy_id).collect();
        let away = absent_on(&mut tx, ws, today, &deputies).await?;
        let route = handoff::stand_in(user, &pairs, |u| u == user || away.contains(&u));
        for r in requests::open_assigned_to(&mut tx.conn(), ws, user).await? {
            let change = Change {
                assignee_id: Some(route.assignee()),
                add_reassignment: true,
                ..Change::default()
            };
            if !requests::update(
                &mut tx.conn(),
                ws,
                r.id,
                Guard::AssignedTo(user),
                &change,
                now,
            )
            .await?
            {
                continue;
            }
            let after = requests::get(&mut tx.conn(), ws, r.id).await?;
            recorded(
                &mut tx,
                ws,
                None,
                r.id,
                now,
                Event::Reassigned {
                    reason: "absence".into(),
                    from: r.assignee_name.clone(),
                    to: after.assignee_name.clone(),
                    absence: Some(absence.data.kind.as_str().into()),
                },
                serde_json::json!({
                    "assignee_id": [r.assignee_id, after.assignee_id], "reason": "absence",
                }),
            )
            .await?;
            let extra = serde_json::json!({"from": r.assignee_name});
            tell(
                &mut tx,
                ws,
                &after,
                &[
                    (after.assignee_id, Kind::RequestAssigned),
                    (Some(after.requester_id), Kind::RequestReassigned),
                ],
                None,
                extra,
                now,
            )
            .await?;
            moved += 1;
        }
        tx.commit().await?;
    }
    Ok(moved)
}

/// The people an escalation step tells: for the team lead, the managers of the inside
/// team (the assignee's, or the queue's); for the manager, the managers of the
/// requester's team, else every manager of the workspace.
pub(super) async fn step_contacts(
    tx: &mut Tx,
    ws: WorkspaceId,
    r: &StoredRequest,
    step: EscalationStep,
) -> AppResult<Vec<UserId>> {
    let everyone = users::list(&mut tx.conn(), ws).await?;
    let team_of = |u: Option<UserId>| {
        everyone
            .iter()
            .find(|x| Some(x.id) == u)
            .and_then(|x| x.team_id)
    };
    let managers_of = |team: Option<TeamId>| -> Vec<UserId> {
        everyone
            .iter()
            .filter(|u| u.active && u.role == Role::Manager && team.is_some() && u.team_id == team)
            .map(|u| u.id)
            .collect()
    };
    let requester_team = team_of(Some(r.requester_id));
    let found = match step {
        EscalationStep::TeamLead => {
            let inside = team_of(r.assignee_id).or(r.queue_team_id);
            let m = managers_of(inside);
            if m.is_empty() {
                managers_of(requester_team)
            } else {
                m
            }
        }
        EscalationStep::Manager => managers_of(requester_team),
        // The inside colleagues whose queue it is now, to take it.
        EscalationStep::Queue => {
            return Ok(everyone
                .iter()
                .filter(|u| u.active && u.role == Role::Inside && Some(u.id) != r.assignee_id)
                .filter(|u| r.queue_team_id.is_none() || u.team_id == r.queue_team_id)
                .map(|u| u.id)
                .collect());
        }
    };
    if !found.is_empty() {
        return Ok(found);
    }
    Ok(everyone
        .iter()
        .filter(|u| u.active && u.role == Role::Manager)
        .map(|u| u.id)
        .collect())
}

pub(super) async fn watch_clocks(store: &Store, now: Instant) -> AppResult<u32> {
    let running = {
        let mut c = store.read().await?;
        requests::running_before(&mut c.conn(), Instant(requests::PAUSED_KEY - 1), 5_000).await?
    };
    let mut steps = 0;
    let mut calendars: std::collections::HashMap<WorkspaceId, BusinessCalendar> =
        Default::default();
    for (ws, r) in running {
        let Some(due) = r.due_at else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = calendars.entry(ws) {
            let mut c = store.read().await?;
            slot.insert(
                workspaces::get(&mut c.conn(), ws)
                    .await?
                    .calendar
                    .calendar(),
            );
        }
        let cal = &calendars[&ws];
        let (mut reminded, mut escalated) = (r.reminded, r.escalated.max(0) as usize);
        loop {
            let clock = handoff::Clock::at(
                cal,
                now.timestamp(),
                due.timestamp(),
                (r.sla_minutes, r.reminder_bp),
                reminded,
                escalated,
                r.escalation.len(),
            );
            let action = handoff::due_action(&clock);
            if action == Due::Nothing {
                break;
            }
            let mut tx = store.begin().await?;
            let guard = Guard::Clock {
                escalated: escalated as i64,
                reminded,
            };
            let mut change = Change::default();
            match action {
                Due::Remind => change.reminded = Some(true),
                Due::Escalate(i) => {
                    change.escalated = Some(i as i64 + 1);
                    if r.escalation[i] == EscalationStep::Queue && r.assignee_id.is_some() {
                        change.assignee_id = Some(None);
                        change.add_reassignment = true;
                    }
                    // A step past due implies the reminder: never remind afterwards.
                    change.reminded = Some(true);
                }
                Due::Nothing => {}
            }
            if !requests::update(&mut tx.conn(), ws, r.id, guard, &change, now).await? {
                break; // Another instance took this step; it will take the next ones.
            }
            let current = requests::get(&mut tx.conn(), ws, r.id).await?;
            match action {
                Due::Remind => {
                    recorded(
                        &mut tx,
                        ws,
                        None,
                        r.id,
                        now,
                        Event::Reminded {
                            assignee: current.assignee_name.clone(),
                        },
                        serde_json::json!({"reminded": [false, true]}),
                    )
                    .await?;
                    let to = match current.assignee_id {
                        Some(a) => vec![a],
                        None => {
                            step_contacts(&mut tx, ws, &current, EscalationStep::TeamLead).await?
                        }
                    };
                    let people: Vec<_> = to
                        .into_iter()
                        .map(|u| (Some(u), Kind::RequestReminder))
                        .collect();
                    tell(
                        &mut tx,
                        ws,
                        &current,
                        &people,
                        None,
                        serde_json::json!({}),
                        now,
                    )
                    .await?;
                    reminded = true;
                }
                Due::Escalate(i) => {
                    let step = r.escalation[i];
                    let contacts = step_contacts(&mut tx, ws, &current, step).await?;
                    let names: Vec<String> = users::list(&mut tx.conn(), ws)
                        .await?
                        .into_iter()
                        .filter(|u| contacts.contains(&u.id))
                        .map(|u| u.name)
                        .collect();
                    recorded(
                        &mut tx,
                        ws,
                        None,
                        r.id,
                        now,
                        Event::Escalated {
                            step: step.as_str().into(),
                            to: names.clone(),
                            from: r.assignee_name.clone(),
                        },
                        serde_json::json!({
                            "escalated": [i, i + 1], "step": step.as_str(),
                        }),
                    )
                    .await?;
                    let mut people: Vec<_> = contacts
                        .into_iter()
                        .map(|u| (Some(u), Kind::RequestEscalated))
                        .collect();
                    people.push((Some(current.requester_id), Kind::RequestEscalated));
                    people.push((current.assignee_id, Kind::RequestEscalated));
                    if step == EscalationStep::Queue {
                        // Whoever had it hears that it was taken back.
                        people.push((r.assignee_id, Kind::RequestEscalated));
                    }
                    tell(
                        &mut tx,
                        ws,
                        &current,
                        &people,
                        None,
                        serde_json::json!({"step": step.as_str()}),
                        now,
                    )
                    .await?;
                    escalated = i + 1;
                    reminded = true;
                }
                Due::Nothing => {}
            }
            tx.commit().await?;
            steps += 1;
        }
    }
    Ok(steps)
}
