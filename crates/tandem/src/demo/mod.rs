//! Demo data: a realistic, deterministic German Mittelstand workspace.

use anyhow::Context;
use tandem_app::auth::{NewUserInput, create_user};
use tandem_domain::{
    AccountId, ActivityId, ContactId, Locale, Role, TaskId, UserId, WorkspaceId,
    account::{AccountInput, Lifecycle},
    activity::{ActivityData, ActivityInput},
    auth::new_secret,
    contact::{ContactData, ContactInput},
    task::TaskInput,
};
use tandem_store::{
    Store, accounts, activities,
    audit::{self, Action, NewEntry},
    contacts, tasks, users, workspaces,
};

mod handoffs;
use handoffs::*;
mod offers;
use offers::*;
mod staff;
use staff::*;
mod names;
use names::*;
mod companies;
use companies::*;

pub const DEMO_SLUG: &str = "demo";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Small,
    Medium,
    Large,
    /// About this many deals, with the proportions of `large`.
    Deals(u32),
}

/// How much a demo holds: accounts, and per account on average contacts, deals and
/// activities; plus the number of users.
struct Shape {
    accounts: u32,
    contacts: u64,
    deals: u64,
    activities: u64,
    users: usize,
}

impl Size {
    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "small" => Some(Size::Small),
            "medium" => Some(Size::Medium),
            "large" => Some(Size::Large),
            n => n.parse().ok().filter(|n| *n > 0).map(Size::Deals),
        }
    }

    fn shape(self) -> Shape {
        // large: 200 users, 100k accounts, 300k contacts, 1M deals, 5M activities.
        match self {
            Size::Small => Shape {
                accounts: 250,
                contacts: 2,
                deals: 2,
                activities: 4,
                users: PEOPLE.len(),
            },
            Size::Medium => Shape {
                accounts: 10_000,
                contacts: 3,
                deals: 10,
                activities: 50,
                users: 50,
            },
            Size::Large => Shape {
                accounts: 100_000,
                contacts: 3,
                deals: 10,
                activities: 50,
                users: 200,
            },
            Size::Deals(n) => Shape {
                accounts: n.div_ceil(10),
                contacts: 3,
                deals: 10,
                activities: 50,
                users: PEOPLE.len().max((n / 5_000) as usize).min(200),
            },
        }
    }
}

const PEOPLE: [(&str, &str, Role, &str); 7] = [
    ("admin@demo.tandem.test", "Anna Admin", Role::Admin, ""),
    (
        "petra.schulz@demo.tandem.test",
        "Petra Schulz",
        Role::Manager,
        "Vertrieb Süd",
    ),
    (
        "dieter.mayer@demo.tandem.test",
        "Dieter Mayer",
        Role::Field,
        "Vertrieb Süd",
    ),
    (
        "klaus.becker@demo.tandem.test",
        "Klaus Becker",
        Role::Inside,
        "Vertrieb Süd",
    ),
    (
        "sabine.wolf@demo.tandem.test",
        "Sabine Wolf",
        Role::Inside,
        "Vertrieb Süd",
    ),
    (
        "jana.krueger@demo.tandem.test",
        "Jana Krüger",
        Role::Field,
        "Vertrieb Nord",
    ),
    (
        "miriam.ott@demo.tandem.test",
        "Miriam Ott",
        Role::Marketing,
        "",
    ),
];

/// Creates the demo workspace unless it exists; prints the logins once.
pub async fn ensure_demo(store: &Store, size: Size) -> anyhow::Result<()> {
    let existing = {
        let mut c = store.read().await?;
        workspaces::by_slug(&mut c.conn(), DEMO_SLUG).await?
    };
    if existing.is_some() {
        tracing::info!("the demo workspace exists already");
        return Ok(());
    }
    let ws = {
        let mut tx = store.begin().await?;
        let ws = workspaces::create(
            &mut tx.conn(),
            DEMO_SLUG,
            "Demo Maschinenbau GmbH",
            tandem_domain::Locale::De,
        )
        .await?;
        tx.commit().await?;
        ws.id
    };
    let mut team_ids = std::collections::HashMap::new();
    for team in ["Vertrieb Süd", "Vertrieb Nord"] {
        let mut tx = store.begin().await?;
        team_ids.insert(
            team,
            users::create_team(&mut tx.conn(), ws, team, None).await?,
        );
        tx.commit().await?;
    }
    println!("\nDemo workspace created. Sign in with one of these (shown only now):\n");
    let mut owners = vec![];
    let mut people = vec![];
    for (email, name, role, team) in PEOPLE {
        let password = new_secret("").chars().take(16).collect::<String>();
        let id = create_user(
            store,
            ws,
            NewUserInput {
                email: email.into(),
                name: name.into(),
                role,
                team_id: team_ids.get(team).copied(),
                locale: Locale::De,
                password: password.clone(),
            },
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating {email}: {e}"))?;
        println!("  {:<10} {email:<34} {password}", role.as_str());
        people.push(id);
        if matches!(role, Role::Field | Role::Inside | Role::Manager) {
            owners.push(id);
        }
    }
    println!();
    let shape = size.shape();
    owners.extend(seed_more_users(store, ws, shape.users.saturating_sub(PEOPLE.len())).await?);
    seed_accounts(store, ws, &owners, &shape).await?;
    seed_tasks(store, ws, &owners).await?;
    seed_handoffs(store, ws, &people).await?;
    crate::demo_leads::seed(store, ws).await?;
    crate::demo_goals::seed(store, ws).await
}
