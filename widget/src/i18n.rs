//! Every word the widget shows, in English and Dutch, from one table.

use callme_shared::{ErrorCode, FieldError, LiveStatus, NormalizeError, TextError};

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// The language of a BCP 47 tag (`nl-BE` is Dutch), if supported.
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag.split(['-', '_']).next()?.to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "nl" => Some(Self::Nl),
            _ => None,
        }
    }

    /// The `lang` attribute first, then the browser's language, else English.
    pub fn pick(attribute: Option<&str>, navigator: Option<&str>) -> Self {
        attribute
            .and_then(Self::from_tag)
            .or_else(|| navigator.and_then(Self::from_tag))
            .unwrap_or(Self::En)
    }

    /// The tag for `Intl` and the `locale` field.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Nl => "nl",
        }
    }
}

/// A fixed message; each variant is named for its English text, which
/// [`texts`] holds.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Close,
    Title,
    Intro,
    Country,
    Phone,
    PhoneHint,
    Consent,
    Name,
    Note,
    Optional,
    Submit,
    Sending,
    Dialing,
    Connecting,
    Transferred,
    InCall,
    Ended,
    Failed,
    CallAgain,
    Network,
    ServerError,
    Loading,
    Retry,
    NoCalls,
    Refresh,
    Status,
    AllStatuses,
    From,
    To,
    PageSize,
    Previous,
    Next,
    Date,
    Number,
    Agent,
    Duration,
    Summary,
    StatusConnecting,
    StatusInProgress,
    StatusEnded,
    StatusFailed,
    ChartTitle,
    History,
    Unauthorized,
    Export,
    Booked,
    BookingCancelled,
    CallNow,
    PickTime,
    Time,
    BookTime,
    CancelBooking,
    NoSlots,
    Upcoming,
    // What only one element shows is left out of the other's bundle (the
    // native tests see every message). "Sent" is both's.
    #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
    NoteLabel,
    #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
    NoteSend,
    NoteSent,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    LiveCalls,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    EndCall,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    EndConfirm,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    Yes,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    No,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    SayLabel,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    Say,
    #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
    Commands,
}

/// English and Dutch for `msg`. A `match` without a wildcard: a new
/// message does not compile until it has both texts.
const fn texts(msg: Msg) -> (&'static str, &'static str) {
    match msg {
        Msg::Close => ("Close", "Sluiten"),
        Msg::Title => ("We'll call you", "Wij bellen u"),
        Msg::Intro => (
            "Leave your number and our assistant calls you within seconds.",
            "Laat uw nummer achter en onze assistent belt u binnen enkele seconden.",
        ),
        Msg::Country => ("Country", "Land"),
        Msg::Phone => ("Phone number", "Telefoonnummer"),
        Msg::PhoneHint => (
            "For example 06 12345678 or +31 6 12345678",
            "Bijvoorbeeld 06 12345678 of +31 6 12345678",
        ),
        Msg::Consent => (
            "I agree to be called by an AI assistant about my question.",
            "Ik ga ermee akkoord dat een AI-assistent mij over mijn vraag belt.",
        ),
        Msg::Name => ("Name", "Naam"),
        Msg::Note => ("What is it about?", "Waar gaat het over?"),
        Msg::Optional => ("optional", "optioneel"),
        Msg::Submit => ("Call me", "Bel mij"),
        Msg::Sending => ("Sending…", "Versturen…"),
        Msg::Dialing => ("Dialing…", "Bellen…"),
        Msg::Connecting => ("Your phone is ringing…", "Uw telefoon gaat over…"),
        Msg::Transferred => (
            "You are being transferred to a colleague…",
            "U wordt doorverbonden met een collega…",
        ),
        Msg::InCall => ("In call", "In gesprek"),
        Msg::Ended => ("Call ended", "Gesprek beëindigd"),
        Msg::Failed => (
            "The call did not go through",
            "Het gesprek kwam niet tot stand",
        ),
        Msg::CallAgain => ("Call me again", "Bel mij opnieuw"),
        Msg::Network => (
            "No connection. Check your internet and try again.",
            "Geen verbinding. Controleer uw internet en probeer het opnieuw.",
        ),
        Msg::ServerError => (
            "Something went wrong on our side. Try again in a moment.",
            "Er ging bij ons iets mis. Probeer het zo opnieuw.",
        ),
        Msg::Loading => ("Loading…", "Laden…"),
        Msg::Retry => ("Try again", "Opnieuw proberen"),
        Msg::NoCalls => (
            "No calls match these filters.",
            "Geen gesprekken gevonden met deze filters.",
        ),
        Msg::Refresh => ("Refresh", "Vernieuwen"),
        Msg::Status => ("Status", "Status"),
        Msg::AllStatuses => ("All", "Alle"),
        Msg::From => ("From", "Van"),
        Msg::To => ("To", "Tot en met"),
        Msg::PageSize => ("Per page", "Per pagina"),
        Msg::Previous => ("Previous", "Vorige"),
        Msg::Next => ("Next", "Volgende"),
        Msg::Date => ("Date", "Datum"),
        Msg::Number => ("Number", "Nummer"),
        Msg::Agent => ("Agent", "Agent"),
        Msg::Duration => ("Duration", "Duur"),
        Msg::Summary => ("Summary", "Samenvatting"),
        Msg::StatusConnecting => ("Connecting", "Verbinden"),
        Msg::StatusInProgress => ("In progress", "Bezig"),
        Msg::StatusEnded => ("Ended", "Beëindigd"),
        Msg::StatusFailed => ("Failed", "Mislukt"),
        Msg::ChartTitle => ("Calls per day", "Gesprekken per dag"),
        Msg::History => ("Call history", "Gespreksgeschiedenis"),
        Msg::Export => ("Export CSV", "CSV exporteren"),
        Msg::Booked => ("Callback booked", "Terugbelafspraak gemaakt"),
        Msg::BookingCancelled => ("Callback cancelled", "Terugbelafspraak geannuleerd"),
        Msg::CallNow => ("Call me now", "Bel mij nu"),
        Msg::PickTime => ("Pick a time", "Kies een tijdstip"),
        Msg::Time => ("Time", "Tijdstip"),
        Msg::BookTime => ("Book this time", "Boek dit tijdstip"),
        Msg::CancelBooking => ("Cancel this callback", "Annuleer deze terugbelafspraak"),
        Msg::Upcoming => ("Booked callbacks", "Geplande terugbelafspraken"),
        Msg::NoSlots => (
            "No times are free in the coming days.",
            "Er zijn de komende dagen geen tijden vrij.",
        ),
        Msg::Unauthorized => (
            "Your session has expired. Sign in again to see your calls.",
            "Uw sessie is verlopen. Log opnieuw in om uw gesprekken te zien.",
        ),
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NoteLabel => ("Type it for the agent", "Typ het voor de agent"),
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NoteSend => ("Send", "Versturen"),
        Msg::NoteSent => ("Sent", "Verstuurd"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::LiveCalls => ("Live calls", "Lopende gesprekken"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::EndCall => ("End call", "Gesprek beëindigen"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::EndConfirm => ("End this call?", "Dit gesprek beëindigen?"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Yes => ("Yes", "Ja"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::No => ("No", "Nee"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::SayLabel => ("Have the agent say", "Laat de agent zeggen"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Say => ("Say", "Zeggen"),
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Commands => ("Sent into this call", "Naar dit gesprek gestuurd"),
    }
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    let (en, nl) = texts(msg);
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

/// "We are calling +31 6 ..." with the number.
pub fn will_call(lang: Lang, number: &str) -> String {
    match lang {
        Lang::En => format!("We will call {number}"),
        Lang::Nl => format!("We bellen {number}"),
    }
}

/// "Calling +31..." once the request is accepted.
pub fn calling(lang: Lang, number: &str) -> String {
    match lang {
        Lang::En => format!("Calling {number}"),
        Lang::Nl => format!("We bellen {number}"),
    }
}

/// The line above a callback's status: which number, and for a booked
/// one when ("We will call +31... on Wed 25 Nov, 09:15.", or that we will
/// not once it is cancelled); once the booked call is placed, as a call now.
pub fn tracking_line(lang: Lang, number: &str, when: Option<&str>, state: LiveStatus) -> String {
    match (when, state, lang) {
        (Some(when), LiveStatus::Scheduled, Lang::En) => {
            format!("We will call {number} on {when}.")
        }
        (Some(when), LiveStatus::Scheduled, Lang::Nl) => format!("We bellen {number} op {when}."),
        (Some(when), LiveStatus::Cancelled, Lang::En) => {
            format!("We will not call {number} on {when}.")
        }
        (Some(when), LiveStatus::Cancelled, Lang::Nl) => {
            format!("We bellen {number} niet op {when}.")
        }
        _ => calling(lang, number),
    }
}

/// Under the times, when the visitor's zone is not the site's.
pub fn zone_note(lang: Lang, site_zone: &str) -> String {
    match lang {
        Lang::En => format!("Times are in your own time zone. We are in {site_zone}."),
        Lang::Nl => format!("Tijden staan in uw eigen tijdzone. Wij zitten in {site_zone}."),
    }
}

/// The 429 message with the wait.
pub fn rate_limited(lang: Lang, seconds: u64) -> String {
    let minutes = seconds.div_ceil(60);
    match (lang, seconds < 90) {
        (Lang::En, true) => format!("Too many requests. Try again in {seconds} seconds."),
        (Lang::En, false) => format!("Too many requests. Try again in {minutes} minutes."),
        (Lang::Nl, true) => {
            format!("Te veel verzoeken. Probeer het over {seconds} seconden opnieuw.")
        }
        (Lang::Nl, false) => {
            format!("Te veel verzoeken. Probeer het over {minutes} minuten opnieuw.")
        }
    }
}

/// The export's progress: "Exporting… 200 of 1,234".
pub fn exporting(lang: Lang, done: u32, total: u32) -> String {
    match lang {
        Lang::En => format!("Exporting… {done} of {total}"),
        Lang::Nl => format!("Exporteren… {done} van {total}"),
    }
}

/// The export is done: "Exported 1234 calls".
pub fn exported(lang: Lang, count: u32) -> String {
    match (lang, count) {
        (Lang::En, 1) => "Exported 1 call".to_owned(),
        (Lang::En, n) => format!("Exported {n} calls"),
        (Lang::Nl, 1) => "1 gesprek geëxporteerd".to_owned(),
        (Lang::Nl, n) => format!("{n} gesprekken geëxporteerd"),
    }
}

/// The form's notice while the site is closed.
pub fn closed_until(lang: Lang, when: Option<&str>) -> String {
    match (lang, when) {
        (Lang::En, Some(when)) => format!("We are closed now. We can call you from {when}."),
        (Lang::Nl, Some(when)) => {
            format!("Wij zijn nu gesloten. Wij kunnen u bellen vanaf {when}.")
        }
        (Lang::En, None) => "We are closed now.".to_owned(),
        (Lang::Nl, None) => "Wij zijn nu gesloten.".to_owned(),
    }
}

/// "1-20 of 160".
pub fn range_of(lang: Lang, first: u64, last: u64, total: u64) -> String {
    match lang {
        Lang::En => format!("{first}–{last} of {total}"),
        Lang::Nl => format!("{first}–{last} van {total}"),
    }
}

/// An operator's button for a transfer: "Transfer to sales".
pub fn transfer_to(lang: Lang, alias: &str) -> String {
    match lang {
        Lang::En => format!("Transfer to {alias}"),
        Lang::Nl => format!("Doorverbinden met {alias}"),
    }
}

/// One command sent into a call, as the portal lists it beside the call:
/// what (`kind`, the record's word), to which alias, by whom (a portal
/// token's `sub`, or `visitor` for the caller's own note) and at `clock`
/// (the reader's local time): "Transferred to sales by op-ada, 10:42".
/// Never its words: the record does not keep them.
pub fn command_line(lang: Lang, kind: &str, to: Option<&str>, by: &str, clock: &str) -> String {
    let nl = lang == Lang::Nl;
    let by = match (by, nl) {
        ("visitor", false) => "the caller",
        ("visitor", true) => "de beller",
        (by, _) => by,
    };
    // What was done, and the word before who did it.
    let (what, word) = match (kind, nl) {
        ("note", false) => ("Typed", "by"),
        ("note", true) => ("Getypt", "door"),
        ("say", false) => ("Spoken by the agent", "for"),
        ("say", true) => ("Uitgesproken door de agent", "voor"),
        ("end-call", false) => ("Ended", "by"),
        ("end-call", true) => ("Beëindigd", "door"),
        ("transfer", false) => ("Transferred", "by"),
        ("transfer", true) => ("Doorverbonden", "door"),
        // A command newer than this build: its word, as it came.
        (other, false) => (other, "by"),
        (other, true) => (other, "door"),
    };
    match (kind, to) {
        ("transfer", Some(to)) => {
            let link = if nl { "met" } else { "to" };
            format!("{what} {link} {to} {word} {by}, {clock}")
        }
        _ => format!("{what} {word} {by}, {clock}"),
    }
}

/// The visitor's words for an error code of the edge or of `shared`. The
/// `match` has no wildcard: a code added to [`ErrorCode`] does not compile
/// until it has words in both languages here.
pub fn error_text(lang: Lang, code: ErrorCode) -> &'static str {
    use ErrorCode as C;
    let (en, nl) = match code {
        C::PhoneEmpty | C::PhoneMissing => {
            ("Enter your phone number.", "Vul uw telefoonnummer in.")
        }
        C::PhoneNeedsCountry => (
            "Choose a country, or start with + and the country code.",
            "Kies een land, of begin met + en de landcode.",
        ),
        C::PhoneMissingTrunkPrefix => (
            "Start the number with 0, or with + and the country code.",
            "Begin het nummer met 0, of met + en de landcode.",
        ),
        C::PhoneTooShort => ("This number is too short.", "Dit nummer is te kort."),
        C::PhoneTooLong => ("This number is too long.", "Dit nummer is te lang."),
        C::PhoneUnknownDialingPlan | C::PhoneMissingPlus => (
            "Start the number with + and the country code.",
            "Begin het nummer met + en de landcode.",
        ),
        C::PhoneNoDigits => ("Type the number after the +.", "Typ het nummer na de +."),
        C::PhoneLeadingZero => (
            "A country code never starts with 0.",
            "Een landcode begint nooit met 0.",
        ),
        C::PhoneExtraZero => (
            "After the country code the number cannot start with 0.",
            "Na de landcode begint het nummer niet met 0.",
        ),
        C::PhoneInvalidCharacter
        | C::PhoneNonAsciiDigit
        | C::PhoneMisplacedPlus
        | C::PhoneContainsWhitespace => (
            "Use digits only, like 06 12345678.",
            "Gebruik alleen cijfers, zoals 06 12345678.",
        ),
        C::InvalidPhone => (
            "This phone number does not exist. Check the number and the country.",
            "Dit telefoonnummer bestaat niet. Controleer het nummer en het land.",
        ),
        C::CountryNotAllowed => (
            "We cannot call numbers in this country.",
            "Wij kunnen geen nummers in dit land bellen.",
        ),
        C::NumberTypeNotAllowed => (
            "We can only call mobile and landline numbers.",
            "Wij kunnen alleen mobiele en vaste nummers bellen.",
        ),
        C::ConsentRequired => (
            "Tick the box to agree to be called.",
            "Vink het vakje aan om akkoord te gaan.",
        ),
        C::BotCheckMissing => (
            "Complete the security check first.",
            "Voltooi eerst de beveiligingscontrole.",
        ),
        C::BotCheckFailed | C::TurnstileTokenMalformed => (
            "The security check failed. Reload the page and try again.",
            "De beveiligingscontrole is mislukt. Herlaad de pagina en probeer het opnieuw.",
        ),
        C::OriginNotAllowed | C::OriginRequired => (
            "This website may not use this call service.",
            "Deze website mag deze belservice niet gebruiken.",
        ),
        C::TextTooLong => ("This text is too long.", "Deze tekst is te lang."),
        C::TextEmpty => ("This field is empty.", "Dit veld is leeg."),
        C::TextControlCharacter | C::TextBidiOverride => (
            "This text contains characters that are not allowed.",
            "Deze tekst bevat tekens die niet zijn toegestaan.",
        ),
        C::TextInvisibleCharacter => (
            "This text contains an invisible character. Type it again without copying.",
            "Deze tekst bevat een onzichtbaar teken. Typ hem opnieuw zonder te kopiëren.",
        ),
        C::UpstreamRejected => (
            "This number cannot be called. Check it and try again.",
            "Dit nummer kan niet worden gebeld. Controleer het en probeer het opnieuw.",
        ),
        C::UpstreamTimeout
        | C::UpstreamError
        | C::UpstreamRefused
        | C::UpstreamMalformed
        | C::UpstreamUnreachable => (
            "Our phone service did not answer. Try again in a moment.",
            "Onze telefoondienst reageerde niet. Probeer het zo opnieuw.",
        ),
        C::SlotUnavailable | C::SlotFull => (
            "This time can no longer be booked. Pick another.",
            "Dit tijdstip kan niet meer worden geboekt. Kies een ander.",
        ),
        C::NotCancellable => (
            "This callback can no longer be cancelled.",
            "Deze terugbelafspraak kan niet meer worden geannuleerd.",
        ),
        C::CallNotLive => (
            "The call is not going on right now.",
            "Het gesprek is nu niet bezig.",
        ),
        C::TransferTargetUnknown | C::ControlUnknown => (
            "This call button is not set up correctly. Please tell the website.",
            "Deze belknop is niet goed ingesteld. Laat het de website weten.",
        ),
        C::Closed => (
            "We are closed now. Ask again when we are open.",
            "Wij zijn nu gesloten. Vraag het opnieuw als wij open zijn.",
        ),
        C::Unavailable | C::Busy | C::RateLimited | C::IdempotencyInProgress => (
            "We are busy right now. Try again in a moment.",
            "Het is nu erg druk. Probeer het zo opnieuw.",
        ),
        // What a visitor cannot change: the site's setup or the widget's
        // own request. The site owner's log says which.
        C::AgentUnknown
        | C::AgentEmpty
        | C::AgentTooLong
        | C::AgentNotStartingWithLetter
        | C::AgentInvalidCharacter
        | C::LocaleMalformed
        | C::Misconfigured => (
            "This call button is not set up correctly. Please tell the website.",
            "Deze belknop is niet goed ingesteld. Laat het de website weten.",
        ),
        C::IdempotencyKeyInvalid
        | C::IdempotencyConflict
        | C::InvalidJson
        | C::BodyTooLarge
        | C::UnsupportedMediaType
        | C::NotFound
        | C::MethodNotAllowed
        | C::WebhookSignature
        | C::Internal => (
            "Something went wrong. Reload the page and try again.",
            "Er ging iets mis. Herlaad de pagina en probeer het opnieuw.",
        ),
        C::TicketMissing | C::TicketInvalid | C::CallNotFound => (
            "This call can no longer be followed here.",
            "Dit gesprek is hier niet meer te volgen.",
        ),
        C::TokenMissing
        | C::TokenNotAccepted
        | C::TokenMalformed
        | C::TokenWrongAlgorithm
        | C::TokenBadSignature
        | C::TokenExpired
        | C::TokenNotYetValid
        | C::TokenMissingScope
        | C::TokenScope
        | C::TokenBadClaim
        | C::TokenLifetimeTooLong
        | C::TokenWrongAudience
        | C::TokenWrongIssuer => return t(lang, Msg::Unauthorized),
        C::StartAfterEnd => (
            "The start date is after the end date.",
            "De begindatum ligt na de einddatum.",
        ),
        C::LimitNotANumber
        | C::LimitOutOfRange
        | C::OffsetNotANumber
        | C::StatusUnknown
        | C::StartDateInvalid
        | C::EndDateInvalid
        | C::UnknownParameter
        | C::RepeatedParameter
        | C::CallIdEmpty
        | C::CallIdTooLong
        | C::CallIdInvalidCharacter
        | C::CountryInvalid
        | C::AgentIdNotUuid
        | C::AgentIdNotHex
        | C::TimestampMalformed
        | C::TimestampNoSuchDate
        | C::TimestampNoSuchTime => ("Check what you entered.", "Controleer wat u hebt ingevuld."),
    };
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

/// The visitor's words for a number `normalize` refused, with the details
/// the error carries (trunk prefix, calling code, digits). The widget never
/// shows the shared crate's own (English) messages: it needs both languages,
/// and leaving their `Display` code out keeps the bundle smaller.
pub fn normalize_text(lang: Lang, error: &NormalizeError) -> String {
    let nl = lang == Lang::Nl;
    match error {
        NormalizeError::ExtraZero { calling_code } => {
            if nl {
                format!("Na +{calling_code} begint het nummer niet met 0. Controleer het nummer.")
            } else {
                format!("After +{calling_code} the number cannot start with 0. Check the number.")
            }
        }
        NormalizeError::MissingTrunkPrefix {
            trunk_prefix,
            calling_code,
        } => {
            if nl {
                format!("Begin het nummer met {trunk_prefix}, of met +{calling_code}.")
            } else {
                format!("Start the number with {trunk_prefix}, or with +{calling_code}.")
            }
        }
        NormalizeError::TooShort {
            calling_code,
            min_digits,
            ..
        } => {
            if nl {
                format!(
                    "Dit nummer is te kort: na +{calling_code} volgen minstens {min_digits} cijfers."
                )
            } else {
                format!(
                    "This number is too short: +{calling_code} is followed by at least {min_digits} digits."
                )
            }
        }
        NormalizeError::TooLong {
            calling_code,
            max_digits,
            ..
        } => {
            if nl {
                format!(
                    "Dit nummer is te lang: na +{calling_code} volgen hoogstens {max_digits} cijfers."
                )
            } else {
                format!(
                    "This number is too long: +{calling_code} is followed by at most {max_digits} digits."
                )
            }
        }
        other => error_text(lang, other.code()).to_owned(),
    }
}

/// The visitor's words for a name or note the shared rules refused.
pub fn text_error_text(lang: Lang, error: &TextError) -> String {
    match (error, lang) {
        (TextError::TooLong { max, .. }, Lang::En) => {
            format!("This text is too long: at most {max} characters.")
        }
        (TextError::TooLong { max, .. }, Lang::Nl) => {
            format!("Deze tekst is te lang: hoogstens {max} tekens.")
        }
        (other, _) => error_text(lang, other.code()).to_owned(),
    }
}

/// A duration as `m:ss` (or `h:mm:ss`), the same in both languages.
pub fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callme_shared::{CountryCode, VisitorNote, normalize};

    #[test]
    fn a_booked_callback_says_when_and_no_longer_once_cancelled() {
        let when = Some("Wed 25 Nov, 09:15");
        for (lang, when, state, line) in [
            (
                Lang::En,
                when,
                LiveStatus::Scheduled,
                "We will call +31612345678 on Wed 25 Nov, 09:15.",
            ),
            (
                Lang::Nl,
                when,
                LiveStatus::Cancelled,
                "We bellen +31612345678 niet op Wed 25 Nov, 09:15.",
            ),
            (
                Lang::En,
                when,
                LiveStatus::Cancelled,
                "We will not call +31612345678 on Wed 25 Nov, 09:15.",
            ),
            // Placed at its slot, it reads as any call.
            (
                Lang::En,
                when,
                LiveStatus::InProgress,
                "Calling +31612345678",
            ),
            (Lang::En, None, LiveStatus::Dialing, "Calling +31612345678"),
            (Lang::Nl, None, LiveStatus::Ended, "We bellen +31612345678"),
        ] {
            assert_eq!(tracking_line(lang, "+31612345678", when, state), line);
        }
    }

    #[test]
    fn every_command_reads_as_a_line_in_both_languages() {
        for (lang, kind, to, by, line) in [
            (
                Lang::En,
                "transfer",
                Some("sales"),
                "op-ada",
                "Transferred to sales by op-ada, 10:42",
            ),
            (
                Lang::Nl,
                "transfer",
                Some("sales"),
                "op-ada",
                "Doorverbonden met sales door op-ada, 10:42",
            ),
            (
                Lang::En,
                "end-call",
                None,
                "op-ada",
                "Ended by op-ada, 10:42",
            ),
            (
                Lang::Nl,
                "end-call",
                None,
                "op-ada",
                "Beëindigd door op-ada, 10:42",
            ),
            (
                Lang::En,
                "say",
                None,
                "op-ada",
                "Spoken by the agent for op-ada, 10:42",
            ),
            (
                Lang::En,
                "note",
                None,
                "visitor",
                "Typed by the caller, 10:42",
            ),
            (
                Lang::Nl,
                "note",
                None,
                "visitor",
                "Getypt door de beller, 10:42",
            ),
            (Lang::En, "mute", None, "op-bo", "mute by op-bo, 10:42"),
        ] {
            assert_eq!(command_line(lang, kind, to, by, "10:42"), line);
        }
        assert_eq!(transfer_to(Lang::Nl, "sales"), "Doorverbinden met sales");
    }

    #[test]
    fn every_message_has_both_languages() {
        // Every variant (the compiler checks `texts` covers them all).
        for msg in [
            Msg::Close,
            Msg::Title,
            Msg::Intro,
            Msg::Country,
            Msg::Phone,
            Msg::PhoneHint,
            Msg::Consent,
            Msg::Name,
            Msg::Note,
            Msg::Optional,
            Msg::Submit,
            Msg::Sending,
            Msg::Dialing,
            Msg::Connecting,
            Msg::Transferred,
            Msg::InCall,
            Msg::Ended,
            Msg::Failed,
            Msg::CallAgain,
            Msg::Network,
            Msg::ServerError,
            Msg::Loading,
            Msg::Retry,
            Msg::NoCalls,
            Msg::Refresh,
            Msg::Status,
            Msg::AllStatuses,
            Msg::From,
            Msg::To,
            Msg::PageSize,
            Msg::Previous,
            Msg::Next,
            Msg::Date,
            Msg::Number,
            Msg::Agent,
            Msg::Duration,
            Msg::Summary,
            Msg::StatusConnecting,
            Msg::StatusInProgress,
            Msg::StatusEnded,
            Msg::StatusFailed,
            Msg::ChartTitle,
            Msg::History,
            Msg::Unauthorized,
            Msg::Export,
            Msg::Booked,
            Msg::BookingCancelled,
            Msg::CallNow,
            Msg::PickTime,
            Msg::Time,
            Msg::BookTime,
            Msg::CancelBooking,
            Msg::NoSlots,
            Msg::Upcoming,
            Msg::NoteLabel,
            Msg::NoteSend,
            Msg::NoteSent,
            Msg::LiveCalls,
            Msg::EndCall,
            Msg::EndConfirm,
            Msg::Yes,
            Msg::No,
            Msg::SayLabel,
            Msg::Say,
            Msg::Commands,
        ] {
            let (en, nl) = texts(msg);
            assert!(!en.trim().is_empty() && !nl.trim().is_empty(), "{msg:?}");
        }
    }

    #[test]
    fn the_attribute_wins_over_the_browser() {
        assert_eq!(Lang::pick(Some("nl"), Some("en-US")), Lang::Nl);
        assert_eq!(Lang::pick(None, Some("nl-BE")), Lang::Nl);
        assert_eq!(Lang::pick(Some("fr"), Some("de")), Lang::En);
        assert_eq!(t(Lang::Nl, Msg::Submit), "Bel mij");
    }

    #[test]
    fn the_wait_is_said_in_seconds_or_minutes() {
        assert_eq!(
            rate_limited(Lang::En, 30),
            "Too many requests. Try again in 30 seconds."
        );
        assert_eq!(
            rate_limited(Lang::Nl, 3_599),
            "Te veel verzoeken. Probeer het over 60 minuten opnieuw."
        );
    }

    #[test]
    fn durations_are_minutes_and_seconds() {
        assert_eq!(duration(0), "0:00");
        assert_eq!(duration(84), "1:24");
        assert_eq!(duration(3_725), "1:02:05");
    }

    /// One typed number for every way `normalize` can refuse one.
    fn refused_numbers() -> Vec<(&'static str, Option<&'static str>)> {
        vec![
            ("", Some("NL")),
            ("06 1234 567a", Some("NL")),
            ("０６１２３４５６７８", Some("NL")),
            ("06+12345678", Some("NL")),
            ("0612345678", None),
            ("0612345678", Some("JP")),
            ("612345678", Some("NL")),
            ("06 123", Some("NL")),
            ("06 1234 5678 9", Some("NL")),
            ("+", None),
            ("+0612345678", None),
            ("+1234567890123456", None),
            ("+32 00 470 12 34 56", None),
        ]
    }

    #[test]
    fn every_refused_number_is_explained_in_both_languages() {
        let mut codes = Vec::new();
        for (typed, country) in refused_numbers() {
            let country = country.map(|c| CountryCode::parse(c).unwrap());
            let error = normalize(typed, country).unwrap_err();
            codes.push(error.code().as_str());
            for lang in [Lang::En, Lang::Nl] {
                let text = normalize_text(lang, &error);
                assert_ne!(
                    text,
                    error_text(lang, ErrorCode::Internal),
                    "{typed:?}: {error:?}"
                );
                assert!(!text.is_empty());
            }
        }
        codes.sort_unstable();
        codes.dedup();
        // `+` alone reads as empty, and both "too long"s share a code.
        assert_eq!(
            codes,
            [
                "phone_empty",
                "phone_extra_zero",
                "phone_invalid_character",
                "phone_leading_zero",
                "phone_misplaced_plus",
                "phone_missing_trunk_prefix",
                "phone_needs_country",
                "phone_non_ascii_digit",
                "phone_too_long",
                "phone_too_short",
                "phone_unknown_dialing_plan",
            ]
        );
        let short = normalize("06 123", CountryCode::parse("NL").ok()).unwrap_err();
        assert_eq!(
            normalize_text(Lang::Nl, &short),
            "Dit nummer is te kort: na +31 volgen minstens 9 cijfers."
        );
        let trunk = normalize("612345678", CountryCode::parse("NL").ok()).unwrap_err();
        assert_eq!(
            normalize_text(Lang::En, &trunk),
            "Start the number with 0, or with +31."
        );
    }

    #[test]
    fn a_refused_note_says_the_limit() {
        let error = VisitorNote::parse(&"x".repeat(501)).unwrap_err();
        assert_eq!(
            text_error_text(Lang::En, &error),
            "This text is too long: at most 500 characters."
        );
        let error = VisitorNote::parse("a\u{202E}b").unwrap_err();
        assert_eq!(
            text_error_text(Lang::Nl, &error),
            "Deze tekst bevat tekens die niet zijn toegestaan."
        );
    }

    #[test]
    fn every_code_has_words_of_its_own_language() {
        // Both languages exist by construction (the `match`); here: no
        // empty text, and the two are not the same words.
        for code in ErrorCode::ALL {
            let (en, nl) = (error_text(Lang::En, *code), error_text(Lang::Nl, *code));
            assert!(!en.is_empty() && !nl.is_empty(), "{code}");
            assert_ne!(en, nl, "{code}");
        }
    }
}
