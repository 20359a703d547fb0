//! `POST /api/callback` as one typed plan: the request's headers and body
//! are turned into an [`Admitted`] callback by pure functions, in the
//! documented order of checks, and the glue only awaits what the plan
//! says (the Guard, the bot check, the platform or the Scheduler). Every
//! refusal here costs no I/O at all.
//!
//! The order, each step refusing before the next runs: a browser on an
//! allowed origin; a usable ticket key; the declared length; the content
//! type; the `Idempotency-Key`; the body's size, JSON and field rules; the
//! number (valid, allowed country and type); consent; the agent; the
//! opening hours (a call now) or the slot (a booking). Then, in the glue:
//! the idempotency claim and the limits in one Guard round trip (the limits
//! after the bot check when Turnstile is on), and the call or the booking.

use callme_shared::{
    AgentAlias, AgentId, CallId, CallbackAccepted, CallbackRequest, ErrorCode, LiveStatus,
    OutboundCallRequest,
};

use crate::callback::{self as rules, CallbackLimits};
use crate::cors::{self, Caller};
use crate::error::EdgeError;
use crate::guard::{Claim, Limited};
use crate::limits::Check;
use crate::policy::{self, Destination};
use crate::site::Site;
use crate::{outbound, request, ticket};

/// The request's headers, as the glue read them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Head<'a> {
    /// `Content-Length`.
    pub content_length: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// `Idempotency-Key`.
    pub idempotency_key: Option<&'a str>,
    /// `CF-Connecting-IP`: the client's address as Cloudflare saw it (never
    /// `X-Forwarded-For`, the client's own word).
    pub ip: Option<&'a str>,
    /// `CF-Connecting-IPv6`: the real address where a zone's Pseudo IPv4
    /// puts a stand-in into `CF-Connecting-IP`.
    pub ipv6: Option<&'a str>,
}

/// The stand-in every Pseudo IPv4 address counts as when the real IPv6
/// address is missing.
const PSEUDO_IPV4: &str = "240.0.0.0";

/// The address a client is counted by. With Cloudflare's Pseudo IPv4
/// ("overwrite headers"), `CF-Connecting-IP` holds a class-E address
/// (240.0.0.0/4) hashed from the whole IPv6 address, so every address of
/// one /64 would count as a new client: the IPv6 address in
/// `CF-Connecting-IPv6` is preferred whenever it is there, and a class-E
/// address without it is no client of its own: all of them share one
/// count (failing closed).
pub fn client_address<'a>(ip: Option<&'a str>, ipv6: Option<&'a str>) -> Option<&'a str> {
    if let Some(v6) = ipv6.map(str::trim)
        && v6.parse::<std::net::Ipv6Addr>().is_ok()
    {
        return Some(v6);
    }
    match ip.map(str::trim) {
        Some(v4)
            if v4
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|a| a.octets()[0] >= 240) =>
        {
            Some(PSEUDO_IPV4)
        }
        other => other,
    }
}

/// A request whose headers passed: its body may be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ready {
    origin: Option<String>,
    idempotency_key: Option<String>,
    ip: Option<String>,
}

/// When the callback is to be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Now: the site is open.
    Now,
    /// At a slot `GET /api/slots` offers (Unix ms).
    Slot(i64),
}

/// The bot check the plan runs before the limits, when Turnstile is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotCheck {
    /// The widget's one-use token, if it sent one.
    pub token: Option<String>,
    /// The client's address, as Turnstile wants it.
    pub ip: String,
}

/// A callback every rule admitted, with what remains to be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// The number, checked against the metadata and the policy.
    pub destination: Destination,
    /// The request with the number in its canonical form: the limits, the
    /// idempotency fingerprint and the booking all see the same number
    /// however the visitor wrote it.
    pub request: CallbackRequest,
    /// The agent's alias (the default one when the page named none).
    pub agent: AgentAlias,
    /// The agent the platform places the call with.
    pub agent_id: AgentId,
    /// Now or at a slot.
    pub when: When,
    /// The limits it counts against.
    pub limits: CallbackLimits,
    /// The idempotency claim, when the request has a key.
    pub claim: Option<Claim>,
    /// The bot check to pass first, when Turnstile is on.
    pub bot_check: Option<BotCheck>,
    /// The platform request (sent now, or kept for the slot).
    pub outbound: OutboundCallRequest,
    /// The allowed origin as configured (`None`: the edge's own).
    pub origin: Option<String>,
}

/// The checks on the headers, in order.
///
/// # Errors
/// 403 for a caller that is not a browser on an allowed origin, 500 without
/// a ticket key (the answer could not be signed: refused before anything
/// is counted or placed), 413, 415, 400 `idempotency_key_invalid`.
pub fn head(site: &Site, caller: &Caller, head: Head<'_>) -> Result<Ready, EdgeError> {
    let origin = match caller {
        Caller::AllowedOrigin(origin) => Some(origin.clone()),
        Caller::SameOrigin => None,
        Caller::Server => return Err(cors::browser_only()),
    };
    site.config.ticket_key()?;
    request::check_declared_length(head.content_length)?;
    request::check_json_type(head.content_type)?;
    let idempotency_key = head
        .idempotency_key
        .map(crate::guard::idempotency_key)
        .transpose()
        .map_err(|e| EdgeError::Invalid {
            code: ErrorCode::IdempotencyKeyInvalid,
            message: e.to_string(),
            field: None,
        })?;
    Ok(Ready {
        origin,
        idempotency_key,
        ip: client_address(head.ip, head.ipv6).map(str::to_owned),
    })
}

/// The checks on the body, in order, and the plan they leave.
///
/// # Errors
/// 413 over the size, 400 for bad JSON, a broken field rule, an invalid
/// number, no consent, an unknown agent or a slot not offered; 403 for a
/// country or number type not allowed; 409 `closed` for a call now while
/// closed.
pub fn body(site: &Site, now_ms: i64, ready: Ready, body: &[u8]) -> Result<Admitted, EdgeError> {
    let config = &site.config;
    let mut callback = request::parse_callback(body)?;
    let destination = policy::check_destination(
        &callback.phone,
        &config.public.allowed_countries,
        &config.public.allowed_number_kinds,
    )
    .map_err(|e| EdgeError::from_policy(&e))?;
    callback.phone = destination.phone.clone();
    rules::check_consent(config, callback.consent)?;
    let agent_id = rules::choose_agent(config, callback.agent.as_ref())?;
    let agent = callback
        .agent
        .clone()
        .unwrap_or_else(|| config.public.default_agent().clone());
    let when = match &callback.at {
        None => {
            let hours = site.hours(now_ms);
            if !hours.open_now {
                return Err(EdgeError::Closed {
                    next_open: hours.next_open,
                });
            }
            When::Now
        }
        // A booking must name a slot `GET /api/slots` offers (full ones
        // aside: the Scheduler says so, atomically, when it books).
        Some(at) => {
            let slot = at.unix_millis();
            if !site
                .slots(now_ms, config.booking.schedule_days)
                .contains(&slot)
            {
                return Err(EdgeError::Invalid {
                    code: ErrorCode::SlotUnavailable,
                    message: "This time cannot be booked: pick one of GET /api/slots.".into(),
                    field: Some("at"),
                });
            }
            When::Slot(slot)
        }
    };
    let limits = CallbackLimits::new(
        config,
        &destination.phone,
        ready.ip.as_deref(),
        match when {
            When::Now => None,
            When::Slot(slot_ms) => Some(slot_ms),
        },
    );
    let claim = ready.idempotency_key.map(|key| Claim {
        key,
        fingerprint: request::fingerprint(&callback),
        // Wait out another request holding the key a little longer than
        // it can take, then give up with 409.
        pending_ms: i64::try_from(config.upstream.timeout_ms * 2 + 3_000).unwrap_or(i64::MAX),
    });
    let bot_check = config.bot_check.on().then(|| BotCheck {
        token: callback.turnstile_token.clone(),
        ip: ready.ip.clone().unwrap_or_default(),
    });
    let outbound = outbound::build(
        config,
        &callback,
        &agent_id,
        ready.origin.as_deref(),
        now_ms,
    );
    Ok(Admitted {
        destination,
        request: callback,
        agent,
        agent_id,
        when,
        limits,
        claim,
        bot_check,
        outbound,
        origin: ready.origin,
    })
}

impl Admitted {
    /// The checks counted with the claim, in the first Guard round trip:
    /// all of them, unless the bot check must come between (a one-use token
    /// must not be spent on a replay, and a failed bot check must not use
    /// up anybody's limits).
    pub fn checks_with_claim(&self) -> Vec<Check> {
        if self.bot_check.is_some() {
            Vec::new()
        } else {
            self.limits.checks()
        }
    }

    /// The checks counted after the bot check passed.
    pub fn checks_after_bot_check(&self) -> Vec<Check> {
        if self.bot_check.is_some() {
            self.limits.checks()
        } else {
            Vec::new()
        }
    }

    /// The 429 for a full counter the Guard names.
    pub fn refusal(&self, limited: &Limited) -> EdgeError {
        self.limits.refusal(&limited.key, limited.retry_after_s)
    }

    /// The visitor's answer once the call is placed (`call_id` the
    /// platform's) or booked (the booking's id): the one ticket, living
    /// `TICKET_TTL_SECONDS` from now, or from the slot for a booking.
    ///
    /// # Errors
    /// Without a ticket key (checked in [`head`] already).
    pub fn accepted(
        &self,
        site: &Site,
        host: &str,
        call_id: CallId,
        now_ms: i64,
    ) -> Result<CallbackAccepted, EdgeError> {
        let config = &site.config;
        let (status, at, ttl_ms) = match self.when {
            When::Now => (LiveStatus::Dialing, None, config.tickets.ttl_ms),
            When::Slot(slot_ms) => (
                LiveStatus::Scheduled,
                Some(site.local(slot_ms)),
                (slot_ms - now_ms).max(0) + config.tickets.ttl_ms,
            ),
        };
        Ok(CallbackAccepted {
            ticket: ticket::issue(
                config.ticket_key_for(host)?.expose(),
                &call_id,
                now_ms,
                ttl_ms,
            ),
            call_id,
            status,
            at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::LimitKind;
    use crate::site::tests::site_with;

    const NOW: i64 = 1_765_792_800_000; // Monday 2025-12-15 10:00 UTC
    const ORIGIN: &str = "https://shop.example";
    const KEY: &str = "3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b";
    const HOST: &str = "callme.example.workers.dev";

    /// A request every rule admits, as a table row starts from.
    #[derive(Clone)]
    struct Case {
        caller: Caller,
        content_length: Option<&'static str>,
        content_type: Option<&'static str>,
        key: Option<&'static str>,
        body: String,
        settings: Vec<(&'static str, &'static str)>,
    }

    fn good() -> Case {
        Case {
            caller: Caller::AllowedOrigin(ORIGIN.into()),
            content_length: Some("80"),
            content_type: Some("application/json"),
            key: Some(KEY),
            body: r#"{"phone":"+310612345678","consent":true,"name":"Ada","locale":"nl"}"#.into(),
            settings: Vec::new(),
        }
    }

    fn run(case: &Case) -> Result<Admitted, EdgeError> {
        let site = site_with(&case.settings, 60);
        let ready = head(
            &site,
            &case.caller,
            Head {
                content_length: case.content_length,
                content_type: case.content_type,
                idempotency_key: case.key,
                ip: Some("192.0.2.7"),
                ipv6: None,
            },
        )?;
        body(&site, NOW, ready, case.body.as_bytes())
    }

    fn code(result: Result<Admitted, EdgeError>) -> String {
        match result {
            Ok(_) => "admitted".into(),
            Err(error) => error.body().error.code,
        }
    }

    #[test]
    fn when_two_rules_are_broken_the_earlier_check_answers() {
        let with = |change: &dyn Fn(&mut Case)| {
            let mut case = good();
            change(&mut case);
            case
        };
        let body = |text: &str| {
            let text = text.to_owned();
            move |c: &mut Case| c.body = text.clone()
        };
        // Each row breaks the rule it names and every later one it can.
        let table: Vec<(&str, Case, &str)> = vec![
            (
                "a server, not a browser",
                with(&|c| {
                    c.caller = Caller::Server;
                    c.content_type = Some("text/plain");
                    c.settings = vec![("TICKET_SECRET", "short")];
                }),
                "origin_required",
            ),
            (
                "no ticket key",
                with(&|c| {
                    c.settings = vec![("TICKET_SECRET", "short")];
                    c.content_length = Some("9000");
                }),
                "misconfigured",
            ),
            (
                "declared too long",
                with(&|c| {
                    c.content_length = Some("9000");
                    c.content_type = Some("text/plain");
                }),
                "body_too_large",
            ),
            (
                "not JSON",
                with(&|c| {
                    c.content_type = Some("text/plain");
                    c.key = Some("short");
                }),
                "unsupported_media_type",
            ),
            (
                "a bad key",
                with(&|c| {
                    c.key = Some("short");
                    c.body = "{".into();
                }),
                "idempotency_key_invalid",
            ),
            (
                "a body over the limit without a length",
                with(&|c| {
                    c.content_length = None;
                    c.body = format!("{{\"phone\":\"{}\"}}", "1".repeat(9000));
                }),
                "body_too_large",
            ),
            ("broken JSON", with(&body("{\"phone\":")), "invalid_json"),
            (
                "a field rule before the number",
                with(&body(
                    r#"{"phone":"+3190012345","consent":false,"name":"   "}"#,
                )),
                "text_empty",
            ),
            (
                "an invalid number before consent",
                with(&body(r#"{"phone":"+3161234","consent":false}"#)),
                "invalid_phone",
            ),
            (
                "a country before consent",
                with(&body(r#"{"phone":"+4915123456789","consent":false}"#)),
                "country_not_allowed",
            ),
            (
                "a premium number before consent",
                with(&body(r#"{"phone":"+319001234567","consent":false}"#)),
                "number_type_not_allowed",
            ),
            (
                "consent before the agent",
                with(&body(
                    r#"{"phone":"+31612345678","consent":false,"agent":"nobody"}"#,
                )),
                "consent_required",
            ),
            (
                "the agent before the hours",
                with(&|c| {
                    c.body = r#"{"phone":"+31612345678","consent":true,"agent":"nobody"}"#.into();
                    c.settings = vec![("OPENING_HOURS", "sat 10:00-11:00")];
                }),
                "agent_unknown",
            ),
            (
                "closed, for a call now",
                with(&|c| c.settings = vec![("OPENING_HOURS", "sat 10:00-11:00")]),
                "closed",
            ),
            (
                "a time that is no slot",
                with(&body(
                    r#"{"phone":"+31612345678","consent":true,"at":"2025-12-15T11:07:00+01:00"}"#,
                )),
                "slot_unavailable",
            ),
            (
                "a slot in the past",
                with(&body(
                    r#"{"phone":"+31612345678","consent":true,"at":"2025-12-15T10:45:00+01:00"}"#,
                )),
                "slot_unavailable",
            ),
            ("everything right", good(), "admitted"),
            (
                "a listed slot while closed now",
                with(&|c| {
                    c.body = r#"{"phone":"+31612345678","consent":true,"at":"2025-12-20T10:15:00+01:00"}"#.into();
                    c.settings = vec![("OPENING_HOURS", "sat 10:00-11:00")];
                }),
                "admitted",
            ),
        ];
        let wrong: Vec<String> = table
            .iter()
            .filter_map(|(name, case, expected)| {
                let got = code(run(case));
                (got != *expected).then(|| format!("{name}: {got}, expected {expected}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn the_plan_carries_the_canonical_number_the_default_agent_and_the_claim() {
        let plan = run(&good()).unwrap();
        assert_eq!(plan.destination.phone.as_str(), "+31612345678");
        assert_eq!(plan.request.phone, plan.destination.phone);
        assert_eq!(plan.outbound.destination, plan.destination.phone);
        assert_eq!(plan.destination.country.as_str(), "NL");
        assert_eq!(plan.agent.as_str(), "support");
        assert_eq!(plan.when, When::Now);
        assert_eq!(plan.origin.as_deref(), Some(ORIGIN));
        let claim = plan.claim.as_ref().unwrap();
        assert_eq!(claim.key, KEY);
        // The same request written another way is the same request.
        let mut canonical = good();
        canonical.body =
            r#"{"phone":"+31612345678","consent":true,"name":"Ada","locale":"nl"}"#.into();
        assert_eq!(
            run(&canonical).unwrap().claim.unwrap().fingerprint,
            claim.fingerprint
        );
        assert!(plan.bot_check.is_none());
        assert_eq!(plan.checks_with_claim(), plan.limits.checks());
        assert!(plan.checks_after_bot_check().is_empty());
    }

    #[test]
    fn with_the_bot_check_on_the_limits_wait_for_it() {
        let mut case = good();
        case.settings = vec![("TURNSTILE_SECRET", "1x0000000000000000000000000000000AA")];
        case.body = r#"{"phone":"+31612345678","consent":true,"turnstile_token":"t"}"#.into();
        let plan = run(&case).unwrap();
        let bot_check = plan.bot_check.clone().unwrap();
        assert_eq!(
            (bot_check.token.as_deref(), bot_check.ip.as_str()),
            (Some("t"), "192.0.2.7")
        );
        assert!(plan.checks_with_claim().is_empty());
        assert_eq!(plan.checks_after_bot_check(), plan.limits.checks());
        let limited = Limited {
            key: plan.limits.checks()[0].key.clone(),
            retry_after_s: 9,
        };
        assert_eq!(
            plan.refusal(&limited),
            EdgeError::RateLimited {
                retry_after_s: 9,
                limit: LimitKind::Client
            }
        );
    }

    #[test]
    fn a_pseudo_ipv4_address_never_counts_as_a_client_of_its_own() {
        let v6 = "2001:db8:1:2::7";
        assert_eq!(client_address(Some("245.1.2.3"), Some(v6)), Some(v6));
        assert_eq!(client_address(Some("192.0.2.7"), Some(v6)), Some(v6));
        // Two pseudo addresses of one /64 are one client.
        let limits = |ip, ipv6| {
            crate::callback::CallbackLimits::new(
                &crate::config::tests::config(),
                &callme_shared::PhoneNumber::parse("+31612345678").unwrap(),
                client_address(ip, ipv6),
                None,
            )
            .checks()[0]
                .key
                .clone()
        };
        assert_eq!(
            limits(Some("241.0.0.1"), Some("2001:db8:1:2::1")),
            limits(Some("250.9.9.9"), Some("2001:db8:1:2:ffff::2"))
        );
        // Without the real address, every pseudo address shares one count.
        assert_eq!(
            limits(Some("241.0.0.1"), None),
            limits(Some("250.9.9.9"), None)
        );
        assert_ne!(
            limits(Some("239.255.0.1"), None),
            limits(Some("241.0.0.1"), None)
        );
        assert_eq!(
            client_address(Some("192.0.2.7"), Some("garbage")),
            Some("192.0.2.7")
        );
        assert_eq!(client_address(None, None), None);
    }

    #[test]
    fn one_ticket_lives_from_now_or_from_the_slot() {
        let site = site_with(&[], 60);
        let now = run(&good()).unwrap();
        let id = CallId::parse("call-outbound-abc").unwrap();
        let accepted = now.accepted(&site, HOST, id.clone(), NOW).unwrap();
        assert_eq!((accepted.status, accepted.at), (LiveStatus::Dialing, None));
        let opened = ticket::open(
            site.config.ticket_key_for(HOST).unwrap().expose(),
            &accepted.ticket,
            NOW + site.config.tickets.ttl_ms - 1,
        )
        .unwrap();
        assert_eq!(opened.call_id, id);

        let mut booking = good();
        booking.body =
            r#"{"phone":"+31612345678","consent":true,"at":"2025-12-15T12:00:00+01:00"}"#.into();
        let later = run(&booking).unwrap();
        let slot_ms = NOW + 3_600_000;
        assert_eq!(later.when, When::Slot(slot_ms));
        let accepted = later.accepted(&site, HOST, id, NOW).unwrap();
        assert_eq!(accepted.status, LiveStatus::Scheduled);
        assert_eq!(accepted.at.as_deref(), Some("2025-12-15T12:00:00+01:00"));
        let key = site
            .config
            .ticket_key_for(HOST)
            .unwrap()
            .expose()
            .to_owned();
        let ttl = site.config.tickets.ttl_ms;
        assert!(ticket::open(&key, &accepted.ticket, slot_ms + ttl - 1).is_ok());
        assert!(ticket::open(&key, &accepted.ticket, slot_ms + ttl + 1).is_err());
    }
}
