//! Who may do what: roles, the permissions each role grants, and the principal a request acts
//! as.
//!
//! Permissions come in two scopes. `…Own` allows an action on the principal's own
//! participant's data; `…Any` on every participant's. A check is always made against the
//! participant the data belongs to, so the same rule serves pages and API calls.

use std::str::FromStr;

use crate::registry::{RegistrationStatus, text_enum};

/// The roles of the center (DESIGN §1, §2.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Operator,
    Regulator,
    MemberAdmin,
    MemberStaff,
    Public,
}

text_enum!(Role, "a role", {
    Operator => "operator",
    Regulator => "regulator",
    MemberAdmin => "member_admin",
    MemberStaff => "member_staff",
    Public => "public",
});

/// Every action that needs authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Submit a new registration (anyone may).
    RegistrationSubmit,
    /// Decide on submitted registrations.
    RegistrationReview,
    /// Create participants directly, already approved (operators, regulators, demo data).
    ParticipantCreate,
    ParticipantReadOwn,
    ParticipantReadAny,
    ParticipantUpdateOwn,
    ParticipantUpdateAny,
    SiteWriteOwn,
    SiteWriteAny,
    ProductWriteOwn,
    ProductWriteAny,
    UserManageOwn,
    UserManageAny,
    ApiKeyManageOwn,
    ApiKeyManageAny,
    AuditReadAny,
    /// Capture EPCIS events as one's own participant.
    EventCaptureOwn,
    /// Read the events one's own participant captured.
    EventReadOwn,
    /// Read every participant's events.
    EventReadAny,
}

text_enum!(Permission, "a permission", {
    RegistrationSubmit => "registration:submit",
    RegistrationReview => "registration:review",
    ParticipantCreate => "participant:create",
    ParticipantReadOwn => "participant:read:own",
    ParticipantReadAny => "participant:read:any",
    ParticipantUpdateOwn => "participant:update:own",
    ParticipantUpdateAny => "participant:update:any",
    SiteWriteOwn => "site:write:own",
    SiteWriteAny => "site:write:any",
    ProductWriteOwn => "product:write:own",
    ProductWriteAny => "product:write:any",
    UserManageOwn => "user:manage:own",
    UserManageAny => "user:manage:any",
    ApiKeyManageOwn => "apikey:manage:own",
    ApiKeyManageAny => "apikey:manage:any",
    AuditReadAny => "audit:read:any",
    EventCaptureOwn => "event:capture:own",
    EventReadOwn => "event:read:own",
    EventReadAny => "event:read:any",
});

/// An action that exists in an own and an any scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopedAction {
    ParticipantRead,
    ParticipantUpdate,
    SiteWrite,
    ProductWrite,
    UserManage,
    ApiKeyManage,
    EventCapture,
    EventRead,
}

impl ScopedAction {
    pub fn own(self) -> Permission {
        match self {
            ScopedAction::ParticipantRead => Permission::ParticipantReadOwn,
            ScopedAction::ParticipantUpdate => Permission::ParticipantUpdateOwn,
            ScopedAction::SiteWrite => Permission::SiteWriteOwn,
            ScopedAction::ProductWrite => Permission::ProductWriteOwn,
            ScopedAction::UserManage => Permission::UserManageOwn,
            ScopedAction::ApiKeyManage => Permission::ApiKeyManageOwn,
            ScopedAction::EventCapture => Permission::EventCaptureOwn,
            ScopedAction::EventRead => Permission::EventReadOwn,
        }
    }

    pub fn any(self) -> Permission {
        match self {
            ScopedAction::ParticipantRead => Permission::ParticipantReadAny,
            ScopedAction::ParticipantUpdate => Permission::ParticipantUpdateAny,
            ScopedAction::SiteWrite => Permission::SiteWriteAny,
            ScopedAction::ProductWrite => Permission::ProductWriteAny,
            ScopedAction::UserManage => Permission::UserManageAny,
            ScopedAction::ApiKeyManage => Permission::ApiKeyManageAny,
            // Events are always captured as one's own participant.
            ScopedAction::EventCapture => Permission::EventCaptureOwn,
            ScopedAction::EventRead => Permission::EventReadAny,
        }
    }

    /// Writes on a member's own data need an approved registration; reading does not.
    fn needs_approval(self) -> bool {
        !matches!(
            self,
            ScopedAction::ParticipantRead | ScopedAction::ParticipantUpdate
        )
    }
}

impl Role {
    /// The permissions this role grants. Roles inherit: member admins have every staff
    /// permission, operators every regulator read.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Public => &[RegistrationSubmit],
            Role::MemberStaff => &[
                RegistrationSubmit,
                ParticipantReadOwn,
                SiteWriteOwn,
                ProductWriteOwn,
                EventCaptureOwn,
                EventReadOwn,
            ],
            Role::MemberAdmin => &[
                RegistrationSubmit,
                ParticipantReadOwn,
                SiteWriteOwn,
                ProductWriteOwn,
                EventCaptureOwn,
                EventReadOwn,
                ParticipantUpdateOwn,
                UserManageOwn,
                ApiKeyManageOwn,
            ],
            Role::Regulator => &[
                RegistrationSubmit,
                ParticipantReadOwn,
                ParticipantReadAny,
                AuditReadAny,
                EventReadOwn,
                EventReadAny,
            ],
            Role::Operator => &[
                RegistrationSubmit,
                ParticipantReadOwn,
                ParticipantReadAny,
                AuditReadAny,
                RegistrationReview,
                ParticipantCreate,
                ParticipantUpdateOwn,
                ParticipantUpdateAny,
                SiteWriteOwn,
                SiteWriteAny,
                ProductWriteOwn,
                ProductWriteAny,
                UserManageOwn,
                UserManageAny,
                ApiKeyManageOwn,
                ApiKeyManageAny,
                EventCaptureOwn,
                EventReadOwn,
                EventReadAny,
            ],
        }
    }

    pub fn grants(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Roles a participant of this kind may give its users.
    pub fn assignable_for(kind: crate::registry::ParticipantKind) -> &'static [Role] {
        use crate::registry::ParticipantKind::*;
        match kind {
            Operator => &[Role::Operator],
            Regulator => &[Role::Regulator],
            Enterprise | ServiceProvider | Integrator => &[Role::MemberAdmin, Role::MemberStaff],
        }
    }
}

/// Who is acting: a signed-in user, an API key, or nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User {
        id: String,
        username: String,
    },
    ApiKey {
        id: String,
        name: String,
    },
    Anonymous,
    /// The platform itself (start-up tasks, demo loading).
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::User { .. } => "user",
            Actor::ApiKey { .. } => "api_key",
            Actor::Anonymous => "anonymous",
            Actor::System => "system",
        }
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            Actor::User { id, .. } | Actor::ApiKey { id, .. } => Some(id),
            Actor::Anonymous | Actor::System => None,
        }
    }
}

/// The principal a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub actor: Actor,
    pub role: Role,
    /// The participant the actor belongs to, and where its registration stands.
    pub membership: Option<Membership>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub participant_id: String,
    pub status: RegistrationStatus,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("authentication is required")]
    Unauthenticated,
    #[error("the role {role} lacks the permission {permission}")]
    MissingPermission { role: Role, permission: Permission },
    #[error("the role {role} may act on its own participant only")]
    OtherParticipant { role: Role },
    #[error(
        "the registration of participant {participant_id} is {status}; it must be approved first"
    )]
    NotApproved {
        participant_id: String,
        status: RegistrationStatus,
    },
}

impl Principal {
    pub fn anonymous() -> Self {
        Principal {
            actor: Actor::Anonymous,
            role: Role::Public,
            membership: None,
        }
    }

    pub fn system() -> Self {
        Principal {
            actor: Actor::System,
            role: Role::Operator,
            membership: None,
        }
    }

    pub fn participant_id(&self) -> Option<&str> {
        self.membership.as_ref().map(|m| m.participant_id.as_str())
    }

    /// Allows an action that has no participant scope.
    pub fn require(&self, permission: Permission) -> Result<(), Denied> {
        if self.role.grants(permission) {
            Ok(())
        } else if self.actor == Actor::Anonymous {
            Err(Denied::Unauthenticated)
        } else {
            Err(Denied::MissingPermission {
                role: self.role,
                permission,
            })
        }
    }

    /// Allows an action on the data of `participant_id`.
    pub fn require_on(&self, action: ScopedAction, participant_id: &str) -> Result<(), Denied> {
        if action.any() != action.own() && self.role.grants(action.any()) {
            return Ok(());
        }
        self.require(action.own())?;
        let membership = match &self.membership {
            Some(membership) if membership.participant_id == participant_id => membership,
            _ => return Err(Denied::OtherParticipant { role: self.role }),
        };
        if action.needs_approval() && membership.status != RegistrationStatus::Approved {
            return Err(Denied::NotApproved {
                participant_id: membership.participant_id.clone(),
                status: membership.status,
            });
        }
        Ok(())
    }
}

impl FromStr for ScopedAction {
    type Err = String;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        match input {
            "participant:read" => Ok(ScopedAction::ParticipantRead),
            "participant:update" => Ok(ScopedAction::ParticipantUpdate),
            "site:write" => Ok(ScopedAction::SiteWrite),
            "product:write" => Ok(ScopedAction::ProductWrite),
            "user:manage" => Ok(ScopedAction::UserManage),
            "apikey:manage" => Ok(ScopedAction::ApiKeyManage),
            "event:capture" => Ok(ScopedAction::EventCapture),
            "event:read" => Ok(ScopedAction::EventRead),
            other => Err(format!("unknown scoped action {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role, participant: &str, status: RegistrationStatus) -> Principal {
        Principal {
            actor: Actor::User {
                id: "u1".into(),
                username: "staff".into(),
            },
            role,
            membership: Some(Membership {
                participant_id: participant.into(),
                status,
            }),
        }
    }

    #[test]
    fn members_act_on_their_own_participant_only() {
        let staff = member(Role::MemberStaff, "p1", RegistrationStatus::Approved);
        assert_eq!(staff.require_on(ScopedAction::ProductWrite, "p1"), Ok(()));
        assert_eq!(
            staff.require_on(ScopedAction::ProductWrite, "p2"),
            Err(Denied::OtherParticipant {
                role: Role::MemberStaff
            })
        );
    }

    #[test]
    fn unapproved_members_may_read_and_correct_but_not_write_data() {
        let admin = member(Role::MemberAdmin, "p1", RegistrationStatus::Submitted);
        assert_eq!(
            admin.require_on(ScopedAction::ParticipantRead, "p1"),
            Ok(())
        );
        assert_eq!(
            admin.require_on(ScopedAction::ParticipantUpdate, "p1"),
            Ok(())
        );
        assert!(matches!(
            admin.require_on(ScopedAction::SiteWrite, "p1"),
            Err(Denied::NotApproved { .. })
        ));
    }

    #[test]
    fn staff_cannot_manage_users() {
        let staff = member(Role::MemberStaff, "p1", RegistrationStatus::Approved);
        assert!(matches!(
            staff.require_on(ScopedAction::UserManage, "p1"),
            Err(Denied::MissingPermission { .. })
        ));
    }

    #[test]
    fn anonymous_gets_unauthenticated_rather_than_forbidden() {
        assert_eq!(
            Principal::anonymous().require(Permission::AuditReadAny),
            Err(Denied::Unauthenticated)
        );
        assert_eq!(
            Principal::anonymous().require(Permission::RegistrationSubmit),
            Ok(())
        );
    }

    #[test]
    fn regulators_read_everything_but_write_nothing() {
        let regulator = member(Role::Regulator, "gov", RegistrationStatus::Approved);
        assert_eq!(
            regulator.require_on(ScopedAction::ParticipantRead, "p9"),
            Ok(())
        );
        assert!(
            regulator
                .require_on(ScopedAction::ProductWrite, "p9")
                .is_err()
        );
        assert!(regulator.require(Permission::RegistrationReview).is_err());
    }

    #[test]
    fn every_role_permission_parses_back() {
        for role in Role::ALL {
            for permission in role.permissions() {
                assert_eq!(permission.as_str().parse::<Permission>(), Ok(*permission));
            }
        }
    }
}
