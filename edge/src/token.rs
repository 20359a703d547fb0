//! Portal tokens: HS256 JWTs minted by a customer's portal backend with the
//! shared `PORTAL_TOKEN_SECRET`. Claims: `exp` (required), `scope` containing
//! `calls:read`, optional `phone` and `agent` restrictions, optional `nbf`.

use serde::{Deserialize, Serialize};

use crate::sign::{b64, hmac, hmac_matches, unb64};

/// The scope that grants reading call history.
pub const CALLS_READ: &str = "calls:read";

/// The claims callme reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Not valid before, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Space-separated scopes (OAuth style); a JSON array is accepted too.
    #[serde(default)]
    pub scope: Scope,
    /// Only calls whose `caller_phone` is this number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Only calls whose `agent_name` is this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Who the token is for (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
}

/// `scope` as a string or an array of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scope {
    /// `"calls:read other"`
    Text(String),
    /// `["calls:read", "other"]`
    List(Vec<String>),
    /// Absent.
    #[default]
    None,
}

impl Scope {
    /// Whether `wanted` is among the scopes.
    pub fn contains(&self, wanted: &str) -> bool {
        match self {
            Self::Text(text) => text.split_whitespace().any(|s| s == wanted),
            Self::List(list) => list.iter().any(|s| s == wanted),
            Self::None => false,
        }
    }
}

/// Why a token is refused; each maps to a 401 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not three base64url parts with JSON inside.
    #[error("The portal token is malformed.")]
    Malformed,
    /// Not HS256 (`none` and every other algorithm are refused).
    #[error("The portal token must be signed with HS256.")]
    WrongAlgorithm,
    /// The signature does not match.
    #[error("The portal token's signature is invalid.")]
    BadSignature,
    /// Past `exp`.
    #[error("The portal token has expired.")]
    Expired,
    /// Before `nbf`.
    #[error("The portal token is not valid yet.")]
    NotYetValid,
    /// No `calls:read` scope.
    #[error("The portal token does not grant calls:read.")]
    MissingScope,
}

impl TokenError {
    /// The stable code of the 401 body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed => "token_malformed",
            Self::WrongAlgorithm => "token_wrong_algorithm",
            Self::BadSignature => "token_bad_signature",
            Self::Expired => "token_expired",
            Self::NotYetValid => "token_not_yet_valid",
            Self::MissingScope => "token_missing_scope",
        }
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Verifies a token at `now_s` (seconds since the epoch).
///
/// # Errors
/// A [`TokenError`] naming the first check that failed.
pub fn verify(secret: &str, token: &str, now_s: i64) -> Result<Claims, TokenError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(TokenError::Malformed);
    };
    let header: Header = unb64(header)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed)?;
    if header.alg != "HS256" {
        return Err(TokenError::WrongAlgorithm);
    }
    let signature = unb64(signature).ok_or(TokenError::Malformed)?;
    let signed = format!("{}.{payload}", parts[0]);
    if !hmac_matches(secret.as_bytes(), signed.as_bytes(), &signature) {
        return Err(TokenError::BadSignature);
    }
    let claims: Claims = unb64(payload)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed)?;
    if now_s >= claims.exp {
        return Err(TokenError::Expired);
    }
    if claims.nbf.is_some_and(|nbf| now_s < nbf) {
        return Err(TokenError::NotYetValid);
    }
    if !claims.scope.contains(CALLS_READ) {
        return Err(TokenError::MissingScope);
    }
    Ok(claims)
}

/// Mints a token, as a portal backend would (used by `cargo xtask token`
/// and tests).
pub fn mint(secret: &str, claims: &Claims) -> String {
    let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64(&serde_json::to_vec(claims).expect("claims serialise"));
    let signed = format!("{header}.{payload}");
    let signature = b64(&hmac(secret.as_bytes(), signed.as_bytes()));
    format!("{signed}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_765_620_000;

    fn claims() -> Claims {
        Claims {
            exp: NOW + 600,
            nbf: None,
            scope: Scope::Text("calls:read".into()),
            phone: Some("+31612345678".into()),
            agent: None,
            sub: Some("customer-42".into()),
        }
    }

    #[test]
    fn a_minted_token_verifies_with_its_claims() {
        let token = mint("k", &claims());
        assert_eq!(verify("k", &token, NOW).unwrap(), claims());
    }

    #[test]
    fn a_token_from_a_standard_library_verifies() {
        // Minted with PyJWT 2 (pip install pyjwt): jwt.encode({"exp": 4102444800, "scope": "calls:read"}, "secret", "HS256")
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoiY2FsbHM6cmVhZCJ9.3_pzD66TdbLRrctltiMzOG7jDGJmqdNGX_8i9EypMwc";
        let claims = verify("secret", token, NOW).unwrap();
        assert_eq!(claims.exp, 4_102_444_800);
        assert!(claims.phone.is_none());
    }

    #[test]
    fn expired_early_and_unscoped_tokens_are_refused() {
        let expired = Claims {
            exp: NOW,
            ..claims()
        };
        assert_eq!(
            verify("k", &mint("k", &expired), NOW),
            Err(TokenError::Expired)
        );
        let early = Claims {
            nbf: Some(NOW + 10),
            ..claims()
        };
        assert_eq!(
            verify("k", &mint("k", &early), NOW),
            Err(TokenError::NotYetValid)
        );
        let unscoped = Claims {
            scope: Scope::Text("calls:write profile".into()),
            ..claims()
        };
        assert_eq!(
            verify("k", &mint("k", &unscoped), NOW),
            Err(TokenError::MissingScope)
        );
        let listed = Claims {
            scope: Scope::List(vec!["x".into(), "calls:read".into()]),
            ..claims()
        };
        assert!(verify("k", &mint("k", &listed), NOW).is_ok());
    }

    #[test]
    fn a_wrong_signature_or_algorithm_is_refused() {
        assert_eq!(
            verify("other", &mint("k", &claims()), NOW),
            Err(TokenError::BadSignature)
        );
        let token = mint("k", &claims());
        let payload = token.split('.').nth(1).unwrap();
        let none = format!("{}.{payload}.", b64(br#"{"alg":"none"}"#));
        assert_eq!(verify("k", &none, NOW), Err(TokenError::WrongAlgorithm));
        let tampered_claims = Claims {
            phone: None,
            ..claims()
        };
        let tampered_payload = b64(&serde_json::to_vec(&tampered_claims).unwrap());
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!("{}.{tampered_payload}.{}", parts[0], parts[2]);
        assert_eq!(verify("k", &tampered, NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", "a.b", "a.b.c.d", "!!.!!.!!", "e30.e30.AAAA"] {
            assert!(verify("k", bad, NOW).is_err(), "{bad:?}");
        }
        assert_eq!(verify("k", "a.b", NOW), Err(TokenError::Malformed));
    }
}
