//! Booked callbacks: what the `Scheduler` object keeps of each, the
//! commands it takes, and its rules (capacity per slot, who may see or
//! cancel a booking, retries when the platform fails at the booked time).
//! Pure, like `guard.rs`: the glue (`glue/scheduler_object.rs`) stores the
//! records in the object's SQLite and places the calls from its alarm.

use serde::{Deserialize, Serialize};

use crate::object::{Command as ObjectCommand, Reply, Vocabulary};

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingStatus {
    /// Waiting for its slot.
    Scheduled,
    /// The platform accepted the call (its id is kept).
    Placed,
    /// The platform refused or failed every attempt.
    Failed,
    /// The visitor cancelled it.
    Cancelled,
}

impl BookingStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Placed => "placed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// One booked callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// `sched-` and 32 hex digits; the ticket names it.
    pub id: String,
    /// The slot (Unix ms).
    pub slot_ms: i64,
    /// The number (E.164), for the portal's scope.
    pub phone: String,
    /// The agent alias, for the portal's scope.
    pub agent: String,
    /// The platform request to send at the slot (built at booking, from
    /// the configuration of then).
    pub outbound: String,
    /// Where it stands.
    pub status: BookingStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When to try (next).
    pub next_try_ms: i64,
    /// The platform's call, once placed.
    pub call_id: Option<String>,
    /// When it was placed.
    pub placed_ms: Option<i64>,
    /// Why it failed (an error code, never platform text).
    pub error: Option<String>,
}

/// Book a slot unless it already holds `capacity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Book {
    /// The new booking.
    pub booking: Booking,
    /// Bookings a slot takes.
    pub capacity: u32,
}

/// What [`Book`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Booked {
    /// Booked.
    Booked,
    /// The slot is full.
    Full,
}

/// One booking (`None`: no such booking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Get {
    /// Its id.
    pub id: String,
}

/// Cancel a booking still waiting for its slot (cancelling twice is fine);
/// answered with it, cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancel {
    /// Its id.
    pub id: String,
}

/// Too late to cancel: placed, failed, or no such booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCancellable;

/// Bookings per slot, `(slot_ms, bookings)`, from `from_ms` on (for
/// `GET /api/slots`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// The first slot of interest.
    pub from_ms: i64,
}

/// Bookings from `from_ms` on, soonest first, in a portal token's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct List {
    /// The first slot of interest.
    pub from_ms: i64,
    /// Only this number.
    pub phone: Option<String>,
    /// Only this agent alias.
    pub agent: Option<String>,
}

/// Every command of the `Scheduler`, as it travels (externally tagged,
/// serde's default: an internally tagged enum costs the worker ~10 KB more
/// code to read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// [`Book`].
    Book(Book),
    /// [`Get`].
    Get(Get),
    /// [`Cancel`].
    Cancel(Cancel),
    /// [`Counts`].
    Counts(Counts),
    /// [`List`].
    List(List),
}

impl Request {
    /// Whether the command may change when the next booking is due.
    pub fn rearms(&self) -> bool {
        matches!(self, Self::Book(_) | Self::Cancel(_))
    }
}

impl Vocabulary for Request {
    const BINDING: &'static str = "SCHEDULER";
}

macro_rules! scheduler_command {
    ($($command:ident => $answer:ty),* $(,)?) => {$(
        impl From<$command> for Request {
            fn from(command: $command) -> Self {
                Self::$command(command)
            }
        }
        impl ObjectCommand for $command {
            type Wire = Request;
            type Answer = $answer;
        }
    )*};
}

scheduler_command! {
    Book => Booked,
    Get => Option<Booking>,
    Cancel => Result<Booking, NotCancellable>,
    Counts => Vec<(i64, u32)>,
    List => Vec<Booking>,
}

/// How the `Scheduler` keeps bookings (SQLite in the object; a `Vec` in
/// tests).
pub trait Store {
    /// The booking with `id`.
    fn get(&self, id: &str) -> Option<Booking>;
    /// Bookings of a slot that still count against its capacity.
    fn count_in_slot(&self, slot_ms: i64) -> u32;
    /// Inserts or replaces.
    fn put(&mut self, booking: &Booking);
    /// Every booking with a slot from `from_ms` on, soonest first.
    fn from(&self, from_ms: i64) -> Vec<Booking>;
}

/// Carries out one command of any kind, answering with its own answer.
pub fn handle(store: &mut dyn Store, request: Request) -> Reply {
    match request {
        Request::Book(command) => Reply::to::<Book>(&book(store, &command)),
        Request::Get(command) => Reply::to::<Get>(&store.get(&command.id)),
        Request::Cancel(command) => Reply::to::<Cancel>(&cancel(store, &command)),
        Request::Counts(command) => Reply::to::<Counts>(&counts(store, &command)),
        Request::List(command) => Reply::to::<List>(&list(store, &command)),
    }
}

/// [`Book`].
pub fn book(store: &mut dyn Store, command: &Book) -> Booked {
    if store.count_in_slot(command.booking.slot_ms) >= command.capacity {
        return Booked::Full;
    }
    store.put(&command.booking);
    Booked::Booked
}

/// [`Cancel`].
///
/// # Errors
/// [`NotCancellable`] once placed or failed, or for no such booking.
pub fn cancel(store: &mut dyn Store, command: &Cancel) -> Result<Booking, NotCancellable> {
    match store.get(&command.id) {
        Some(mut booking)
            if matches!(
                booking.status,
                BookingStatus::Scheduled | BookingStatus::Cancelled
            ) =>
        {
            booking.status = BookingStatus::Cancelled;
            store.put(&booking);
            Ok(booking)
        }
        _ => Err(NotCancellable),
    }
}

/// [`Counts`].
pub fn counts(store: &dyn Store, command: &Counts) -> Vec<(i64, u32)> {
    let mut counts: Vec<(i64, u32)> = Vec::new();
    for booking in store.from(command.from_ms) {
        if counts_against_capacity(booking.status) {
            match counts.last_mut() {
                Some((slot, n)) if *slot == booking.slot_ms => *n += 1,
                _ => counts.push((booking.slot_ms, 1)),
            }
        }
    }
    counts
}

/// [`List`].
pub fn list(store: &dyn Store, command: &List) -> Vec<Booking> {
    store
        .from(command.from_ms)
        .into_iter()
        .filter(|b| command.phone.as_ref().is_none_or(|p| *p == b.phone))
        .filter(|b| command.agent.as_ref().is_none_or(|a| *a == b.agent))
        .collect()
}

/// A cancelled booking frees its place; every other keeps it (a failed
/// one too: its slot was used).
pub fn counts_against_capacity(status: BookingStatus) -> bool {
    status != BookingStatus::Cancelled
}

/// Attempts before a booking is reported failed.
pub const MAX_ATTEMPTS: u32 = 3;

/// After a failed attempt: when to try again, or `None` (failed for good).
/// 10 s, then 30 s: a platform hiccup passes, the visitor is not called
/// long after the time they chose.
pub fn retry_at(attempts: u32, now_ms: i64) -> Option<i64> {
    match attempts {
        1 => Some(now_ms + 10_000),
        2 => Some(now_ms + 30_000),
        _ => None,
    }
}

/// Whether a booking id has the shape the edge makes (`sched-` + 32 hex).
pub fn is_booking_id(id: &str) -> bool {
    id.strip_prefix("sched-")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Memory(Vec<Booking>);

    impl Store for Memory {
        fn get(&self, id: &str) -> Option<Booking> {
            self.0.iter().find(|b| b.id == id).cloned()
        }
        fn count_in_slot(&self, slot_ms: i64) -> u32 {
            let n = self
                .0
                .iter()
                .filter(|b| b.slot_ms == slot_ms && counts_against_capacity(b.status))
                .count();
            u32::try_from(n).unwrap()
        }
        fn put(&mut self, booking: &Booking) {
            self.0.retain(|b| b.id != booking.id);
            self.0.push(booking.clone());
        }
        fn from(&self, from_ms: i64) -> Vec<Booking> {
            let mut all: Vec<Booking> = self
                .0
                .iter()
                .filter(|b| b.slot_ms >= from_ms)
                .cloned()
                .collect();
            all.sort_by_key(|b| (b.slot_ms, b.id.clone()));
            all
        }
    }

    fn booking(n: u8, slot_ms: i64, phone: &str) -> Booking {
        Booking {
            id: format!("sched-{:032x}", n),
            slot_ms,
            phone: phone.into(),
            agent: "support".into(),
            outbound: "{}".into(),
            status: BookingStatus::Scheduled,
            attempts: 0,
            next_try_ms: slot_ms,
            call_id: None,
            placed_ms: None,
            error: None,
        }
    }

    #[test]
    fn a_slot_takes_its_capacity_and_a_cancellation_frees_a_place() {
        let mut store = Memory::default();
        let take = |store: &mut Memory, n| {
            book(
                store,
                &Book {
                    booking: booking(n, 1_000, "+31612345678"),
                    capacity: 2,
                },
            )
        };
        assert_eq!(take(&mut store, 1), Booked::Booked);
        assert_eq!(take(&mut store, 2), Booked::Booked);
        assert_eq!(take(&mut store, 3), Booked::Full);
        let first = booking(1, 1_000, "").id;
        assert!(cancel(&mut store, &Cancel { id: first.clone() }).is_ok());
        // Twice is fine.
        assert!(cancel(&mut store, &Cancel { id: first }).is_ok());
        assert_eq!(take(&mut store, 3), Booked::Booked);
        assert_eq!(counts(&store, &Counts { from_ms: 0 }), vec![(1_000, 2)]);
    }

    #[test]
    fn only_a_waiting_booking_can_be_cancelled() {
        let mut store = Memory::default();
        let mut placed = booking(1, 1_000, "+31612345678");
        placed.status = BookingStatus::Placed;
        store.put(&placed);
        assert_eq!(
            cancel(&mut store, &Cancel { id: placed.id }),
            Err(NotCancellable)
        );
        assert_eq!(
            cancel(
                &mut store,
                &Cancel {
                    id: "sched-none".into()
                }
            ),
            Err(NotCancellable)
        );
    }

    #[test]
    fn a_portal_token_sees_the_bookings_in_its_scope_soonest_first() {
        let mut store = Memory::default();
        store.put(&booking(1, 3_000, "+31612345678"));
        store.put(&booking(2, 1_000, "+31687654321"));
        store.put(&booking(3, 2_000, "+31612345678"));
        store.put(&booking(4, 500, "+31612345678"));
        let ids =
            |bookings: Vec<Booking>| bookings.into_iter().map(|b| b.slot_ms).collect::<Vec<_>>();
        let all = list(
            &store,
            &List {
                from_ms: 1_000,
                phone: None,
                agent: None,
            },
        );
        assert_eq!(ids(all), [1_000, 2_000, 3_000]);
        let mine = list(
            &store,
            &List {
                from_ms: 0,
                phone: Some("+31612345678".into()),
                agent: None,
            },
        );
        assert_eq!(ids(mine), [500, 2_000, 3_000]);
        let sales = list(
            &store,
            &List {
                from_ms: 0,
                phone: None,
                agent: Some("sales".into()),
            },
        );
        assert_eq!(ids(sales), Vec::<i64>::new());
    }

    #[test]
    fn each_command_is_answered_with_its_own_answer_type() {
        let mut store = Memory::default();
        let wire = serde_json::to_string(&Request::from(Get { id: "x".into() })).unwrap();
        assert_eq!(wire, r#"{"Get":{"id":"x"}}"#);
        let reply = handle(&mut store, serde_json::from_str(&wire).unwrap());
        assert_eq!(
            serde_json::from_slice::<Option<Booking>>(&reply.0).unwrap(),
            None
        );
        let reply = handle(&mut store, Cancel { id: "x".into() }.into());
        assert_eq!(
            serde_json::from_slice::<Result<Booking, NotCancellable>>(&reply.0).unwrap(),
            Err(NotCancellable)
        );
    }

    #[test]
    fn a_failing_platform_is_tried_three_times_then_the_booking_fails() {
        assert_eq!(retry_at(1, 0), Some(10_000));
        assert_eq!(retry_at(2, 0), Some(30_000));
        assert_eq!(retry_at(MAX_ATTEMPTS, 0), None);
    }

    #[test]
    fn booking_ids_have_one_shape() {
        assert!(is_booking_id(&format!("sched-{:032x}", 7)));
        assert!(!is_booking_id("sched-xyz"));
        assert!(!is_booking_id("call-_+31612345678_abc"));
    }
}
