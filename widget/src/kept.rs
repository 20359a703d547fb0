//! A booked callback kept in the visitor's browser (`localStorage`, one
//! entry per edge) until its time has passed: the booking, and "Cancel
//! this callback", are there again on the site's next page or after a
//! reload, instead of an empty form that invites a second booking. Calls
//! now are not kept: they are over within minutes.
//!
//! The entry is the booking's id, ticket, time and the number as the
//! visitor typed it, as lines of text; it is read back as untrusted input
//! (any script of the page can write it), checked as the edge's answer is.

use callme_shared::{CallId, CallbackAccepted, LiveStatus, PhoneNumber, Timestamp};

/// The first line of an entry: a changed format is simply not read.
const FORMAT: &str = "callme-booking-1";

/// How long after its slot a booking is still shown: the call placed then,
/// followed to its end.
const KEPT_AFTER_SLOT_MS: i64 = 60 * 60_000;

/// A booking read back: what the tracking view needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The edge's answer to the booking (its status as booked).
    pub accepted: CallbackAccepted,
    /// The number it calls.
    pub number: PhoneNumber,
}

/// The entry for a booking; `None` for a call now (nothing to keep).
pub fn encode(accepted: &CallbackAccepted, number: &PhoneNumber) -> Option<String> {
    let at = accepted.at.as_deref()?;
    Some(
        [
            FORMAT,
            accepted.call_id.as_ref(),
            &accepted.ticket,
            at,
            number.as_str(),
        ]
        .join("\n"),
    )
}

/// The booking in `text`, unless it is malformed or its time has passed.
pub fn decode(text: &str, now_ms: i64) -> Option<Kept> {
    let mut lines = text.split('\n');
    if lines.next()? != FORMAT {
        return None;
    }
    let call_id = CallId::try_from(lines.next()?.to_owned()).ok()?;
    let ticket = lines.next()?;
    let at = Timestamp::parse(lines.next()?).ok()?;
    let number = PhoneNumber::try_from(lines.next()?.to_owned()).ok()?;
    // A ticket goes into a header: printable ASCII only, bounded.
    let ticket_ok =
        (1..=512).contains(&ticket.len()) && ticket.bytes().all(|b| b.is_ascii_graphic());
    if lines.next().is_some() || !ticket_ok || at.unix_millis() + KEPT_AFTER_SLOT_MS < now_ms {
        return None;
    }
    Some(Kept {
        accepted: CallbackAccepted {
            call_id,
            status: LiveStatus::Scheduled,
            ticket: ticket.to_owned(),
            at: Some(at.as_str().to_owned()),
        },
        number,
    })
}

/// Whether `entry` keeps the booking of `ticket`: once that booking is
/// over (or cancelled) its entry goes, but not another tab's booking made
/// meanwhile.
pub fn is_for(entry: &str, ticket: &str) -> bool {
    let mut lines = entry.split('\n');
    lines.next() == Some(FORMAT) && lines.nth(1) == Some(ticket)
}

/// The booking kept for the edge at `base`, if any; an entry past its time
/// (or not a booking) is removed: the number in it stays on the visitor's
/// device no longer.
#[cfg(all(target_arch = "wasm32", feature = "button"))]
pub fn restore(base: &str) -> Option<Kept> {
    let key = key(base);
    let text = crate::browser::stored(&key)?;
    #[allow(clippy::cast_possible_truncation)]
    let kept = decode(&text, crate::browser::now_ms() as i64);
    if kept.is_none() {
        crate::browser::store(&key, None);
    }
    kept
}

/// Keeps a booking for the edge at `base` (a call now is not kept).
#[cfg(all(target_arch = "wasm32", feature = "button"))]
pub fn keep(base: &str, accepted: &CallbackAccepted, number: &PhoneNumber) {
    if let Some(entry) = encode(accepted, number) {
        crate::browser::store(&key(base), Some(&entry));
    }
}

/// Forgets the booking of `ticket` kept for the edge at `base`, if it is
/// the one kept (see [`is_for`]).
#[cfg(all(target_arch = "wasm32", feature = "button"))]
pub fn forget(base: &str, ticket: &str) {
    let key = key(base);
    if crate::browser::stored(&key).is_some_and(|entry| is_for(&entry, ticket)) {
        crate::browser::store(&key, None);
    }
}

/// The entry's name for the edge at `base`.
pub fn key(base: &str) -> String {
    format!("callme.booking {base}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOT: &str = "2026-11-25T09:15:00+01:00";
    const SLOT_MS: i64 = 1_795_594_500_000;

    fn number() -> PhoneNumber {
        PhoneNumber::parse("+31612345678").unwrap()
    }

    fn booked() -> CallbackAccepted {
        CallbackAccepted {
            call_id: CallId::try_from("sched-0123456789abcdef0123456789abcdef".to_owned()).unwrap(),
            status: LiveStatus::Scheduled,
            ticket: "c2NoZWQtMDEy.MTc5NTMzNTMwMDAwMA.q1w2e3r4".to_owned(),
            at: Some(SLOT.to_owned()),
        }
    }

    #[test]
    fn a_booking_reads_back_as_booked_until_an_hour_after_its_slot() {
        let text = encode(&booked(), &number()).unwrap();
        let kept = decode(&text, SLOT_MS - 3_600_000).unwrap();
        assert_eq!(kept.accepted, booked());
        assert_eq!(kept.number.as_str(), "+31612345678");
        assert!(decode(&text, SLOT_MS + KEPT_AFTER_SLOT_MS).is_some());
        assert_eq!(decode(&text, SLOT_MS + KEPT_AFTER_SLOT_MS + 1), None);
    }

    #[test]
    fn a_call_now_is_not_kept() {
        let now = CallbackAccepted {
            at: None,
            status: LiveStatus::Dialing,
            ..booked()
        };
        assert_eq!(encode(&now, &number()), None);
    }

    #[test]
    fn anything_else_in_the_entry_is_not_read() {
        let good = encode(&booked(), &number()).unwrap();
        let lines: Vec<&str> = good.split('\n').collect();
        let with = |index: usize, value: &str| {
            let mut changed = lines.clone();
            changed[index] = value;
            changed.join("\n")
        };
        for bad in [
            String::new(),
            "garbage".to_owned(),
            good.replace(FORMAT, "callme-booking-0"),
            format!("{good}\nmore"),
            good.rsplit_once('\n').unwrap().0.to_owned(),
            with(1, ""),
            with(2, ""),
            with(2, "ticket with spaces"),
            with(2, "ticket\u{7f}"),
            with(2, &"t".repeat(513)),
            with(3, "tomorrow"),
            with(4, "<img src=x onerror=alert(1)>"),
            with(4, "0612345678"),
        ] {
            assert_ne!(bad, good, "each case must differ from the good entry");
            assert_eq!(decode(&bad, SLOT_MS), None, "{bad:?}");
        }
        assert!(decode(&with(2, &"t".repeat(512)), SLOT_MS).is_some());
    }

    #[test]
    fn each_edge_has_its_own_entry() {
        assert_ne!(key("https://a.example"), key("https://b.example"));
    }

    #[test]
    fn an_entry_is_forgotten_only_for_its_own_ticket() {
        let entry = encode(&booked(), &number()).unwrap();
        assert!(is_for(&entry, &booked().ticket));
        let other = CallbackAccepted {
            ticket: "b3RoZXI.MTc5NTMzNTMwMDAwMA.z9x8c7".to_owned(),
            ..booked()
        };
        for (entry, ticket) in [
            (entry.as_str(), other.ticket.as_str()),
            // Another line of the entry is not its ticket.
            (entry.as_str(), booked().call_id.as_str()),
            (entry.as_str(), "+31612345678"),
            (
                &entry.replace(FORMAT, "callme-booking-0"),
                booked().ticket.as_str(),
            ),
            ("", booked().ticket.as_str()),
        ] {
            assert!(!is_for(entry, ticket), "{entry:?} {ticket:?}");
        }
    }
}
