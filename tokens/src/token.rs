//! Portal tokens: HS256 JWTs minted by a customer's portal backend with the
//! shared `PORTAL_TOKEN_SECRET`. Claims: `exp` (required), `scope` containing
//! `calls:read`, optional `phone` and `agent` restrictions, optional `nbf`,
//! `iat`, `aud` and `iss`.
//!
//! Every claim is read strictly and fails closed: a restriction that is
//! present but null, of another type, or (for `phone`) not an E.164 number
//! refuses the token rather than meaning "no restriction". So does a name
//! twice in the header or the claims, and a header asking for something the
//! verifier does not do (`crit`, `b64` but true, `zip`). Times are compared
//! in exact arithmetic, whatever i64 they are.

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
    /// Not three base64url parts with a JSON object inside (each name
    /// once), or a header naming an extension the verifier does not
    /// implement (`crit`, `b64` other than true, `zip`).
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

/// A JSON object whose member names are unique: RFC 7515 section 5.2 and
/// RFC 7519 section 4 let a parser either refuse duplicates or take the
/// last; taking the last would let two readers of one token (the portal's
/// and the edge's) disagree on what it says, so duplicates are refused.
struct UniqueObject(Map<String, Value>);

impl<'de> Deserialize<'de> for UniqueObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = UniqueObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object with unique member names")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut members: A,
            ) -> Result<UniqueObject, A::Error> {
                let mut map = Map::new();
                while let Some((name, value)) = members.next_entry::<String, Value>()? {
                    if map.contains_key(&name) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate member {name:?}"
                        )));
                    }
                    map.insert(name, value);
                }
                Ok(UniqueObject(map))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// The base64url JSON object of a token part, or `Malformed`.
fn object(part: &str) -> Result<Map<String, Value>, TokenError> {
    unb64(part)
        .and_then(|bytes| serde_json::from_slice::<UniqueObject>(&bytes).ok())
        .map(|object| object.0)
        .ok_or(TokenError::Malformed)
}

/// Reads the JOSE header: `alg` must be `HS256`. The verifier understands
/// no extension, so a header with `crit` (RFC 7515 section 4.1.11: any
/// value, even the empty list the RFC forbids) is refused, as are the two
/// parameters that would make the payload something other than base64url
/// JSON: `b64` other than `true` (RFC 7797) and `zip` (a JWE parameter).
/// Every other parameter is ignored (RFC 7515 section 4): notably `jwk`,
/// `jku`, `x5u`, `x5c` and `kid` never choose the key, which is always the
/// edge's secret.
fn check_header(header: &Map<String, Value>) -> Result<(), TokenError> {
    let alg = match header.get("alg") {
        Some(Value::String(alg)) => alg,
        _ => return Err(TokenError::Malformed),
    };
    if header.contains_key("crit")
        || header
            .get("b64")
            .is_some_and(|b64| *b64 != Value::Bool(true))
        || header.contains_key("zip")
    {
        return Err(TokenError::Malformed);
    }
    if alg != "HS256" {
        return Err(TokenError::WrongAlgorithm);
    }
    Ok(())
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
    check_header(&object(header)?)?;
    let signature = unb64(signature).ok_or(TokenError::Malformed)?;
    let signed = format!("{}.{payload}", parts[0]);
    if !hmac_matches(secret.as_bytes(), signed.as_bytes(), &signature) {
        return Err(TokenError::BadSignature);
    }
    let claims = read_claims(&object(payload)?)?;
    check_times(&claims, now_s, rules.max_ttl_s)?;
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

/// `exp`, `nbf` and `iat` against the edge's clock and the longest lifetime.
///
/// The times are whatever i64 the signer wrote (`i64::MIN` and `i64::MAX`
/// included), and a release build (the wasm edge) wraps i64 overflow
/// silently: `exp - iat` with `iat` at `i64::MIN` once came out negative
/// and passed the lifetime check. So the arithmetic is in i128, where any
/// sum or difference of two i64 is exact: no value can wrap, and each
/// comparison means what it says for every input.
fn check_times(claims: &Claims, now_s: i64, max_ttl_s: i64) -> Result<(), TokenError> {
    let now = i128::from(now_s);
    let leeway = i128::from(LEEWAY_S);
    let exp = i128::from(claims.exp);
    if now >= exp + leeway {
        return Err(TokenError::Expired);
    }
    let after_now = |time: Option<i64>| time.is_some_and(|t| i128::from(t) > now + leeway);
    if after_now(claims.nbf) || after_now(claims.iat) {
        return Err(TokenError::NotYetValid);
    }
    // From `iat`, or from now when that is earlier or `iat` is absent.
    let start = claims.iat.map_or(now, |iat| i128::from(iat).min(now));
    if exp - start > i128::from(max_ttl_s) {
        return Err(TokenError::LifetimeTooLong);
    }
    Ok(())
}

/// Reads the claims strictly: every known claim that is present must have
/// its type.
fn read_claims(map: &Map<String, Value>) -> Result<Claims, TokenError> {
    // JWT times are NumericDates (RFC 7519 section 2): JSON numbers, which
    // may have a fraction (PyJWT writes `time.time()` as it is). An integer
    // that fits i64 is taken exactly; a float is floored when finite and
    // under 1e15 s (31 million years) from the epoch; anything else (1e308,
    // integers beyond i64) refuses the token as a bad claim.
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
        signed(r#"{"alg":"HS256","typ":"JWT"}"#, payload, b"k")
    }

    /// A token of `header` and `payload` (JSON text), signed with `key`.
    fn signed(header: &str, payload: &str, key: &[u8]) -> String {
        let signed = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
        let signature = b64(&hmac(key, signed.as_bytes()));
        format!("{signed}.{signature}")
    }

    const YEAR: i64 = 365 * 24 * 3_600;

    /// `verify` on a token of these times, with only the outcome kept.
    fn outcome(
        exp: i64,
        iat: Option<i64>,
        nbf: Option<i64>,
        now: i64,
        max_ttl_s: i64,
    ) -> Result<(), TokenError> {
        let token = mint(
            "k",
            &Claims {
                exp,
                iat,
                nbf,
                ..claims()
            },
        );
        let rules = Rules {
            max_ttl_s,
            ..Rules::default()
        };
        verify("k", &token, now, &rules).map(|_| ())
    }

    #[test]
    fn claim_times_at_the_ends_of_i64_are_compared_exactly_and_never_wrap() {
        use TokenError::{Expired, LifetimeTooLong, NotYetValid};
        const DAY: i64 = 24 * 3_600;
        const MIN: i64 = i64::MIN;
        const MAX: i64 = i64::MAX;
        type Case = (i64, Option<i64>, Option<i64>, i64, i64);
        // ((exp, iat, nbf, now, max_ttl_s), outcome)
        let cases: [(Case, Result<(), TokenError>); 17] = [
            // iat at i64::MIN: ten years to live, or ten minutes.
            (
                (NOW + 10 * YEAR, Some(MIN), None, NOW, DAY),
                Err(LifetimeTooLong),
            ),
            ((NOW + 600, Some(MIN), None, NOW, DAY), Err(LifetimeTooLong)),
            (
                (NOW + 600, Some(MIN + 1), None, NOW, DAY),
                Err(LifetimeTooLong),
            ),
            // Too long even where no maximum is set (i64::MAX).
            ((NOW + 600, Some(MIN), None, NOW, MAX), Err(LifetimeTooLong)),
            ((NOW + 600, Some(-1), None, NOW, DAY), Err(LifetimeTooLong)),
            // iat ahead: ten years, or the end of time.
            (
                (NOW + 10 * YEAR + 600, Some(NOW + 10 * YEAR), None, NOW, DAY),
                Err(NotYetValid),
            ),
            ((NOW + 600, Some(MAX), None, NOW, DAY), Err(NotYetValid)),
            // exp at the end of time lives too long, but does not expire.
            ((MAX, None, None, NOW, DAY), Err(LifetimeTooLong)),
            (
                (MAX - LEEWAY_S + 1, None, None, NOW, DAY),
                Err(LifetimeTooLong),
            ),
            ((MAX, None, None, NOW, MAX), Ok(())),
            ((MAX, Some(MIN), None, NOW, MAX), Err(LifetimeTooLong)),
            // exp before the epoch.
            ((MIN, None, None, NOW, DAY), Err(Expired)),
            ((-1, None, None, NOW, DAY), Err(Expired)),
            // nbf at either end.
            ((NOW + 600, None, Some(MAX), NOW, DAY), Err(NotYetValid)),
            ((NOW + 600, None, Some(MIN), NOW, DAY), Ok(())),
            // The edge's clock at either end.
            ((MAX, None, Some(MAX), MAX, DAY), Ok(())),
            ((MIN, Some(MIN), Some(MIN), MIN, DAY), Ok(())),
        ];
        let wrong: Vec<String> = cases
            .into_iter()
            .filter_map(|(case @ (exp, iat, nbf, now, max_ttl_s), expected)| {
                let got = outcome(exp, iat, nbf, now, max_ttl_s);
                (got != expected).then(|| format!("{case:?}: {got:?}, not {expected:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    /// The rules of [`verify`] in exact arithmetic, for the property below.
    fn exact_outcome(
        exp: i64,
        iat: Option<i64>,
        nbf: Option<i64>,
        now: i64,
        max_ttl_s: i64,
    ) -> Result<(), TokenError> {
        let (exp, now, leeway) = (i128::from(exp), i128::from(now), i128::from(LEEWAY_S));
        if now >= exp + leeway {
            return Err(TokenError::Expired);
        }
        if [nbf, iat]
            .into_iter()
            .flatten()
            .any(|t| now + leeway < i128::from(t))
        {
            return Err(TokenError::NotYetValid);
        }
        if exp - iat.map_or(now, |iat| i128::from(iat).min(now)) > i128::from(max_ttl_s) {
            return Err(TokenError::LifetimeTooLong);
        }
        Ok(())
    }

    #[test]
    fn every_mix_of_extreme_claim_times_gets_the_exact_arithmetic_outcome() {
        let day = 24 * 3_600;
        let times = [
            i64::MIN,
            i64::MIN + 1,
            i64::MIN + LEEWAY_S,
            -LEEWAY_S,
            -1,
            0,
            1,
            NOW - LEEWAY_S,
            NOW,
            NOW + LEEWAY_S,
            NOW + day,
            i64::MAX - LEEWAY_S,
            i64::MAX - 1,
            i64::MAX,
        ];
        let optional: Vec<Option<i64>> = std::iter::once(None).chain(times.map(Some)).collect();
        for exp in times {
            for &iat in &optional {
                for &nbf in &optional {
                    for now in [NOW, 0, i64::MIN, i64::MAX] {
                        for max_ttl_s in [day, i64::MAX, 0, i64::MIN] {
                            assert_eq!(
                                outcome(exp, iat, nbf, now, max_ttl_s),
                                exact_outcome(exp, iat, nbf, now, max_ttl_s),
                                "exp {exp}, iat {iat:?}, nbf {nbf:?}, now {now}, max_ttl_s {max_ttl_s}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn numeric_dates_are_i64_integers_or_finite_floats_floored() {
        let exp = NOW + 600;
        // (claims JSON, what verify returns: the exp read, or the error)
        let cases: [(String, Result<i64, TokenError>); 21] = [
            (format!(r#"{{"exp":{exp}}}"#), Ok(exp)),
            (format!(r#"{{"exp":{exp}.0}}"#), Ok(exp)),
            (format!(r#"{{"exp":{exp}.9}}"#), Ok(exp)),
            (format!(r#"{{"exp":{exp}e0}}"#), Ok(exp)),
            (r#"{"exp":-0.0}"#.to_owned(), Err(TokenError::Expired)),
            (
                r#"{"exp":1e308}"#.to_owned(),
                Err(TokenError::BadClaim("exp")),
            ),
            (
                r#"{"exp":-1e308}"#.to_owned(),
                Err(TokenError::BadClaim("exp")),
            ),
            (
                r#"{"exp":1e15}"#.to_owned(),
                Err(TokenError::BadClaim("exp")),
            ),
            (
                r#"{"exp":9223372036854775807}"#.to_owned(),
                Err(TokenError::LifetimeTooLong),
            ),
            (
                r#"{"exp":9223372036854775808}"#.to_owned(),
                Err(TokenError::BadClaim("exp")),
            ),
            (
                r#"{"exp":18446744073709551615}"#.to_owned(),
                Err(TokenError::BadClaim("exp")),
            ),
            (
                r#"{"exp":-9223372036854775809}"#.to_owned(),
                Err(TokenError::BadClaim("exp")),
            ),
            (r#"{"exp":1e400}"#.to_owned(), Err(TokenError::Malformed)),
            (r#"{"exp":NaN}"#.to_owned(), Err(TokenError::Malformed)),
            (
                format!(r#"{{"exp":{exp},"iat":-9223372036854775808}}"#),
                Err(TokenError::LifetimeTooLong),
            ),
            (
                format!(r#"{{"exp":{exp},"iat":1.5}}"#),
                Err(TokenError::LifetimeTooLong),
            ),
            (
                format!(r#"{{"exp":{exp},"iat":-1e308}}"#),
                Err(TokenError::BadClaim("iat")),
            ),
            (format!(r#"{{"exp":{exp},"iat":{NOW}.5}}"#), Ok(exp)),
            (
                format!(r#"{{"exp":{exp},"nbf":1e308}}"#),
                Err(TokenError::BadClaim("nbf")),
            ),
            // Floored: half a second inside the leeway, never outside it.
            (
                format!(r#"{{"exp":{exp},"nbf":{}.5}}"#, NOW + LEEWAY_S),
                Ok(exp),
            ),
            (
                format!(r#"{{"exp":{exp},"nbf":{}.0}}"#, NOW + LEEWAY_S + 1),
                Err(TokenError::NotYetValid),
            ),
        ];
        let wrong: Vec<String> = cases
            .into_iter()
            .filter_map(|(times, expected)| {
                // The same claims with the scope they need.
                let payload = times.replacen('{', r#"{"scope":"calls:read","#, 1);
                let got = check(&raw(&payload)).map(|c| c.exp);
                (got != expected).then(|| format!("{times}: {got:?}, not {expected:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn a_header_with_crit_is_refused_whatever_it_names() {
        let payload = serde_json::to_string(&claims()).unwrap();
        let accepted: Vec<String> = [
            r#"{"alg":"HS256","crit":["exp"],"exp":1765620600}"#,
            r#"{"alg":"HS256","crit":["b64"],"b64":true}"#,
            r#"{"alg":"HS256","crit":["https://example.com/must-know"],"https://example.com/must-know":1}"#,
            r#"{"alg":"HS256","crit":["alg"]}"#,
            r#"{"alg":"HS256","crit":[]}"#,
            r#"{"alg":"HS256","crit":null}"#,
            r#"{"alg":"HS256","crit":"exp"}"#,
            r#"{"alg":"HS256","crit":{}}"#,
            r#"{"crit":["x"],"alg":"HS256","x":false}"#,
        ]
        .into_iter()
        .filter_map(|header| {
            let got = check(&signed(header, &payload, b"k"));
            (got != Err(TokenError::Malformed)).then(|| format!("{header}: {got:?}"))
        })
        .collect();
        assert!(accepted.is_empty(), "{accepted:#?}");
    }

    #[test]
    fn headers_that_change_how_the_payload_reads_or_are_ambiguous_are_refused() {
        let payload = serde_json::to_string(&claims()).unwrap();
        let accepted: Vec<String> = [
            // RFC 7797: the payload would not be base64url of the claims.
            r#"{"alg":"HS256","b64":false}"#,
            r#"{"alg":"HS256","b64":"false"}"#,
            r#"{"alg":"HS256","b64":null}"#,
            // A JWE parameter: a compressed payload.
            r#"{"alg":"HS256","zip":"DEF"}"#,
            // Not an object.
            r#"["HS256"]"#,
            r#""HS256""#,
            // Duplicate names (RFC 7515 section 5.2: refuse or take the last).
            r#"{"alg":"none","alg":"HS256"}"#,
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"alg":"HS256","typ":"JWT","typ":"JOSE"}"#,
            r#"{"alg":"HS256","\u0061lg":"HS256"}"#,
            // No algorithm, or not a string.
            r#"{"typ":"JWT"}"#,
            r#"{"alg":null}"#,
            r#"{"alg":["HS256"]}"#,
        ]
        .into_iter()
        .filter_map(|header| {
            let got = check(&signed(header, &payload, b"k"));
            (got != Err(TokenError::Malformed)).then(|| format!("{header}: {got:?}"))
        })
        .collect();
        assert!(accepted.is_empty(), "{accepted:#?}");
        for header in [
            r#"{"alg":"HS256","b64":true}"#,
            r#"{"typ":"JWT","alg":"HS256","cty":"JWT"}"#,
        ] {
            assert!(check(&signed(header, &payload, b"k")).is_ok(), "{header}");
        }
        for header in [
            r#"{"alg":"hs256"}"#,
            r#"{"alg":"HS256 "}"#,
            r#"{"alg":"HS512"}"#,
        ] {
            assert_eq!(
                check(&signed(header, &payload, b"k")),
                Err(TokenError::WrongAlgorithm),
                "{header}"
            );
        }
    }

    #[test]
    fn keys_named_in_the_header_are_never_used_to_verify() {
        let payload = serde_json::to_string(&claims()).unwrap();
        let attacker = b"attacker";
        let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(attacker));
        for header in [
            format!(r#"{{"alg":"HS256","jwk":{jwk}}}"#),
            r#"{"alg":"HS256","jku":"https://attacker.example/jwks.json"}"#.to_owned(),
            r#"{"alg":"HS256","x5u":"https://attacker.example/cert.pem"}"#.to_owned(),
            r#"{"alg":"HS256","x5c":["MIIB"]}"#.to_owned(),
            r#"{"alg":"HS256","kid":"../../../../dev/null"}"#.to_owned(),
            r#"{"alg":"HS256","kid":"' OR 1=1 --"}"#.to_owned(),
        ] {
            assert_eq!(
                check(&signed(&header, &payload, attacker)),
                Err(TokenError::BadSignature),
                "{header}"
            );
            // Signed with the edge's secret, the parameters are ignored.
            assert!(check(&signed(&header, &payload, b"k")).is_ok(), "{header}");
        }
    }

    #[test]
    fn duplicate_claims_are_refused_not_read_last_wins() {
        let exp = NOW + 600;
        let accepted: Vec<String> = [
            format!(r#"{{"exp":{exp},"exp":{},"scope":"calls:read"}}"#, exp + 10 * YEAR),
            format!(r#"{{"exp":{exp},"\u0065xp":{exp},"scope":"calls:read"}}"#),
            format!(r#"{{"exp":{exp},"scope":"none","scope":"calls:read"}}"#),
            format!(r#"{{"exp":{exp},"scope":"calls:read","phone":"+31612345678","phone":"+31687654321"}}"#),
            format!(r#"{{"exp":{exp},"scope":"calls:read","iat":{NOW},"iat":{NOW}}}"#),
        ]
        .into_iter()
        .filter_map(|payload| {
            let got = check(&raw(&payload));
            (got != Err(TokenError::Malformed)).then(|| format!("{payload}: {got:?}"))
        })
        .collect();
        assert!(accepted.is_empty(), "{accepted:#?}");
        // Duplicates deeper in a value are JSON's business, not a claim's.
        let nested = format!(r#"{{"exp":{exp},"scope":"calls:read","ext":{{"a":1,"a":2}}}}"#);
        assert!(check(&raw(&nested)).is_ok());
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
        // The tamper changes the token (a claim that was not there to drop
        // would leave it as it was, and valid).
        assert_ne!(tampered_payload, parts[1]);
        assert_ne!(tampered, token);
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
