//! `ErrorCode`: the one vocabulary of error codes. The edge answers with
//! these, the shared rules fail with these, and the widget translates them
//! with exhaustive `match`es, so a code added here without words in every
//! language does not compile.
//!
//! The wire form is the snake_case name in the table below; it never
//! changes once shipped. An edge newer than a widget may send a code the
//! widget does not know: [`ErrorCode::from_wire`] then answers `None` and
//! the widget shows the edge's English message.

/// Declares the enum and its wire names from one table, so a name can
/// never drift from its variant.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// A stable, machine-readable error code (see the module docs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];
            /// Wire names, indexed by the variant's position. One table
            /// (not a `match` per direction) keeps the widget small.
            const NAMES: &'static [&'static str] = &[$($wire,)*];
        }
    };
}

error_codes! {
    // The visitor's number (shared rules and the edge's policy).
    /// No number at all (an empty field).
    PhoneEmpty = "phone_empty",
    /// The request has no `phone`.
    PhoneMissing = "phone_missing",
    /// An E.164 number without its `+`.
    PhoneMissingPlus = "phone_missing_plus",
    /// Whitespace inside an E.164 number.
    PhoneContainsWhitespace = "phone_contains_whitespace",
    /// A digit from another script (Arabic-Indic, full-width, ...).
    PhoneNonAsciiDigit = "phone_non_ascii_digit",
    /// A character that is not a digit or a separator.
    PhoneInvalidCharacter = "phone_invalid_character",
    /// A `+` somewhere other than at the start.
    PhoneMisplacedPlus = "phone_misplaced_plus",
    /// Only a `+`.
    PhoneNoDigits = "phone_no_digits",
    /// A calling code starting with 0.
    PhoneLeadingZero = "phone_leading_zero",
    /// Too few digits for its country.
    PhoneTooShort = "phone_too_short",
    /// Too many digits for its country (or for E.164).
    PhoneTooLong = "phone_too_long",
    /// A national number without a country to read it in.
    PhoneNeedsCountry = "phone_needs_country",
    /// A `+` number whose calling code no plan knows.
    PhoneUnknownDialingPlan = "phone_unknown_dialing_plan",
    /// A trunk 0 kept after the calling code (`+31 06...`).
    PhoneExtraZero = "phone_extra_zero",
    /// A premium-rate service's number (the widget's plan can tell).
    PhonePremiumRate = "phone_premium_rate",
    /// A shared-cost service's number.
    PhoneSharedCost = "phone_shared_cost",
    /// A national number without its trunk prefix.
    PhoneMissingTrunkPrefix = "phone_missing_trunk_prefix",
    /// A number that does not exist (libphonenumber's ranges).
    InvalidPhone = "invalid_phone",
    /// A number in a country the site does not call.
    CountryNotAllowed = "country_not_allowed",
    /// A premium, shared-cost or other kind the site does not call.
    NumberTypeNotAllowed = "number_type_not_allowed",

    // The visitor's name and note.
    /// Empty where text is required.
    TextEmpty = "text_empty",
    /// Longer than its field allows.
    TextTooLong = "text_too_long",
    /// A control character.
    TextControlCharacter = "text_control_character",
    /// A bidirectional override (text that reads differently than it is).
    TextBidiOverride = "text_bidi_override",
    /// A zero-width or other invisible character.
    TextInvisibleCharacter = "text_invisible_character",

    // The rest of a callback request.
    /// The consent box was not ticked.
    ConsentRequired = "consent_required",
    /// An agent alias the site does not have.
    AgentUnknown = "agent_unknown",
    /// An agent alias that is empty.
    AgentEmpty = "agent_empty",
    /// An agent alias that is too long.
    AgentTooLong = "agent_too_long",
    /// An agent alias not starting with a letter.
    AgentNotStartingWithLetter = "agent_not_starting_with_letter",
    /// An agent alias with a character outside `[a-z0-9_-]`.
    AgentInvalidCharacter = "agent_invalid_character",
    /// A locale that is not a BCP 47 tag.
    LocaleMalformed = "locale_malformed",
    /// A Turnstile token of impossible length or characters.
    TurnstileTokenMalformed = "turnstile_token_malformed",
    /// The widget's own: the bot check has not been solved yet (never sent
    /// by the edge, which says `bot_check_failed`).
    BotCheckMissing = "bot_check_missing",
    /// Turnstile refused the token.
    BotCheckFailed = "bot_check_failed",
    /// An `Idempotency-Key` of impossible length or characters.
    IdempotencyKeyInvalid = "idempotency_key_invalid",
    /// The same key is still being processed.
    IdempotencyInProgress = "idempotency_in_progress",
    /// The same key with a different body.
    IdempotencyConflict = "idempotency_conflict",

    // History queries (portal).
    /// `limit` is not a number.
    LimitNotANumber = "limit_not_a_number",
    /// `limit` is outside 1..=max.
    LimitOutOfRange = "limit_out_of_range",
    /// `offset` is not a number.
    OffsetNotANumber = "offset_not_a_number",
    /// `status` is not a call status.
    StatusUnknown = "status_unknown",
    /// `start_date` is not a date.
    StartDateInvalid = "start_date_invalid",
    /// `end_date` is not a date.
    EndDateInvalid = "end_date_invalid",
    /// `start_date` after `end_date`.
    StartAfterEnd = "start_after_end",
    /// A parameter the endpoint does not take.
    UnknownParameter = "unknown_parameter",
    /// A parameter given twice.
    RepeatedParameter = "repeated_parameter",
    /// `tz` is not a time zone (misspelled, or unknown to the runtime).
    TimeZoneUnknown = "time_zone_unknown",

    // Values read from the platform or a query.
    /// An empty call id.
    CallIdEmpty = "call_id_empty",
    /// A call id that is too long.
    CallIdTooLong = "call_id_too_long",
    /// A call id with a character outside its alphabet.
    CallIdInvalidCharacter = "call_id_invalid_character",
    /// A country that is not two letters.
    CountryInvalid = "country_invalid",
    /// An agent id not shaped like a UUID.
    AgentIdNotUuid = "agent_id_not_uuid",
    /// An agent id with a character that is not hex.
    AgentIdNotHex = "agent_id_not_hex",
    /// A time that is not RFC 3339.
    TimestampMalformed = "timestamp_malformed",
    /// A date that does not exist (February 30th).
    TimestampNoSuchDate = "timestamp_no_such_date",
    /// A time that does not exist (25:00).
    TimestampNoSuchTime = "timestamp_no_such_time",

    // Who may ask.
    /// A portal request without a token.
    TokenMissing = "token_missing",
    /// The edge takes no portal tokens (no `PORTAL_TOKEN_SECRET`).
    TokenNotAccepted = "token_not_accepted",
    /// A portal token that is not three base64url parts of JSON.
    TokenMalformed = "token_malformed",
    /// A portal token signed with anything but HS256.
    TokenWrongAlgorithm = "token_wrong_algorithm",
    /// A portal token whose signature does not match.
    TokenBadSignature = "token_bad_signature",
    /// A portal token past its `exp`.
    TokenExpired = "token_expired",
    /// A portal token before its `nbf` or `iat`.
    TokenNotYetValid = "token_not_yet_valid",
    /// A portal token without the `calls:read` scope.
    TokenMissingScope = "token_missing_scope",
    /// A portal token with a claim of the wrong type or shape.
    TokenBadClaim = "token_bad_claim",
    /// A portal token valid for longer than the edge allows.
    TokenLifetimeTooLong = "token_lifetime_too_long",
    /// A portal token for another audience.
    TokenWrongAudience = "token_wrong_audience",
    /// A portal token from another issuer.
    TokenWrongIssuer = "token_wrong_issuer",
    /// A status request without a ticket.
    TicketMissing = "ticket_missing",
    /// A ticket that is expired or forged.
    TicketInvalid = "ticket_invalid",
    /// A browser on a site not in `ALLOWED_ORIGINS`.
    OriginNotAllowed = "origin_not_allowed",
    /// A request without the `Origin` a browser sends.
    OriginRequired = "origin_required",
    /// Too many requests.
    RateLimited = "rate_limited",

    // The request as HTTP.
    /// A body that is not the endpoint's JSON.
    InvalidJson = "invalid_json",
    /// A body over the size limit.
    BodyTooLarge = "body_too_large",
    /// A body that is not `application/json`.
    UnsupportedMediaType = "unsupported_media_type",
    /// No such route.
    NotFound = "not_found",
    /// A route that does not take this method.
    MethodNotAllowed = "method_not_allowed",
    /// A ticket whose call the platform never listed.
    CallNotFound = "call_not_found",

    // Opening hours and booked callbacks.
    /// A callback now while the site is closed (the body says `next_open`).
    Closed = "closed",
    /// `at` is not a bookable slot (not listed by `GET /api/slots`).
    SlotUnavailable = "slot_unavailable",
    /// The slot was booked full meanwhile.
    SlotFull = "slot_full",
    /// The callback cannot be cancelled (already placed, or not booked).
    NotCancellable = "not_cancellable",

    // The platform and the edge itself.
    /// The platform refused the number or agent.
    UpstreamRejected = "upstream_rejected",
    /// The platform answered with an error.
    UpstreamError = "upstream_error",
    /// The platform said `success: false`.
    UpstreamRefused = "upstream_refused",
    /// The platform's answer could not be read.
    UpstreamMalformed = "upstream_malformed",
    /// The platform could not be reached.
    UpstreamUnreachable = "upstream_unreachable",
    /// The platform did not answer in time.
    UpstreamTimeout = "upstream_timeout",
    /// A Durable Object is unavailable, or the platform has no credits.
    Unavailable = "unavailable",
    /// The platform key's budget is spent for now (`Retry-After` says when).
    Busy = "busy",
    /// A platform event whose signature does not hold.
    WebhookSignature = "webhook_signature",
    /// A portal token without the scope an endpoint needs.
    TokenScope = "token_scope",
    /// A command for a call that is not in progress.
    CallNotLive = "call_not_live",
    /// A transfer to an alias `TRANSFER_TARGETS` does not name.
    TransferTargetUnknown = "transfer_target_unknown",
    /// A control command of a type the edge does not know.
    ControlUnknown = "control_unknown",
    /// The edge's configuration is unusable.
    Misconfigured = "misconfigured",
    /// Anything else.
    Internal = "internal",
}

impl ErrorCode {
    /// The wire name, e.g. `phone_missing_plus`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The code for a wire name; `None` for a name this build does not know.
    pub fn from_wire(name: &str) -> Option<Self> {
        let index = Self::NAMES.iter().position(|known| *known == name)?;
        Self::ALL.get(index).copied()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_from_its_wire_name() {
        assert_eq!(ErrorCode::ALL.len(), ErrorCode::NAMES.len());
        for (index, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(*code as usize, index, "ALL is in declaration order");
            assert_eq!(ErrorCode::from_wire(code.as_str()), Some(*code));
        }
        assert_eq!(ErrorCode::from_wire("something_new"), None);
        assert_eq!(ErrorCode::from_wire(""), None);
    }

    #[test]
    fn wire_names_are_unique_snake_case() {
        let mut names = ErrorCode::NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len(), "a name is used twice");
        for name in names {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    && !name.starts_with('_')
                    && !name.ends_with('_'),
                "{name}"
            );
        }
    }
}
