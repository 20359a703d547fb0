//! Booked callbacks: what the `Scheduler` object keeps of each, the
//! commands it takes, and its rules (capacity per slot, who may see or
//! cancel a booking, the alarm's claim on a booking it places, retries when
//! the platform fails at the booked time, and the per-isolate cache of the
//! slots' counts). Pure, like `guard.rs`: the glue
//! (`glue/scheduler_object.rs`) stores the records in the object's SQLite
//! and places the calls from its alarm.
//!
//! A booking the alarm places is claimed first ([`claim_next`]: read and
//! marked [`BookingStatus::Placing`] in one synchronous step of the
//! object, so no command runs in between), and only then does the
//! platform request go out. A cancel therefore either finds it waiting
//! (and wins: nothing is placed) or finds it claimed (and is refused). The
//! attempt's outcome is written by [`settle`] only while the claim still
//! stands.

use callme_shared::{AgentAlias, CallId, PhoneNumber};
use serde::{Deserialize, Serialize};

use crate::object::{Reply, Vocabulary};

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingStatus {
    /// Waiting for its slot (or for a retry).
    Scheduled,
    /// Claimed by the alarm: the platform request is (about to be) on its
    /// way, so it can no longer be cancelled.
    Placing,
    /// The platform accepted the call (its id is kept).
    Placed,
    /// The platform refused or failed every attempt.
    Failed,
    /// The visitor cancelled it.
    Cancelled,
}

impl BookingStatus {
    /// The word the portal sees (`GET /api/scheduled`): a booking being
    /// placed is still `scheduled` there, as it is to the visitor, until
    /// the platform has answered.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled | Self::Placing => "scheduled",
            Self::Placed => "placed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The word in the object's `status` column (what its queries select
    /// on).
    pub fn stored(self) -> &'static str {
        match self {
            Self::Placing => "placing",
            other => other.as_str(),
        }
    }
}

/// A booking's id: `sched-` and 32 hex digits (the ticket names it, as
/// its call id until the call is placed). Stored and sent as that text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BookingId(String);

/// Not a booking id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("A booking id is sched- and 32 hexadecimal digits.")]
pub struct NotBookingId;

impl BookingId {
    /// The id in `text`, if it has the shape the edge makes.
    ///
    /// # Errors
    /// [`NotBookingId`] for anything else.
    pub fn parse(text: &str) -> Result<Self, NotBookingId> {
        let hex = text.strip_prefix("sched-").ok_or(NotBookingId)?;
        if hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(NotBookingId)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BookingId {
    type Error = NotBookingId;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<BookingId> for String {
    fn from(id: BookingId) -> Self {
        id.0
    }
}

impl std::fmt::Display for BookingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One booked callback. Stored and sent as a [`Record`] (its fields as
/// text), and read back through the same parsers as any input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Record<String>")]
pub struct Booking {
    /// Its id; the ticket names it.
    pub id: BookingId,
    /// The slot (Unix ms).
    pub slot_ms: i64,
    /// The number, for the portal's scope.
    pub phone: PhoneNumber,
    /// The agent alias, for the portal's scope.
    pub agent: AgentAlias,
    /// The platform request to send at the slot (built at booking, from
    /// the configuration of then).
    pub outbound: String,
    /// Where it stands.
    pub status: BookingStatus,
    /// Attempts made, the one in flight included.
    pub attempts: u32,
    /// When to try (next); while [`BookingStatus::Placing`], when the
    /// claim lapses (see [`CLAIM_MS`]).
    pub next_try_ms: i64,
    /// The platform's call, once placed.
    pub call_id: Option<CallId>,
    /// When it was placed.
    pub placed_ms: Option<i64>,
    /// Why it failed (an error code, never platform text).
    pub error: Option<String>,
}

/// A [`Booking`] as the object's storage and the commands hold it: the
/// same fields, as text (`S` is `String` read, `&str` written). One
/// conversion for the whole row costs the worker less code than one per
/// typed field.
#[derive(Serialize, Deserialize)]
struct Record<S> {
    id: S,
    slot_ms: i64,
    phone: S,
    agent: S,
    outbound: S,
    status: BookingStatus,
    attempts: u32,
    next_try_ms: i64,
    call_id: Option<S>,
    placed_ms: Option<i64>,
    error: Option<S>,
}

/// A stored booking whose field breaks its rule (it is not read).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the booking's {0} is not valid")]
pub struct BadRecord(&'static str);

impl TryFrom<Record<String>> for Booking {
    type Error = BadRecord;
    fn try_from(record: Record<String>) -> Result<Self, Self::Error> {
        Ok(Self {
            id: BookingId::parse(&record.id).map_err(|_| BadRecord("id"))?,
            slot_ms: record.slot_ms,
            phone: PhoneNumber::parse(&record.phone).map_err(|_| BadRecord("phone"))?,
            agent: AgentAlias::parse(&record.agent).map_err(|_| BadRecord("agent"))?,
            outbound: record.outbound,
            status: record.status,
            attempts: record.attempts,
            next_try_ms: record.next_try_ms,
            call_id: record
                .call_id
                .map(|id| CallId::parse(&id))
                .transpose()
                .map_err(|_| BadRecord("call_id"))?,
            placed_ms: record.placed_ms,
            error: record.error,
        })
    }
}

impl Serialize for Booking {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        Record {
            id: self.id.as_str(),
            slot_ms: self.slot_ms,
            phone: self.phone.as_str(),
            agent: self.agent.as_str(),
            outbound: &self.outbound,
            status: self.status,
            attempts: self.attempts,
            next_try_ms: self.next_try_ms,
            call_id: self.call_id.as_ref().map(CallId::as_str),
            placed_ms: self.placed_ms,
            error: self.error.as_deref(),
        }
        .serialize(serializer)
    }
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

/// Cancel a booking still waiting for its slot (cancelling twice is fine,
/// and writes nothing the second time); answered with it, cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancel {
    /// Its id.
    pub id: String,
}

/// Too late to cancel: being placed, placed, failed, or no such booking.
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
    /// Whether the command may change when the next booking is due (when
    /// it wrote anything: the glue re-arms only then).
    pub fn rearms(&self) -> bool {
        matches!(self, Self::Book(_) | Self::Cancel(_))
    }
}

impl Vocabulary for Request {
    const BINDING: &'static str = "SCHEDULER";
}

crate::object::commands! {
    Request:
    Book => Booked,
    Get => Option<Booking>,
    Cancel => Result<Booking, NotCancellable>,
    Counts => Vec<(i64, u32)>,
    List => Vec<Booking>,
}

/// How the `Scheduler` keeps bookings (SQLite in the object; a `Vec` in
/// tests). Every method is synchronous: a sequence of calls with no await
/// between them is one atomic step of the object.
pub trait Store {
    /// The booking with `id`.
    fn get(&self, id: &str) -> Option<Booking>;
    /// The booking due soonest at `now_ms`: waiting or being placed, with
    /// `next_try_ms` at or before `now_ms`.
    fn due(&self, now_ms: i64) -> Option<Booking>;
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
/// [`NotCancellable`] once claimed by the alarm, placed or failed, or for
/// no such booking.
pub fn cancel(store: &mut dyn Store, command: &Cancel) -> Result<Booking, NotCancellable> {
    match store.get(&command.id) {
        Some(booking) if booking.status == BookingStatus::Cancelled => Ok(booking),
        Some(mut booking) if booking.status == BookingStatus::Scheduled => {
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
        .filter(|b| command.phone.as_ref().is_none_or(|p| p == b.phone.as_str()))
        .filter(|b| command.agent.as_ref().is_none_or(|a| a == b.agent.as_str()))
        .collect()
}

/// A cancelled booking frees its place; every other keeps it (a failed
/// one too: its slot was used).
pub fn counts_against_capacity(status: BookingStatus) -> bool {
    status != BookingStatus::Cancelled
}

/// Attempts before a booking is reported failed.
pub const MAX_ATTEMPTS: u32 = 3;

/// How long the alarm's claim on a booking holds: far longer than one
/// attempt can take (a Guard round trip, the platform's timeout of at most
/// a minute, the record), so only a claim whose alarm never came back (the
/// object was evicted or restarted mid-attempt) outlives it.
pub const CLAIM_MS: i64 = 5 * 60_000;

/// The error code of a retry that would fall outside the opening hours.
pub const CLOSED: &str = "closed";

/// The error code of a claim that lapsed: the attempt's outcome is
/// unknown, so the booking is not tried again (a visitor called twice is
/// worse than one told the call failed).
pub const INTERRUPTED: &str = "interrupted";

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

/// What follows a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Try again then (Unix ms).
    RetryAt(i64),
    /// Failed for good, with this error code.
    Fail(String),
}

/// After the `attempts`-th attempt failed with `code` at `now_ms`: a
/// retry at [`retry_at`], unless the attempts are used up (the booking
/// fails with the platform's `code`) or the site is closed at the retry's
/// time (it fails with [`CLOSED`]: nobody is called outside the hours the
/// site takes calls, and the visitor hears so at once, not at the retry).
pub fn after_failure(attempts: u32, now_ms: i64, code: &str, open: &dyn Fn(i64) -> bool) -> Next {
    match retry_at(attempts, now_ms) {
        Some(at) if open(at) => Next::RetryAt(at),
        Some(_) => Next::Fail(CLOSED.to_owned()),
        None => Next::Fail(code.to_owned()),
    }
}

/// The alarm's next booking to place, claimed: marked
/// [`BookingStatus::Placing`] (its attempt counted, its claim lapsing in
/// [`CLAIM_MS`]) before the caller sends anything. Due bookings that must
/// not be tried are settled on the way: a lapsed claim fails
/// ([`INTERRUPTED`]), and so does a retry that fell due while the site is
/// closed ([`CLOSED`]: the alarm may run late). `None`: nothing is due.
///
/// The glue calls this with no await inside, so a [`Cancel`] runs wholly
/// before it (and wins) or wholly after it (and is refused).
pub fn claim_next(
    store: &mut dyn Store,
    now_ms: i64,
    open: &dyn Fn(i64) -> bool,
) -> Option<Booking> {
    loop {
        let mut booking = store.due(now_ms)?;
        let give_up = match booking.status {
            BookingStatus::Placing => Some(INTERRUPTED),
            BookingStatus::Scheduled if booking.attempts > 0 && !open(now_ms) => Some(CLOSED),
            BookingStatus::Scheduled => None,
            // `due` returns only the two above; anything else is left be.
            _ => return None,
        };
        if let Some(code) = give_up {
            booking.status = BookingStatus::Failed;
            booking.error = Some(code.to_owned());
            store.put(&booking);
            continue;
        }
        booking.status = BookingStatus::Placing;
        booking.attempts += 1;
        booking.next_try_ms = now_ms + CLAIM_MS;
        store.put(&booking);
        return Some(booking);
    }
}

/// How a claimed attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The platform accepted the call, with this id.
    Placed(CallId),
    /// It failed, with this error code.
    Failed(String),
}

/// Writes the outcome of the attempt `claimed` (as [`claim_next`] returned
/// it) made, at `now_ms`: only while that claim still stands (the same
/// booking, still [`BookingStatus::Placing`], at the same attempt), so
/// nothing written meanwhile is overwritten with an old copy. Returns the
/// booking as written, or `None` when the claim was no longer there.
pub fn settle(
    store: &mut dyn Store,
    claimed: &Booking,
    attempt: Attempt,
    now_ms: i64,
    open: &dyn Fn(i64) -> bool,
) -> Option<Booking> {
    let mut booking = store
        .get(claimed.id.as_str())
        .filter(|b| b.status == BookingStatus::Placing && b.attempts == claimed.attempts)?;
    match attempt {
        Attempt::Placed(call_id) => {
            booking.status = BookingStatus::Placed;
            booking.call_id = Some(call_id);
            booking.placed_ms = Some(now_ms);
        }
        Attempt::Failed(code) => match after_failure(booking.attempts, now_ms, &code, open) {
            Next::RetryAt(at) => {
                booking.status = BookingStatus::Scheduled;
                booking.next_try_ms = at;
            }
            Next::Fail(code) => {
                booking.status = BookingStatus::Failed;
                booking.error = Some(code);
            }
        },
    }
    store.put(&booking);
    Some(booking)
}

/// How long one isolate answers `GET /api/slots` from the counts it read
/// last, without asking the Scheduler.
pub const COUNTS_FRESH_MS: i64 = 2_000;

/// How old counts may be to answer while another request of the isolate
/// is reading newer ones (so a burst of requests costs one read, not one
/// each); a read that never came back stops counting after this too.
pub const COUNTS_STALE_MS: i64 = 10_000;

/// The slots' counts as one isolate last read them (see [`Counts`]).
/// Stale counts only ever offer a slot that has since filled: booking it
/// is refused with 409 `slot_full` by the Scheduler, atomically.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountsCache {
    /// The last counts read, and when.
    read: Option<(i64, Vec<(i64, u32)>)>,
    /// Since when a request is reading newer ones.
    reading_since: Option<i64>,
}

/// What [`CountsCache::look`] tells a request to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountsLook {
    /// Answer with these counts.
    Use(Vec<(i64, u32)>),
    /// Read them from the Scheduler, then [`CountsCache::keep`] them (or
    /// [`CountsCache::failed`]).
    Read,
}

impl CountsCache {
    /// Counts to answer with at `now_ms`, or [`CountsLook::Read`] (and
    /// this request is the one reading).
    pub fn look(&mut self, now_ms: i64) -> CountsLook {
        let age = |at: i64| (at <= now_ms).then_some(now_ms - at);
        if let Some((at, counts)) = &self.read {
            let reading = self
                .reading_since
                .and_then(age)
                .is_some_and(|a| a < COUNTS_STALE_MS);
            match age(*at) {
                Some(a) if a < COUNTS_FRESH_MS => return CountsLook::Use(counts.clone()),
                Some(a) if a < COUNTS_STALE_MS && reading => {
                    return CountsLook::Use(counts.clone());
                }
                _ => {}
            }
        }
        self.reading_since = Some(now_ms);
        CountsLook::Read
    }

    /// Keeps the counts a request read at `read_ms` (when it asked).
    pub fn keep(&mut self, read_ms: i64, counts: Vec<(i64, u32)>) {
        if self.read.as_ref().is_none_or(|(at, _)| *at <= read_ms) {
            self.read = Some((read_ms, counts));
        }
        self.reading_since = None;
    }

    /// The read failed: the next request reads again.
    pub fn failed(&mut self) {
        self.reading_since = None;
    }

    /// Forgets the counts: a booking or a cancellation of this isolate
    /// changed them.
    pub fn forget(&mut self) {
        self.read = None;
    }
}

/// The slots of `slots` that still have room, given the Scheduler's
/// `counts` and the `capacity` of a slot.
pub fn with_room(slots: Vec<i64>, counts: &[(i64, u32)], capacity: u32) -> Vec<i64> {
    slots
        .into_iter()
        .filter(|slot| {
            counts
                .iter()
                .find(|(at, _)| at == slot)
                .is_none_or(|(_, n)| *n < capacity)
        })
        .collect()
}

/// Whether a booking id has the shape the edge makes (`sched-` + 32 hex).
pub fn is_booking_id(id: &str) -> bool {
    BookingId::parse(id).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Memory(Vec<Booking>);

    impl Store for Memory {
        fn get(&self, id: &str) -> Option<Booking> {
            self.0.iter().find(|b| b.id.as_str() == id).cloned()
        }
        fn due(&self, now_ms: i64) -> Option<Booking> {
            self.0
                .iter()
                .filter(|b| {
                    matches!(b.status, BookingStatus::Scheduled | BookingStatus::Placing)
                        && b.next_try_ms <= now_ms
                })
                .min_by_key(|b| b.next_try_ms)
                .cloned()
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
            id: BookingId::parse(&format!("sched-{n:032x}")).unwrap(),
            slot_ms,
            phone: PhoneNumber::parse(phone).unwrap(),
            agent: AgentAlias::parse("support").unwrap(),
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
        let first = String::from(booking(1, 1_000, "+31612345678").id);
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
            cancel(
                &mut store,
                &Cancel {
                    id: placed.id.into()
                }
            ),
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
        let open = |_: i64| true;
        assert_eq!(after_failure(1, 0, "x", &open), Next::RetryAt(10_000));
        assert_eq!(after_failure(2, 0, "x", &open), Next::RetryAt(30_000));
        assert_eq!(
            after_failure(MAX_ATTEMPTS, 0, "upstream_error", &open),
            Next::Fail("upstream_error".into())
        );
    }

    #[test]
    fn a_retry_that_would_fall_after_closing_time_fails_the_booking_as_closed() {
        // Open until 50 s: the first retry (at 10 s) is made, the second
        // (at 20 + 30 = 50 s) is not.
        let open = |at: i64| at < 50_000;
        assert_eq!(after_failure(1, 0, "x", &open), Next::RetryAt(10_000));
        assert_eq!(
            after_failure(2, 20_000, "x", &open),
            Next::Fail(CLOSED.into())
        );
        // Used-up attempts say the platform's reason, closed or not.
        assert_eq!(
            after_failure(MAX_ATTEMPTS, 60_000, "upstream_error", &open),
            Next::Fail("upstream_error".into())
        );
    }

    #[test]
    fn a_retry_that_fell_due_while_closed_is_not_made() {
        let mut store = Memory::default();
        let mut retry = booking(1, 1_000, "+31612345678");
        retry.attempts = 1;
        retry.next_try_ms = 11_000;
        store.put(&retry);
        // The alarm ran late, after closing time.
        assert_eq!(claim_next(&mut store, 20_000, &|at| at < 15_000), None);
        let failed = store.get(retry.id.as_str()).unwrap();
        assert_eq!(failed.status, BookingStatus::Failed);
        assert_eq!(failed.error.as_deref(), Some(CLOSED));
        assert_eq!(failed.attempts, 1, "no attempt made");
        // A first attempt is made at its slot (it was open when booked).
        store.put(&booking(2, 1_000, "+31612345678"));
        assert!(claim_next(&mut store, 20_000, &|at| at < 15_000).is_some());
    }

    fn always(_: i64) -> bool {
        true
    }

    #[test]
    fn a_claimed_booking_can_no_longer_be_cancelled() {
        let mut store = Memory::default();
        let waiting = booking(1, 1_000, "+31612345678");
        store.put(&waiting);
        let claimed = claim_next(&mut store, 1_000, &always).unwrap();
        assert_eq!(claimed.status, BookingStatus::Placing);
        assert_eq!(claimed.attempts, 1);
        assert_eq!(
            store.get(waiting.id.as_str()).unwrap(),
            claimed,
            "claimed in storage"
        );
        // The visitor's cancel arrives while the platform request is out.
        assert_eq!(
            cancel(
                &mut store,
                &Cancel {
                    id: waiting.id.clone().into()
                }
            ),
            Err(NotCancellable)
        );
        let placed = settle(
            &mut store,
            &claimed,
            Attempt::Placed(CallId::parse("call-1").unwrap()),
            1_500,
            &always,
        )
        .unwrap();
        assert_eq!(placed.status, BookingStatus::Placed);
        assert_eq!(
            (
                placed.call_id.as_ref().map(CallId::as_str),
                placed.placed_ms
            ),
            (Some("call-1"), Some(1_500))
        );
        assert_eq!(store.get(waiting.id.as_str()).unwrap(), placed);
        // A claimed booking still holds its place in the slot.
        assert_eq!(counts(&store, &Counts { from_ms: 0 }), vec![(1_000, 1)]);
    }

    #[test]
    fn a_cancel_before_the_claim_wins_and_nothing_is_claimed() {
        let mut store = Memory::default();
        let waiting = booking(1, 1_000, "+31612345678");
        store.put(&waiting);
        assert!(
            cancel(
                &mut store,
                &Cancel {
                    id: waiting.id.clone().into()
                }
            )
            .is_ok()
        );
        assert_eq!(claim_next(&mut store, 5_000, &always), None);
        assert_eq!(
            store.get(waiting.id.as_str()).unwrap().status,
            BookingStatus::Cancelled
        );
    }

    #[test]
    fn an_outcome_is_written_only_while_its_claim_stands() {
        let mut store = Memory::default();
        store.put(&booking(1, 1_000, "+31612345678"));
        let claimed = claim_next(&mut store, 1_000, &always).unwrap();
        // Meanwhile the claim lapsed and the booking was settled otherwise
        // (a later alarm): the late outcome changes nothing.
        let lapsed = claim_next(&mut store, 1_000 + CLAIM_MS, &always);
        assert_eq!(lapsed, None);
        let failed = store.get(claimed.id.as_str()).unwrap();
        assert_eq!(
            (failed.status, failed.error.as_deref()),
            (BookingStatus::Failed, Some(INTERRUPTED))
        );
        assert_eq!(
            settle(
                &mut store,
                &claimed,
                Attempt::Placed(CallId::parse("call-1").unwrap()),
                2_000,
                &always
            ),
            None
        );
        assert_eq!(store.get(claimed.id.as_str()).unwrap(), failed);
        // An outcome of an earlier attempt does not settle a later claim.
        let mut retry = booking(2, 1_000, "+31612345678");
        retry.attempts = 1;
        store.put(&retry);
        let second = claim_next(&mut store, 1_000, &always).unwrap();
        assert_eq!(second.attempts, 2);
        let first = Booking {
            attempts: 1,
            ..second.clone()
        };
        assert_eq!(
            settle(
                &mut store,
                &first,
                Attempt::Failed("x".into()),
                2_000,
                &always
            ),
            None
        );
        assert_eq!(store.get(second.id.as_str()).unwrap(), second);
    }

    #[test]
    fn a_failed_attempt_goes_back_to_waiting_until_the_attempts_are_used_up() {
        let mut store = Memory::default();
        let id = String::from(booking(1, 1_000, "+31612345678").id);
        store.put(&booking(1, 1_000, "+31612345678"));
        let mut now = 1_000;
        for attempt in 1..=MAX_ATTEMPTS {
            let claimed = claim_next(&mut store, now, &always).unwrap();
            assert_eq!(claimed.attempts, attempt);
            let after = settle(
                &mut store,
                &claimed,
                Attempt::Failed("upstream_error".into()),
                now,
                &always,
            )
            .unwrap();
            if attempt < MAX_ATTEMPTS {
                assert_eq!(after.status, BookingStatus::Scheduled);
                assert_eq!(claim_next(&mut store, after.next_try_ms - 1, &always), None);
                // Between attempts nothing is out: a cancel may still win,
                // but not here.
                now = after.next_try_ms;
            }
        }
        let failed = store.get(&id).unwrap();
        assert_eq!(
            (failed.status, failed.error.as_deref(), failed.attempts),
            (BookingStatus::Failed, Some("upstream_error"), MAX_ATTEMPTS)
        );
        assert_eq!(claim_next(&mut store, i64::MAX, &always), None);
    }

    #[test]
    fn the_portal_sees_a_booking_being_placed_as_scheduled() {
        assert_eq!(BookingStatus::Placing.as_str(), "scheduled");
        assert_eq!(BookingStatus::Placing.stored(), "placing");
        for status in [
            BookingStatus::Scheduled,
            BookingStatus::Placed,
            BookingStatus::Failed,
            BookingStatus::Cancelled,
        ] {
            assert_eq!(status.stored(), status.as_str());
        }
    }

    #[test]
    fn cancelling_twice_writes_once() {
        #[derive(Default)]
        struct Counting(Memory, u32);
        impl Store for Counting {
            fn get(&self, id: &str) -> Option<Booking> {
                self.0.get(id)
            }
            fn due(&self, now_ms: i64) -> Option<Booking> {
                self.0.due(now_ms)
            }
            fn count_in_slot(&self, slot_ms: i64) -> u32 {
                self.0.count_in_slot(slot_ms)
            }
            fn put(&mut self, booking: &Booking) {
                self.1 += 1;
                self.0.put(booking);
            }
            fn from(&self, from_ms: i64) -> Vec<Booking> {
                self.0.from(from_ms)
            }
        }
        let mut store = Counting::default();
        let waiting = booking(1, 1_000, "+31612345678");
        store.put(&waiting);
        let id = String::from(waiting.id);
        assert!(cancel(&mut store, &Cancel { id: id.clone() }).is_ok());
        assert!(cancel(&mut store, &Cancel { id }).is_ok());
        assert_eq!(store.1, 2, "the booking, then one cancellation");
    }

    #[test]
    fn counts_are_fresh_for_two_seconds_then_read_again() {
        let mut cache = CountsCache::default();
        assert_eq!(cache.look(0), CountsLook::Read);
        cache.keep(0, vec![(60_000, 1)]);
        assert_eq!(cache.look(1_999), CountsLook::Use(vec![(60_000, 1)]));
        assert_eq!(cache.look(COUNTS_FRESH_MS), CountsLook::Read);
        cache.keep(COUNTS_FRESH_MS, vec![(60_000, 2)]);
        assert_eq!(
            cache.look(COUNTS_FRESH_MS + 1),
            CountsLook::Use(vec![(60_000, 2)])
        );
    }

    #[test]
    fn while_one_request_reads_the_others_answer_from_the_last_counts() {
        let mut cache = CountsCache::default();
        cache.look(0);
        cache.keep(0, vec![(60_000, 1)]);
        assert_eq!(cache.look(3_000), CountsLook::Read, "stale: this one reads");
        assert_eq!(cache.look(3_001), CountsLook::Use(vec![(60_000, 1)]));
        // Counts too old are not used even then.
        assert_eq!(cache.look(COUNTS_STALE_MS), CountsLook::Read);
        // A failed read lets the next request read.
        cache.failed();
        assert_eq!(cache.look(COUNTS_STALE_MS + 1), CountsLook::Read);
        // Without any counts yet, every request reads.
        let mut cold = CountsCache::default();
        assert_eq!(cold.look(0), CountsLook::Read);
        assert_eq!(cold.look(1), CountsLook::Read);
    }

    #[test]
    fn a_booking_in_this_isolate_forgets_the_counts() {
        let mut cache = CountsCache::default();
        cache.look(0);
        cache.keep(0, vec![]);
        cache.forget();
        assert_eq!(cache.look(1), CountsLook::Read);
        // An older read finishing late does not replace a newer one.
        cache.keep(10, vec![(60_000, 2)]);
        cache.keep(5, vec![]);
        assert_eq!(cache.look(11), CountsLook::Use(vec![(60_000, 2)]));
        // Nor do counts "read" in the future count as fresh.
        let mut skewed = CountsCache::default();
        skewed.keep(10_000, vec![]);
        assert_eq!(skewed.look(0), CountsLook::Read);
    }

    #[test]
    fn a_full_slot_is_not_on_offer() {
        let slots = vec![1_000, 2_000, 3_000];
        let counts = [(1_000, 2), (3_000, 1)];
        assert_eq!(with_room(slots.clone(), &counts, 2), vec![2_000, 3_000]);
        assert_eq!(with_room(slots.clone(), &counts, 1), vec![2_000]);
        assert_eq!(with_room(slots.clone(), &[], 1), slots);
    }

    #[test]
    fn booking_ids_have_one_shape() {
        assert!(is_booking_id(&format!("sched-{:032x}", 7)));
        assert!(!is_booking_id("sched-xyz"));
        assert!(!is_booking_id("call-_+31612345678_abc"));
    }

    #[test]
    fn a_booking_id_is_sched_and_32_hex_digits() {
        let good = format!("sched-{}", "0123456789abcdef".repeat(2));
        assert_eq!(BookingId::parse(&good).unwrap().as_str(), good);
        for bad in [
            String::new(),
            "sched-".to_owned(),
            "sched-none".to_owned(),
            good.replace("sched-", "call-"),
            format!("{good}0"),
            good.replacen('0', "g", 1),
        ] {
            assert_eq!(BookingId::parse(&bad), Err(NotBookingId), "{bad:?}");
            assert!(!is_booking_id(&bad));
        }
    }

    #[test]
    fn a_booking_stored_before_its_fields_were_typed_reads_back_and_is_written_the_same() {
        let stored = r#"{"id":"sched-0000000000000000000000000000002a","slot_ms":1000,"phone":"+31612345678","agent":"support","outbound":"{}","status":"Placed","attempts":1,"next_try_ms":1000,"call_id":"call-_+31612345678_abc","placed_ms":900,"error":null}"#;
        let booking: Booking = serde_json::from_str(stored).unwrap();
        assert_eq!(booking.phone.as_str(), "+31612345678");
        assert_eq!(
            booking.call_id.as_ref().map(CallId::as_str),
            Some("call-_+31612345678_abc")
        );
        assert_eq!(serde_json::to_string(&booking).unwrap(), stored);
        // A record that breaks a rule is not read (the store skips it).
        let bad = stored.replace("+31612345678\",\"agent", "0612345678\",\"agent");
        assert_ne!(bad, stored);
        assert!(serde_json::from_str::<Booking>(&bad).is_err());
    }
}
