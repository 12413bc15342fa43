//! Roles and what each may do. The permission policy lives here so the browser UI and
//! the API ask the same questions.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Field,
    Inside,
    Marketing,
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Manager,
        Role::Field,
        Role::Inside,
        Role::Marketing,
        Role::ReadOnly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Field => "field",
            Role::Inside => "inside",
            Role::Marketing => "marketing",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Users, teams and workspace settings.
    pub fn can_administer(self) -> bool {
        self == Role::Admin
    }

    /// Create and edit customer records.
    pub fn can_write_records(self) -> bool {
        self != Role::ReadOnly
    }

    /// Move records to the trash and restore them.
    pub fn can_delete_records(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

/// Which customer records a role sees: its users' own, their team's, or all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Own,
    Team,
    All,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Own, Scope::Team, Scope::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Own => "own",
            Scope::Team => "team",
            Scope::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl Role {
    /// What a role sees unless the admin chose otherwise: admins and marketing all,
    /// everyone else their team.
    pub fn default_scope(self) -> Scope {
        match self {
            Role::Admin | Role::Marketing => Scope::All,
            Role::Manager | Role::Field | Role::Inside | Role::ReadOnly => Scope::Team,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn permissions_follow_the_policy() {
        let table = [
            (Role::Admin, true, true, true),
            (Role::Manager, false, true, true),
            (Role::Field, false, true, false),
            (Role::Inside, false, true, false),
            (Role::Marketing, false, true, false),
            (Role::ReadOnly, false, false, false),
        ];
        for (role, admin, write, delete) in table {
            assert_eq!(role.can_administer(), admin, "{role:?}");
            assert_eq!(role.can_write_records(), write, "{role:?}");
            assert_eq!(role.can_delete_records(), delete, "{role:?}");
        }
    }
}
