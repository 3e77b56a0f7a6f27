//! Random identifiers and secret tokens.

use data_encoding::{BASE32_NOPAD, BASE64URL_NOPAD, HEXLOWER};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A new identifier: `prefix` and 16 base32 characters (80 random bits).
pub(crate) fn new_id(prefix: &str) -> String {
    format!(
        "{prefix}_{}",
        BASE32_NOPAD
            .encode(&random_bytes::<10>())
            .to_ascii_lowercase()
    )
}

/// A new session token (256 random bits, URL-safe).
pub(crate) fn new_session_token() -> String {
    BASE64URL_NOPAD.encode(&random_bytes::<32>())
}

/// A new API key token: `sy_` and 52 base32 characters (256 random bits).
pub(crate) fn new_api_token() -> String {
    format!(
        "sy_{}",
        BASE32_NOPAD
            .encode(&random_bytes::<32>())
            .to_ascii_lowercase()
    )
}

/// What is stored of a token: its SHA-256, hex.
pub(crate) fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}
