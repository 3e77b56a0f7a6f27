//! Account use cases: users, sign-in sessions, API keys, and reading the audit log.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde_json::json;
use suyuan_core::access::{Actor, Membership, Permission, Principal, Role, ScopedAction};
use suyuan_core::accounts::{ApiKey, Session, User, check_password, check_username};
use suyuan_core::audit::{AuditRecord, Origin};
use suyuan_core::validation::Violations;
use suyuan_store::{AuditEntry, AuditFilter, Page, PageRequest};

use crate::ids::{new_api_token, new_id, new_session_token, random_bytes, token_hash};
use crate::{ServiceError, ServiceResult, Services};

/// A new user as a client sent it.
#[derive(Debug, Clone, Default)]
pub struct NewUserDraft {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// Defaults to the first role the participant's kind allows.
    pub role: Option<String>,
}

/// A new user that passed validation; the password is still in the clear.
#[derive(Debug, Clone)]
pub struct ValidNewUser {
    username: String,
    display_name: String,
    password: String,
    role: Option<Role>,
}

pub(crate) fn validate_new_user(
    draft: &NewUserDraft,
    base: &str,
    assignable: &[Role],
    violations: &mut Violations,
) -> Option<ValidNewUser> {
    let at = |field: &str| format!("{base}/{field}");
    let username = check_username(&at("username"), &draft.username, violations);
    let display_name = violations.require_text(&at("displayName"), &draft.display_name, 100);
    let password_ok = check_password(&at("password"), &draft.password, violations);
    let role = match draft.role.as_deref() {
        None => None,
        Some(text) => match text.parse::<Role>() {
            Ok(role) if assignable.contains(&role) => Some(role),
            Ok(role) => {
                let allowed: Vec<_> = assignable.iter().map(|r| r.as_str()).collect();
                violations.add(
                    at("role"),
                    format!(
                        "expected one of {} for this participant, found {:?}",
                        allowed.join(", "),
                        role.as_str()
                    ),
                );
                None
            }
            Err(message) => {
                violations.add(at("role"), message);
                None
            }
        },
    };
    Some(ValidNewUser {
        username: username?,
        display_name: display_name?,
        password: password_ok.then(|| draft.password.clone())?,
        role,
    })
}

/// Hashes a password with Argon2id off the async threads (it is slow on purpose).
async fn hash_password(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&random_bytes::<16>())
            .map_err(|e| ServiceError::Internal(format!("salt encoding failed: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ServiceError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A signed-in session: the cookie token (shown once) and who it belongs to.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: Session,
    pub user: User,
}

/// A new API key: its token, shown once and never stored, and its record.
#[derive(Debug, Clone)]
pub struct IssuedApiKey {
    pub token: String,
    pub key: ApiKey,
}

const BAD_LOGIN: &str = "the user name or password is wrong, or the account is disabled";

impl Services {
    pub(crate) async fn build_user(
        &self,
        valid: ValidNewUser,
        participant_id: Option<String>,
        default_role: Role,
    ) -> ServiceResult<User> {
        Ok(User {
            id: new_id("u"),
            participant_id,
            username: valid.username,
            display_name: valid.display_name,
            role: valid.role.unwrap_or(default_role),
            password_hash: hash_password(valid.password).await?,
            created_at: suyuan_core::clock::now(),
            disabled: false,
        })
    }

    /// Adds a user to a participant.
    pub async fn create_user(
        &self,
        principal: &Principal,
        origin: &Origin,
        participant_id: &str,
        draft: NewUserDraft,
    ) -> ServiceResult<User> {
        principal.require_on(ScopedAction::UserManage, participant_id)?;
        let participant = self.existing_participant(participant_id).await?;
        let assignable = Role::assignable_for(participant.spec.kind);
        let mut violations = Violations::new();
        let Some(valid) = validate_new_user(&draft, "", assignable, &mut violations) else {
            return Err(violations.into());
        };
        let user = self
            .build_user(
                valid,
                Some(participant_id.to_owned()),
                assignable[assignable.len() - 1],
            )
            .await?;
        let audit = AuditRecord::new(
            principal,
            origin,
            "user.create",
            "user",
            &user.id,
            json!({ "participant": participant_id, "username": user.username, "role": user.role.as_str() })
                .to_string(),
        );
        self.store.insert_user(&user, &audit).await?;
        Ok(user)
    }

    pub async fn users(
        &self,
        principal: &Principal,
        participant_id: &str,
    ) -> ServiceResult<Vec<User>> {
        principal.require_on(ScopedAction::UserManage, participant_id)?;
        Ok(self.store.users_of(participant_id).await?)
    }

    /// Signs a user in with a password; both outcomes are audited.
    pub async fn login(
        &self,
        origin: &Origin,
        username: &str,
        password: &str,
    ) -> ServiceResult<SignedIn> {
        let user = self.store.user_by_username(username.trim()).await?;
        let verified = match &user {
            Some(user) if !user.disabled => {
                verify_password(password.to_owned(), user.password_hash.clone()).await
            }
            _ => false,
        };
        let Some(user) = user.filter(|_| verified) else {
            let audit = AuditRecord::new(
                &Principal::anonymous(),
                origin,
                "session.login_failed",
                "user",
                username.trim(),
                "{}".to_owned(),
            );
            self.store.append_audit(&audit).await?;
            return Err(ServiceError::BadCredentials(BAD_LOGIN));
        };
        let token = new_session_token();
        let now = suyuan_core::clock::now();
        let session = Session {
            token_hash: token_hash(&token),
            user_id: user.id.clone(),
            created_at: now,
            expires_at: now + self.settings.session_ttl,
        };
        let principal = self.principal_of_user(&user).await?;
        let audit = AuditRecord::new(
            &principal,
            origin,
            "session.login",
            "user",
            &user.id,
            "{}".to_owned(),
        );
        self.store.insert_session(&session, &audit).await?;
        Ok(SignedIn {
            token,
            session,
            user,
        })
    }

    pub async fn logout(
        &self,
        principal: &Principal,
        origin: &Origin,
        token: &str,
    ) -> ServiceResult<()> {
        let audit = AuditRecord::new(
            principal,
            origin,
            "session.logout",
            "user",
            principal.actor.id().unwrap_or_default(),
            "{}".to_owned(),
        );
        self.store
            .delete_session(&token_hash(token), &audit)
            .await?;
        Ok(())
    }

    /// The principal behind a session cookie.
    pub async fn principal_for_session(&self, token: &str) -> ServiceResult<Principal> {
        let session = self
            .store
            .live_session(&token_hash(token), suyuan_core::clock::now())
            .await?
            .ok_or(ServiceError::BadCredentials(
                "the session is unknown or has expired; sign in again",
            ))?;
        let user = self
            .store
            .user(&session.user_id)
            .await?
            .filter(|user| !user.disabled)
            .ok_or(ServiceError::BadCredentials("the account is disabled"))?;
        self.principal_of_user(&user).await
    }

    /// The principal behind an API key (`Authorization: Bearer sy_…`).
    pub async fn principal_for_api_key(&self, token: &str) -> ServiceResult<Principal> {
        let key = self
            .store
            .api_key_by_token_hash(&token_hash(token))
            .await?
            .filter(|key| key.revoked_at.is_none())
            .ok_or(ServiceError::BadCredentials(
                "the API key is unknown or revoked",
            ))?;
        let participant = self.existing_participant(&key.participant_id).await?;
        Ok(Principal {
            actor: Actor::ApiKey {
                id: key.id,
                name: key.name,
            },
            role: key.role,
            membership: Some(Membership {
                participant_id: participant.id,
                status: participant.status,
            }),
        })
    }

    async fn principal_of_user(&self, user: &User) -> ServiceResult<Principal> {
        let membership = match &user.participant_id {
            Some(id) => {
                let participant = self.existing_participant(id).await?;
                Some(Membership {
                    participant_id: participant.id,
                    status: participant.status,
                })
            }
            None => None,
        };
        Ok(Principal {
            actor: Actor::User {
                id: user.id.clone(),
                username: user.username.clone(),
            },
            role: user.role,
            membership,
        })
    }

    /// Issues an API key for a participant's machine clients. Its role defaults to the
    /// participant's staff role and can never exceed the issuer's own.
    pub async fn create_api_key(
        &self,
        principal: &Principal,
        origin: &Origin,
        participant_id: &str,
        name: &str,
        role: Option<&str>,
    ) -> ServiceResult<IssuedApiKey> {
        self.issue_api_key(
            principal,
            origin,
            participant_id,
            name,
            role,
            new_api_token(),
        )
        .await
    }

    /// Installs a key with a token chosen by the caller (the demo's `--demo-api-key`).
    pub async fn install_api_key(
        &self,
        principal: &Principal,
        origin: &Origin,
        participant_id: &str,
        name: &str,
        token: &str,
    ) -> ServiceResult<IssuedApiKey> {
        if token.chars().count() < 16 || token.chars().any(char::is_whitespace) {
            return Err(Violations::single(
                "demoApiKey",
                "expected at least 16 characters without spaces",
            )
            .into());
        }
        self.issue_api_key(
            principal,
            origin,
            participant_id,
            name,
            None,
            token.to_owned(),
        )
        .await
    }

    async fn issue_api_key(
        &self,
        principal: &Principal,
        origin: &Origin,
        participant_id: &str,
        name: &str,
        role: Option<&str>,
        token: String,
    ) -> ServiceResult<IssuedApiKey> {
        principal.require_on(ScopedAction::ApiKeyManage, participant_id)?;
        let participant = self.existing_participant(participant_id).await?;
        let assignable = Role::assignable_for(participant.spec.kind);
        let mut violations = Violations::new();
        let name = violations.require_text("/name", name, 100);
        let role = match role {
            None => Some(assignable[assignable.len() - 1]),
            Some(text) => {
                match text.parse::<Role>() {
                    Ok(role) if assignable.contains(&role) && role_within(role, principal.role) => {
                        Some(role)
                    }
                    Ok(role) => {
                        violations.add(
                        "/role",
                        format!("the role {role} cannot be given to a key of this participant by {}", principal.role),
                    );
                        None
                    }
                    Err(message) => {
                        violations.add("/role", message);
                        None
                    }
                }
            }
        };
        let (Some(name), Some(role)) = (name, role) else {
            return Err(violations.into());
        };
        let key = ApiKey {
            id: new_id("k"),
            participant_id: participant_id.to_owned(),
            name,
            prefix: token.chars().take(10).collect(),
            token_hash: token_hash(&token),
            role,
            created_at: suyuan_core::clock::now(),
            revoked_at: None,
        };
        let audit = AuditRecord::new(
            principal,
            origin,
            "api_key.create",
            "api_key",
            &key.id,
            json!({ "participant": participant_id, "name": key.name, "role": key.role.as_str(), "prefix": key.prefix })
                .to_string(),
        );
        self.store.insert_api_key(&key, &audit).await?;
        Ok(IssuedApiKey { token, key })
    }

    pub async fn api_keys(
        &self,
        principal: &Principal,
        participant_id: &str,
    ) -> ServiceResult<Vec<ApiKey>> {
        principal.require_on(ScopedAction::ApiKeyManage, participant_id)?;
        Ok(self.store.api_keys_of(participant_id).await?)
    }

    pub async fn revoke_api_key(
        &self,
        principal: &Principal,
        origin: &Origin,
        key_id: &str,
    ) -> ServiceResult<()> {
        let key = self
            .store
            .api_key(key_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                kind: "api key",
                id: key_id.to_owned(),
            })?;
        principal.require_on(ScopedAction::ApiKeyManage, &key.participant_id)?;
        let audit = AuditRecord::new(
            principal,
            origin,
            "api_key.revoke",
            "api_key",
            key_id,
            "{}".to_owned(),
        );
        self.store
            .revoke_api_key(key_id, suyuan_core::clock::now(), &audit)
            .await?;
        Ok(())
    }

    pub async fn audit_log(
        &self,
        principal: &Principal,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> ServiceResult<Page<AuditEntry>> {
        principal.require(Permission::AuditReadAny)?;
        Ok(self.store.audit_log(filter, page).await?)
    }
}

/// A key may not be given more than its issuer has: staff cannot mint admin keys.
fn role_within(requested: Role, issuer: Role) -> bool {
    requested
        .permissions()
        .iter()
        .all(|permission| issuer.grants(*permission))
}
