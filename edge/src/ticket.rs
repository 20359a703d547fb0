//! Callback tickets: proof that the holder asked for one particular call,
//! signed by the edge, expiring. `v1.<call id>.<issued ms>.<expires ms>.<mac>`
//! with the id in base64url.

use callme_shared::CallId;

use crate::sign::{b64, hmac, hmac_matches, unb64};

/// A verified ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// The call it is for.
    pub call_id: CallId,
    /// When it was issued (Unix ms), just after the call was placed.
    pub issued_ms: i64,
}

/// Why a ticket is refused. All answer 401 with the same words, so a guesser
/// learns nothing; the variant is for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    /// Not five dot-separated parts of the right shape.
    #[error("malformed ticket")]
    Malformed,
    /// The signature does not match.
    #[error("bad ticket signature")]
    BadSignature,
    /// Past its expiry.
    #[error("expired ticket")]
    Expired,
    /// Valid, but for another call.
    #[error("ticket for another call")]
    OtherCall,
}

fn signed_part(call_id: &str, issued_ms: i64, expires_ms: i64) -> String {
    format!("v1.{}.{issued_ms}.{expires_ms}", b64(call_id.as_bytes()))
}

/// Issues a ticket for `call_id`, valid `ttl_ms` from `now_ms`.
pub fn issue(secret: &str, call_id: &CallId, now_ms: i64, ttl_ms: i64) -> String {
    let body = signed_part(call_id.as_str(), now_ms, now_ms + ttl_ms);
    let mac = hmac(secret.as_bytes(), body.as_bytes());
    format!("{body}.{}", b64(&mac))
}

/// Opens a ticket at `now_ms`: checks its signature and expiry and returns
/// the call it names. Status requests carry the ticket alone, so that no
/// call id (which can hold the caller's number) appears in a URL.
///
/// # Errors
/// A [`TicketError`] for the log; the client hears only "invalid ticket".
pub fn open(secret: &str, ticket: &str, now_ms: i64) -> Result<Ticket, TicketError> {
    let parts: Vec<&str> = ticket.split('.').collect();
    let [version, id, issued, expires, mac] = parts.as_slice() else {
        return Err(TicketError::Malformed);
    };
    let issued_ms: i64 = issued.parse().map_err(|_| TicketError::Malformed)?;
    let expires_ms: i64 = expires.parse().map_err(|_| TicketError::Malformed)?;
    let mac = unb64(mac).ok_or(TicketError::Malformed)?;
    if *version != "v1" {
        return Err(TicketError::Malformed);
    }
    let body = format!("{version}.{id}.{issued}.{expires}");
    if !hmac_matches(secret.as_bytes(), body.as_bytes(), &mac) {
        return Err(TicketError::BadSignature);
    }
    if now_ms > expires_ms {
        return Err(TicketError::Expired);
    }
    let signed_id = String::from_utf8(unb64(id).ok_or(TicketError::Malformed)?)
        .map_err(|_| TicketError::Malformed)?;
    Ok(Ticket {
        call_id: CallId::parse(&signed_id).map_err(|_| TicketError::Malformed)?,
        issued_ms,
    })
}

/// Verifies a ticket for the call at `call_id` at `now_ms`.
///
/// # Errors
/// A [`TicketError`] for the log; the client hears only "invalid ticket".
pub fn verify(
    secret: &str,
    ticket: &str,
    call_id: &str,
    now_ms: i64,
) -> Result<Ticket, TicketError> {
    let opened = open(secret, ticket, now_ms)?;
    if opened.call_id.as_str() != call_id {
        return Err(TicketError::OtherCall);
    }
    Ok(opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_765_620_000_000;

    fn id(text: &str) -> CallId {
        CallId::parse(text).unwrap()
    }

    #[test]
    fn a_ticket_verifies_for_its_call_until_it_expires() {
        let ticket = issue("s3cret", &id("call-_+31612345678_abc"), NOW, 60_000);
        let verified = verify("s3cret", &ticket, "call-_+31612345678_abc", NOW + 60_000).unwrap();
        assert_eq!(verified.issued_ms, NOW);
        assert_eq!(
            verify("s3cret", &ticket, "call-_+31612345678_abc", NOW + 60_001),
            Err(TicketError::Expired)
        );
    }

    #[test]
    fn a_ticket_opens_to_the_call_it_names() {
        let ticket = issue("s3cret", &id("call-_+31612345678_abc"), NOW, 60_000);
        let opened = open("s3cret", &ticket, NOW).unwrap();
        assert_eq!(opened.call_id, id("call-_+31612345678_abc"));
        assert_eq!(open("other", &ticket, NOW), Err(TicketError::BadSignature));
        assert_eq!(
            open("s3cret", &ticket, NOW + 60_001),
            Err(TicketError::Expired)
        );
    }

    #[test]
    fn a_ticket_is_bound_to_its_call() {
        let ticket = issue("s3cret", &id("call-a"), NOW, 60_000);
        assert_eq!(
            verify("s3cret", &ticket, "call-b", NOW),
            Err(TicketError::OtherCall)
        );
    }

    #[test]
    fn a_forged_or_altered_ticket_is_refused() {
        let ticket = issue("s3cret", &id("call-a"), NOW, 60_000);
        assert_eq!(
            verify("other", &ticket, "call-a", NOW),
            Err(TicketError::BadSignature)
        );
        let longer = ticket.replacen(
            &format!(".{}.", NOW + 60_000),
            &format!(".{}.", NOW + 999_999_999),
            1,
        );
        assert_ne!(longer, ticket, "the tamper must change the ticket");
        assert_eq!(
            verify("s3cret", &longer, "call-a", NOW),
            Err(TicketError::BadSignature)
        );
        for bad in ["", "v1", "v1.a.b.c.d", "v2.YQ.1.2.AAAA", "v1.YQ.1.2.!!"] {
            assert_eq!(
                verify("s3cret", bad, "call-a", NOW),
                Err(TicketError::Malformed),
                "{bad:?}"
            );
        }
    }
}
