//! Portal tokens: HS256 JWTs minted by a customer's portal backend with the
//! shared `PORTAL_TOKEN_SECRET`. Claims: `exp` (required), `scope` containing
//! `calls:read`, optional `phone` and `agent` restrictions, optional `nbf`,
//! `iat`, `aud` and `iss`.
//!
//! Every claim is read strictly and fails closed: a restriction that is
//! present but null, of another type, or (for `phone`) not an E.164 number
//! refuses the token rather than meaning "no restriction".

use callme_shared::{ErrorCode, PhoneNumber};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::sign::{b64, hmac, hmac_matches, unb64};

/// Clock difference tolerated between the portal backend and the edge, for
/// `exp`, `nbf` and `iat`.
pub const LEEWAY_S: i64 = 60;

/// What the edge requires of a token beyond its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// The longest lifetime accepted (`exp` minus `iat`, or minus now).
    pub max_ttl_s: i64,
    /// When set, `aud` must name it.
    pub audience: Option<String>,
    /// When set, `iss` must be it.
    pub issuer: Option<String>,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            max_ttl_s: 24 * 3_600,
            audience: None,
            issuer: None,
        }
    }
}

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
    /// Issued at, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Audience (a JSON string or array of strings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Value>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
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
    /// A claim is present but unusable (wrong type, null, a phone that is
    /// not E.164): refused, never read as "no restriction".
    #[error("The portal token's {0} claim is invalid.")]
    BadClaim(&'static str),
    /// Lives longer than `PORTAL_TOKEN_MAX_TTL` allows.
    #[error("The portal token lives too long.")]
    LifetimeTooLong,
    /// `aud` does not name this edge's `PORTAL_TOKEN_AUDIENCE`.
    #[error("The portal token is for another audience.")]
    WrongAudience,
    /// `iss` is not this edge's `PORTAL_TOKEN_ISSUER`.
    #[error("The portal token is from another issuer.")]
    WrongIssuer,
}

impl TokenError {
    /// The stable code of the 401 body.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed => ErrorCode::TokenMalformed,
            Self::WrongAlgorithm => ErrorCode::TokenWrongAlgorithm,
            Self::BadSignature => ErrorCode::TokenBadSignature,
            Self::Expired => ErrorCode::TokenExpired,
            Self::NotYetValid => ErrorCode::TokenNotYetValid,
            Self::MissingScope => ErrorCode::TokenMissingScope,
            Self::BadClaim(_) => ErrorCode::TokenBadClaim,
            Self::LifetimeTooLong => ErrorCode::TokenLifetimeTooLong,
            Self::WrongAudience => ErrorCode::TokenWrongAudience,
            Self::WrongIssuer => ErrorCode::TokenWrongIssuer,
        }
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Verifies a token at `now_s` (seconds since the epoch) under `rules`.
///
/// # Errors
/// A [`TokenError`] naming the first check that failed.
pub fn verify(secret: &str, token: &str, now_s: i64, rules: &Rules) -> Result<Claims, TokenError> {
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
    let map: Map<String, Value> = unb64(payload)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed)?;
    let claims = read_claims(&map)?;
    if now_s >= claims.exp + LEEWAY_S {
        return Err(TokenError::Expired);
    }
    if claims.nbf.is_some_and(|nbf| now_s + LEEWAY_S < nbf)
        || claims.iat.is_some_and(|iat| now_s + LEEWAY_S < iat)
    {
        return Err(TokenError::NotYetValid);
    }
    if claims.exp - claims.iat.unwrap_or(now_s).min(now_s) > rules.max_ttl_s {
        return Err(TokenError::LifetimeTooLong);
    }
    check_audience(claims.aud.as_ref(), rules.audience.as_deref())?;
    if let Some(issuer) = &rules.issuer
        && claims.iss.as_deref() != Some(issuer.as_str())
    {
        return Err(TokenError::WrongIssuer);
    }
    if !claims.scope.contains(CALLS_READ) {
        return Err(TokenError::MissingScope);
    }
    Ok(claims)
}

/// Reads the claims strictly: every known claim that is present must have
/// its type.
fn read_claims(map: &Map<String, Value>) -> Result<Claims, TokenError> {
    // JWT times are JSON numbers; PyJWT and others may write floats.
    let time = |name: &'static str| -> Result<Option<i64>, TokenError> {
        match map.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.is_finite() && f.abs() < 1e15)
                        .map(|f| f.floor() as i64)
                })
                .map(Some)
                .ok_or(TokenError::BadClaim(name)),
            Some(_) => Err(TokenError::BadClaim(name)),
        }
    };
    let text = |name: &'static str| -> Result<Option<String>, TokenError> {
        match map.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(TokenError::BadClaim(name)),
        }
    };
    let phone = text("phone")?
        .map(|p| PhoneNumber::parse(&p).map_err(|_| TokenError::BadClaim("phone")))
        .transpose()?
        .map(|p| p.as_str().to_owned());
    let scope = match map.get("scope") {
        None => Scope::None,
        Some(Value::String(s)) => Scope::Text(s.clone()),
        Some(Value::Array(items)) => Scope::List(
            items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or(TokenError::BadClaim("scope"))?,
        ),
        Some(_) => return Err(TokenError::BadClaim("scope")),
    };
    let aud = match map.get("aud") {
        None => None,
        Some(v @ Value::String(_)) => Some(v.clone()),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            Some(Value::Array(items.clone()))
        }
        Some(_) => return Err(TokenError::BadClaim("aud")),
    };
    Ok(Claims {
        exp: time("exp")?.ok_or(TokenError::BadClaim("exp"))?,
        nbf: time("nbf")?,
        iat: time("iat")?,
        aud,
        iss: text("iss")?,
        scope,
        phone,
        agent: text("agent")?,
        sub: map.get("sub").and_then(Value::as_str).map(str::to_owned),
    })
}

/// RFC 7519: a token naming an audience is refused by an edge that is not
/// in it; an edge that requires an audience refuses tokens without it.
fn check_audience(aud: Option<&Value>, wanted: Option<&str>) -> Result<(), TokenError> {
    let names: Vec<&str> = match aud {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(_) => return Err(TokenError::BadClaim("aud")),
    };
    match wanted {
        Some(wanted) if names.contains(&wanted) => Ok(()),
        None if aud.is_none() => Ok(()),
        _ => Err(TokenError::WrongAudience),
    }
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
            iat: None,
            aud: None,
            iss: None,
            scope: Scope::Text("calls:read".into()),
            phone: Some("+31612345678".into()),
            agent: None,
            sub: Some("customer-42".into()),
        }
    }

    fn check(token: &str) -> Result<Claims, TokenError> {
        verify("k", token, NOW, &Rules::default())
    }

    /// A token whose payload is `payload`, signed with `k`.
    fn raw(payload: &str) -> String {
        let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
        let signed = format!("{header}.{}", b64(payload.as_bytes()));
        let signature = b64(&hmac(b"k", signed.as_bytes()));
        format!("{signed}.{signature}")
    }

    #[test]
    fn a_minted_token_verifies_with_its_claims() {
        assert_eq!(check(&mint("k", &claims())).unwrap(), claims());
    }

    #[test]
    fn a_token_from_a_standard_library_verifies() {
        // Minted with PyJWT 2 (pip install pyjwt): jwt.encode({"exp": 4102444800, "scope": "calls:read"}, "secret", "HS256")
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoiY2FsbHM6cmVhZCJ9.3_pzD66TdbLRrctltiMzOG7jDGJmqdNGX_8i9EypMwc";
        let rules = Rules {
            max_ttl_s: i64::MAX,
            ..Rules::default()
        };
        let claims = verify("secret", token, NOW, &rules).unwrap();
        assert_eq!(claims.exp, 4_102_444_800);
        assert!(claims.phone.is_none());
    }

    #[test]
    fn pyjwt_tokens_with_iat_aud_iss_and_a_float_exp_are_read_as_pyjwt_writes_them() {
        // PyJWT 2.15: jwt.encode({"exp": 1765620600, "iat": 1765620000,
        // "aud": ["portal", "callme"], "iss": "https://portal.example",
        // "scope": ["calls:read"], "phone": "+31612345678"}, "secret", "HS256")
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjU2MjA2MDAsImlhdCI6MTc2NTYyMDAwMCwiYXVkIjpbInBvcnRhbCIsImNhbGxtZSJdLCJpc3MiOiJodHRwczovL3BvcnRhbC5leGFtcGxlIiwic2NvcGUiOlsiY2FsbHM6cmVhZCJdLCJwaG9uZSI6IiszMTYxMjM0NTY3OCJ9.Udpb6dgI5hxNyi6PkQUO46NQx481b3rM72XrPHYH1K4";
        let rules = Rules {
            audience: Some("callme".into()),
            issuer: Some("https://portal.example".into()),
            ..Rules::default()
        };
        let claims = verify("secret", token, NOW, &rules).unwrap();
        assert_eq!(claims.phone.as_deref(), Some("+31612345678"));
        let other_audience = Rules {
            audience: Some("billing".into()),
            ..rules.clone()
        };
        assert_eq!(
            verify("secret", token, NOW, &other_audience),
            Err(TokenError::WrongAudience)
        );
        // A token naming an audience is refused where none is configured.
        assert_eq!(
            verify("secret", token, NOW, &Rules::default()),
            Err(TokenError::WrongAudience)
        );
        let other_issuer = Rules {
            issuer: Some("https://evil.example".into()),
            ..rules
        };
        assert_eq!(
            verify("secret", token, NOW, &other_issuer),
            Err(TokenError::WrongIssuer)
        );
        // jwt.encode({"exp": 1765620600.5, "scope": "calls:read"}, "secret", "HS256")
        let float = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjU2MjA2MDAuNSwic2NvcGUiOiJjYWxsczpyZWFkIn0.0NyS2F_eyYThGA9DXg_eC7CWhXqVyN3OH4y38zS81fw";
        assert_eq!(
            verify("secret", float, NOW, &Rules::default()).unwrap().exp,
            1_765_620_600
        );
    }

    #[test]
    fn restrictions_that_are_null_or_of_another_type_refuse_the_token() {
        // PyJWT: jwt.encode({"exp": 1765620600, "scope": "calls:read", "phone": None}, "secret", "HS256")
        let null_phone = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjU2MjA2MDAsInNjb3BlIjoiY2FsbHM6cmVhZCIsInBob25lIjpudWxsfQ.DVOCWBG5SZrlhxPYA8_zdGL7Ho5I61X7IsEIshduR3I";
        assert_eq!(
            verify("secret", null_phone, NOW, &Rules::default()),
            Err(TokenError::BadClaim("phone"))
        );
        // PyJWT: {"exp": 1765620600, "scope": "calls:read", "agent": 42}
        let number_agent = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjU2MjA2MDAsInNjb3BlIjoiY2FsbHM6cmVhZCIsImFnZW50Ijo0Mn0.3eAbNq6_orG1rAdKYGovUVePLOtdwCsXyiXrMtClEE0";
        assert_eq!(
            verify("secret", number_agent, NOW, &Rules::default()),
            Err(TokenError::BadClaim("agent"))
        );
        let exp = NOW + 600;
        for (payload, claim) in [
            (
                format!(r#"{{"exp":{exp},"scope":"calls:read","phone":"0612345678"}}"#),
                "phone",
            ),
            (
                format!(r#"{{"exp":{exp},"scope":"calls:read","phone":"+31 6 1234 5678"}}"#),
                "phone",
            ),
            (
                format!(r#"{{"exp":{exp},"scope":"calls:read","phone":["+31612345678"]}}"#),
                "phone",
            ),
            (
                format!(r#"{{"exp":{exp},"scope":"calls:read","phone":""}}"#),
                "phone",
            ),
            (
                format!(r#"{{"exp":{exp},"scope":"calls:read","agent":null}}"#),
                "agent",
            ),
            (
                format!(r#"{{"exp":{exp},"scope":"calls:read","agent":{{"name":"x"}}}}"#),
                "agent",
            ),
            (
                format!(r#"{{"exp":{exp},"scope":"calls:read","agent":"   "}}"#),
                "agent",
            ),
            (
                r#"{"exp":"tomorrow","scope":"calls:read"}"#.to_owned(),
                "exp",
            ),
            (r#"{"exp":null,"scope":"calls:read"}"#.to_owned(), "exp"),
            (r#"{"scope":"calls:read"}"#.to_owned(), "exp"),
            (format!(r#"{{"exp":{exp},"scope":7}}"#), "scope"),
            (
                format!(r#"{{"exp":{exp},"scope":["calls:read",1]}}"#),
                "scope",
            ),
            (
                format!(r#"{{"exp":{exp},"nbf":"now","scope":"calls:read"}}"#),
                "nbf",
            ),
            (
                format!(r#"{{"exp":{exp},"iat":true,"scope":"calls:read"}}"#),
                "iat",
            ),
            (
                format!(r#"{{"exp":{exp},"aud":5,"scope":"calls:read"}}"#),
                "aud",
            ),
            (
                format!(r#"{{"exp":{exp},"iss":null,"scope":"calls:read"}}"#),
                "iss",
            ),
        ] {
            assert_eq!(
                check(&raw(&payload)),
                Err(TokenError::BadClaim(claim)),
                "{payload}"
            );
        }
    }

    #[test]
    fn clocks_may_differ_by_a_minute() {
        let expired_within_leeway = Claims {
            exp: NOW - LEEWAY_S + 1,
            ..claims()
        };
        assert!(check(&mint("k", &expired_within_leeway)).is_ok());
        let expired = Claims {
            exp: NOW - LEEWAY_S,
            ..claims()
        };
        assert_eq!(check(&mint("k", &expired)), Err(TokenError::Expired));
        let early_within_leeway = Claims {
            nbf: Some(NOW + LEEWAY_S),
            ..claims()
        };
        assert!(check(&mint("k", &early_within_leeway)).is_ok());
        let early = Claims {
            nbf: Some(NOW + LEEWAY_S + 1),
            ..claims()
        };
        assert_eq!(check(&mint("k", &early)), Err(TokenError::NotYetValid));
        let issued_in_the_future = Claims {
            iat: Some(NOW + LEEWAY_S + 1),
            ..claims()
        };
        assert_eq!(
            check(&mint("k", &issued_in_the_future)),
            Err(TokenError::NotYetValid)
        );
    }

    #[test]
    fn a_token_living_longer_than_the_maximum_is_refused() {
        let day = 24 * 3_600;
        let long_from_now = Claims {
            exp: NOW + day + 1,
            ..claims()
        };
        assert_eq!(
            check(&mint("k", &long_from_now)),
            Err(TokenError::LifetimeTooLong)
        );
        let long_from_iat = Claims {
            exp: NOW + 600,
            iat: Some(NOW + 600 - day - 1),
            ..claims()
        };
        assert_eq!(
            check(&mint("k", &long_from_iat)),
            Err(TokenError::LifetimeTooLong)
        );
        let a_day = Claims {
            exp: NOW + day,
            iat: Some(NOW),
            ..claims()
        };
        assert!(check(&mint("k", &a_day)).is_ok());
    }

    #[test]
    fn unscoped_tokens_are_refused() {
        let unscoped = Claims {
            scope: Scope::Text("calls:write profile".into()),
            ..claims()
        };
        assert_eq!(check(&mint("k", &unscoped)), Err(TokenError::MissingScope));
        let listed = Claims {
            scope: Scope::List(vec!["x".into(), "calls:read".into()]),
            ..claims()
        };
        assert!(check(&mint("k", &listed)).is_ok());
    }

    #[test]
    fn a_wrong_signature_or_algorithm_is_refused() {
        let rules = Rules::default();
        assert_eq!(
            verify("other", &mint("k", &claims()), NOW, &rules),
            Err(TokenError::BadSignature)
        );
        let token = mint("k", &claims());
        let payload = token.split('.').nth(1).unwrap();
        let none = format!("{}.{payload}.", b64(br#"{"alg":"none"}"#));
        assert_eq!(check(&none), Err(TokenError::WrongAlgorithm));
        let tampered_claims = Claims {
            phone: None,
            ..claims()
        };
        let tampered_payload = b64(&serde_json::to_vec(&tampered_claims).unwrap());
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!("{}.{tampered_payload}.{}", parts[0], parts[2]);
        assert_eq!(check(&tampered), Err(TokenError::BadSignature));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", "a.b", "a.b.c.d", "!!.!!.!!", "e30.e30.AAAA"] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check("a.b"), Err(TokenError::Malformed));
        assert_eq!(check(&raw("[1,2]")), Err(TokenError::Malformed));
    }
}
