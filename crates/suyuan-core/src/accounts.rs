//! Accounts: the users of a participant and the API keys its machine clients use.
//!
//! Secrets never live here in the clear: a user holds an argon2 PHC string, a key only the
//! SHA-256 of its token and a short prefix to recognize it by.

use chrono::{DateTime, Utc};

use crate::access::Role;
use crate::validation::Violations;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    /// The participant the user works for; `None` for none (no such users yet).
    pub participant_id: Option<String>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Argon2id hash in PHC string format.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub participant_id: String,
    pub name: String,
    /// The first characters of the token, shown so people can tell their keys apart.
    pub prefix: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A sign-in session of a user, found by the SHA-256 of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Checks a user name: 3–64 characters of letters, digits, `.`, `_`, `-`, `@`.
pub fn check_username(
    pointer: &str,
    username: &str,
    violations: &mut Violations,
) -> Option<String> {
    let username = username.trim();
    let length = username.chars().count();
    if !(3..=64).contains(&length) {
        violations.add(
            pointer,
            format!("expected 3 to 64 characters, found {length}"),
        );
        return None;
    }
    if let Some(bad) = username
        .chars()
        .find(|c| !(c.is_alphanumeric() || "._-@".contains(*c)))
    {
        violations.add(
            pointer,
            format!("expected letters, digits, '.', '_', '-' or '@', found {bad:?}"),
        );
        return None;
    }
    Some(username.to_owned())
}

/// Checks a new password: at least 10 characters, not all of one kind.
pub fn check_password(pointer: &str, password: &str, violations: &mut Violations) -> bool {
    let length = password.chars().count();
    if length < 10 {
        violations.add(
            pointer,
            format!("expected at least 10 characters, found {length}"),
        );
        return false;
    }
    if length > 256 {
        violations.add(
            pointer,
            format!("expected at most 256 characters, found {length}"),
        );
        return false;
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(char::is_alphabetic),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if kinds.iter().filter(|&&k| k).count() < 2 {
        violations.add(
            pointer,
            "expected at least two kinds of characters (letters, digits, symbols)",
        );
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        let mut v = Violations::new();
        assert_eq!(
            check_username("/u", "li.ming", &mut v),
            Some("li.ming".into())
        );
        assert_eq!(
            check_username("/u", "李明明", &mut v),
            Some("李明明".into())
        );
        assert_eq!(check_username("/u", "ab", &mut v), None);
        assert_eq!(check_username("/u", "a b c", &mut v), None);
        assert_eq!(v.errors().len(), 2);
    }

    #[test]
    fn passwords() {
        let mut v = Violations::new();
        assert!(check_password("/p", "correct horse 9", &mut v));
        assert!(!check_password("/p", "short1", &mut v));
        assert!(!check_password("/p", "onlyletterslong", &mut v));
        assert_eq!(v.errors().len(), 2);
    }
}
