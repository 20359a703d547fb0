//! Every word the widget shows, in six languages, from one table per
//! language: English (`en` below) is compiled into every bundle, the
//! fallback; Dutch, German, French, Spanish and Italian (`i18n/*.rs`) are
//! compiled only natively, where `cargo xtask build` writes each into its
//! own small file (`www/pkg/words-<tag>.txt`, see [`words_file`]). The
//! loader fetches the visitor's file beside the wasm and hands it to the
//! mount, which installs it ([`Lang::install`]): a visitor downloads only
//! their own language's words. Each table is a `match` without a wildcard,
//! so a message without words in one language does not compile (natively,
//! which the build needs to write the files; the `tables` feature
//! compiles them into the wasm too, for its browser tests).
//!
//! A text is plain, or a template with named placeholders (`{number}`),
//! or plural forms keyed by `Intl.PluralRules` categories
//! (`one={count} call|other={count} calls`).

use callme_shared::{ErrorCode, FieldError, TextError};
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
use callme_shared::{LiveStatus, NormalizeError};

#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
mod de;
#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
mod es;
#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
mod fr;
#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
mod it;
#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
mod nl;

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
    /// German.
    De,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Italian.
    It,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Self; 6] = [Self::En, Self::Nl, Self::De, Self::Fr, Self::Es, Self::It];

    /// The language of a BCP 47 tag (`nl-BE` is Dutch), if supported.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let language = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|lang| lang.tag() == language)
    }

    /// The `lang` attribute first, then the browser's language, else
    /// English. The loader picks the same way (`cargo xtask build` gives
    /// it [`Lang::ALL`]).
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
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::It => "it",
        }
    }

    /// Takes this language's words from its file (as [`words_file`] wrote
    /// it), once per page; whether they are there now. A file of another
    /// language or of another build (a stale cache) is refused: the
    /// widget then speaks English.
    pub fn install(self, file: &str) -> bool {
        if self == Self::En || LOADED.with(|loaded| loaded[self as usize].get().is_some()) {
            return true;
        }
        let mut lines = file.lines();
        if lines.next() != Some(self.tag()) {
            return false;
        }
        let texts: Vec<&str> = lines.collect();
        if texts.len() != FILE_LINES {
            return false;
        }
        // Kept for the page's life, like the English compiled in.
        let file: &'static str = Box::leak(file.to_owned().into_boxed_str());
        let texts: &'static [&'static str] = Box::leak(file.lines().skip(1).collect());
        LOADED.with(|loaded| loaded[self as usize].set(Some(texts)));
        true
    }
}

thread_local! {
    /// The words installed from their files, by language.
    static LOADED: [std::cell::Cell<Option<&'static [&'static str]>>; 6] = const {
        [const { std::cell::Cell::new(None) }; 6]
    };
}

/// The installed words of `lang` (natively: its table, through its file,
/// so every native test reads what a browser reads).
fn words(lang: Lang) -> Option<&'static [&'static str]> {
    let installed = LOADED.with(|loaded| loaded[lang as usize].get());
    #[cfg(not(target_arch = "wasm32"))]
    if installed.is_none() && lang != Lang::En {
        let file = words_file(lang);
        assert!(lang.install(&file), "{lang:?}'s file does not read back");
        return words(lang);
    }
    installed
}

/// The locale dates and times are formatted in for a widget speaking
/// `lang_tag`: the first of the browser's `preferred` languages that is
/// the same language, so an en-GB visitor gets day-first dates and 24-hour
/// times in English and a de-CH one Swiss German formats; else the
/// language alone.
pub fn visitors_locale<'a>(lang_tag: &'a str, preferred: &'a [String]) -> &'a str {
    preferred
        .iter()
        .find(|tag| {
            tag.split(['-', '_'])
                .next()
                .is_some_and(|language| language.eq_ignore_ascii_case(lang_tag))
        })
        .map_or(lang_tag, String::as_str)
}

/// Declares [`Msg`] in its four groups, numbered densely in this order, so
/// a message's number is the same in every bundle and in the files: the
/// messages of both bundles, those of the button only, of the history only
/// (each left out of the other's wasm), and the loader's own, which are
/// in no wasm and no file (`cargo xtask build` writes them into the
/// loader).
macro_rules! messages {
    (
        both { $($both:ident,)* }
        button { $button0:ident, $($button:ident,)* }
        history { $history0:ident, $($history:ident,)* }
        loader { $loader0:ident, $($loader:ident,)* }
    ) => {
        const BOTH: isize = [$(stringify!($both)),*].len() as isize;
        const BUTTON: isize = 1 + [$(stringify!($button)),*].len() as isize;
        const HISTORY: isize = 1 + [$(stringify!($history)),*].len() as isize;
        /// How many texts a words file holds: every message but the
        /// loader's.
        pub const FILE_LINES: usize = (BOTH + BUTTON + HISTORY) as usize;

        /// A message; each variant is named for its English text, which
        /// [`en`] holds.
        #[allow(missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg {
            $($both,)*
            #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
            $button0 = BOTH,
            $(#[cfg(any(feature = "button", not(target_arch = "wasm32")))] $button,)*
            #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
            $history0 = BOTH + BUTTON,
            $(#[cfg(any(feature = "history", not(target_arch = "wasm32")))] $history,)*
            #[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
            $loader0 = BOTH + BUTTON + HISTORY,
            $(#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))] $loader,)*
        }

        impl Msg {
            /// Every message, in number order.
            #[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
            pub const ALL: &[Msg] = &[
                $(Msg::$both,)* Msg::$button0, $(Msg::$button,)*
                Msg::$history0, $(Msg::$history,)* Msg::$loader0, $(Msg::$loader,)*
            ];
        }
    };
}

messages! {
    both {
        Close, Title, Intro, Country, Phone, PhoneHint, Consent, Name, Note, Optional, Submit,
        Sending, Dialing, Connecting, Transferred, InCall, Ended, Failed, CallAgain, Network,
        ServerError, Loading, Retry, NoCalls, Refresh, Status, AllStatuses, From, To, PageSize,
        Previous, Next, Date, Number, Agent, Duration, Summary, StatusConnecting,
        StatusInProgress, StatusEnded, StatusFailed, StatusTransferred, ChartTitle, History,
        Unauthorized, Export, Booked, BookingCancelled, CallNow, PickTime, Time, BookTime,
        CancelBooking, NoSlots, Upcoming, NoteSent,
        // Why a call failed, from the platform's word for it.
        ReasonNoAnswer, ReasonBusy, ReasonVoicemail, ReasonDeclined, ReasonNetwork,
        ReasonUnreachable, ReasonService,
        // Templates and plural forms.
        RetrySeconds, RetryMinutes, TextTooLongMax,
        // The words for error codes (see `error_text`).
        ErrPhoneEmpty, ErrNeedsCountry, ErrTrunkPrefix, ErrTooShort, ErrTooLong, ErrNeedsPlus,
        ErrNoDigits, ErrLeadingZero, ErrExtraZero, ErrDigitsOnly, ErrInvalidPhone, ErrCountry,
        ErrNumberType, ErrPremiumRate, ErrSharedCost, ErrConsent, ErrBotMissing, ErrBotFailed, ErrOrigin, ErrTextLong,
        ErrTextEmpty, ErrTextCharacters, ErrTextInvisible, ErrUpstreamRejected, ErrUpstream,
        ErrSlot, ErrNotCancellable, ErrNotLive, ErrSetup, ErrClosed, ErrBusy, ErrReload,
        ErrNotFollowed, ErrStartAfterEnd, ErrCheckInput,
    }
    button {
        NoteLabel, NoteSend, WillCall, Calling, CallingOn, NotCallingOn, ZoneNote, ClosedUntil,
        ClosedNow, NumberExtraZero, NumberTrunkPrefix, NumberTooShort, NumberTooLong,
        // The slot picker: a day, then a time grouped by part of the day.
        Day, Night, Morning, Afternoon, Evening,
        // Cancelling a booking asks first; a cancelled one offers another.
        CancelConfirm, CancelYes, KeepBooking, BookAgain,
    }
    history {
        LiveCalls, EndCall, EndConfirm, Yes, No, SayLabel, Say, Commands, Exporting, Exported,
        RangeOf, TransferTo, DidNote, DidSay, DidEnd, DidTransfer, DidTransferTo, DidOther,
        TheCaller,
        // The chart: its y axis, the third outcome, the sentence over it.
        ChartCalls, ChartOther, ChartSum,
    }
    loader {
        Launcher, Broken, Reload, Offline,
    }
}

/// The English text of `msg`.
const fn en(msg: Msg) -> &'static str {
    match msg {
        Msg::Close => "Close",
        Msg::Title => "Request a call",
        Msg::Intro => "Leave your number and our assistant calls you within seconds.",
        Msg::Country => "Country",
        Msg::Phone => "Phone number",
        Msg::PhoneHint => "e.g. 06 12345678",
        Msg::Consent => "I agree to be called by an AI assistant about my question.",
        Msg::Name => "Name",
        Msg::Note => "What is it about?",
        Msg::Optional => "optional",
        Msg::Submit => "Call me now",
        Msg::Sending => "Sending…",
        Msg::Dialing => "Dialing…",
        Msg::Connecting => "Your phone is ringing…",
        Msg::Transferred => "You are being transferred to a colleague…",
        Msg::InCall => "In call",
        Msg::Ended => "Call ended",
        Msg::Failed => "The call did not go through",
        Msg::CallAgain => "Call me again",
        Msg::Network => "No connection. Check your internet and try again.",
        Msg::ServerError => "Something went wrong on our side. Try again in a moment.",
        Msg::Loading => "Loading…",
        Msg::Retry => "Try again",
        Msg::NoCalls => "No calls match these filters.",
        Msg::Refresh => "Refresh",
        Msg::Status => "Status",
        Msg::AllStatuses => "All",
        Msg::From => "From",
        Msg::To => "To",
        Msg::PageSize => "Per page",
        Msg::Previous => "Previous",
        Msg::Next => "Next",
        Msg::Date => "Date",
        Msg::Number => "Number",
        Msg::Agent => "Agent",
        Msg::Duration => "Duration",
        Msg::Summary => "Summary",
        Msg::StatusConnecting => "Connecting",
        Msg::StatusInProgress => "In progress",
        Msg::StatusEnded => "Ended",
        Msg::StatusFailed => "Failed",
        Msg::StatusTransferred => "Transferred",
        Msg::ChartTitle => "Calls per day",
        Msg::History => "Call history",
        Msg::Unauthorized => "Your session has expired. Sign in again to see your calls.",
        Msg::Export => "Export CSV",
        Msg::Booked => "Callback booked",
        Msg::BookingCancelled => "Callback cancelled",
        Msg::CallNow => "As soon as possible",
        Msg::PickTime => "Pick a time",
        Msg::Time => "Time",
        Msg::BookTime => "Book this time",
        Msg::CancelBooking => "Cancel this callback",
        Msg::NoSlots => "No times are free in the coming days.",
        Msg::Upcoming => "Booked callbacks",
        Msg::NoteSent => "Sent",
        Msg::ReasonNoAnswer => "No one answered.",
        Msg::ReasonBusy => "The line was busy.",
        Msg::ReasonVoicemail => "Voicemail answered.",
        Msg::ReasonDeclined => "The call was declined.",
        Msg::ReasonNetwork => "A network fault stopped the call.",
        Msg::ReasonUnreachable => "The number could not be reached.",
        Msg::ReasonService => "Our phone service could not place the call.",
        Msg::RetrySeconds => {
            "one=Too many requests. Try again in {count} second.|other=Too many requests. Try again in {count} seconds."
        }
        Msg::RetryMinutes => {
            "one=Too many requests. Try again in {count} minute.|other=Too many requests. Try again in {count} minutes."
        }
        Msg::TextTooLongMax => "This text is too long: at most {max} characters.",
        Msg::ErrPhoneEmpty => "Enter your phone number.",
        Msg::ErrNeedsCountry => "Choose a country, or start with + and the country code.",
        Msg::ErrTrunkPrefix => "Start the number with 0, or with + and the country code.",
        Msg::ErrTooShort => "This number is too short.",
        Msg::ErrTooLong => "This number is too long.",
        Msg::ErrNeedsPlus => callme_shared::words::NEEDS_PLUS,
        Msg::ErrNoDigits => "Type the number after the +.",
        Msg::ErrLeadingZero => "A country code never starts with 0.",
        Msg::ErrExtraZero => "After the country code the number cannot start with 0.",
        Msg::ErrDigitsOnly => "Use digits only, like 06 12345678.",
        Msg::ErrInvalidPhone => callme_shared::words::INVALID_PHONE,
        Msg::ErrCountry => "We cannot call numbers in this country.",
        Msg::ErrNumberType => {
            "We can't call premium-rate, shared-cost or other special numbers. Enter a mobile or landline number."
        }
        Msg::ErrPremiumRate => {
            "This is a premium-rate number: we can't call it. Enter a mobile or landline number."
        }
        Msg::ErrSharedCost => {
            "This is a shared-cost number: we can't call it. Enter a mobile or landline number."
        }
        Msg::ErrConsent => callme_shared::words::CONSENT_REQUIRED,
        Msg::ErrBotMissing => "Complete the security check first.",
        Msg::ErrBotFailed => "The security check failed. Reload the page and try again.",
        Msg::ErrOrigin => "This website may not use this call service.",
        Msg::ErrTextLong => "This text is too long.",
        Msg::ErrTextEmpty => "This field is empty.",
        Msg::ErrTextCharacters => "This text contains characters that are not allowed.",
        Msg::ErrTextInvisible => {
            "This text contains an invisible character. Type it again without copying."
        }
        Msg::ErrUpstreamRejected => "This number cannot be called. Check it and try again.",
        Msg::ErrUpstream => "Our phone service did not answer. Try again in a moment.",
        Msg::ErrSlot => "This time can no longer be booked. Pick another.",
        Msg::ErrNotCancellable => "This callback can no longer be cancelled.",
        Msg::ErrNotLive => "The call is not going on right now.",
        Msg::ErrSetup => "This call button is not set up correctly. Please tell the website.",
        Msg::ErrClosed => callme_shared::words::CLOSED,
        Msg::ErrBusy => "We are busy right now. Try again in a moment.",
        Msg::ErrReload => "Something went wrong. Reload the page and try again.",
        Msg::ErrNotFollowed => "This call can no longer be followed here.",
        Msg::ErrStartAfterEnd => "The start date is after the end date.",
        Msg::ErrCheckInput => "Check what you entered.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NoteLabel => "Type it for the agent",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NoteSend => "Send",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::WillCall => "We will call {number}",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::Calling => "Calling {number}",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::CallingOn => "We will call {number} on {when}.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NotCallingOn => "We will not call {number} on {when}.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::ZoneNote => "Times are in your own time zone. We are in {zone}.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::CancelConfirm => "Cancel this callback?",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::CancelYes => "Yes, cancel it",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::KeepBooking => "Keep it",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::BookAgain => "Book another time",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::Day => "Day",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::Night => "Night",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::Morning => "Morning",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::Afternoon => "Afternoon",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::Evening => "Evening",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::ClosedUntil => "We are closed now. We can call you from {when}.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::ClosedNow => "We are closed now.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NumberExtraZero => "After +{code} the number cannot start with 0. Check the number.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NumberTrunkPrefix => "Start the number with {prefix}, or with +{code}.",
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NumberTooShort => {
            "This number is too short. Enter your full number, with its area code."
        }
        #[cfg(any(feature = "button", not(target_arch = "wasm32")))]
        Msg::NumberTooLong => {
            "This number has too many digits. Check it, or start with + and the country code if it is from abroad."
        }
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::LiveCalls => "Live calls",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::EndCall => "End call",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::EndConfirm => "End this call?",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Yes => "Yes",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::No => "No",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::SayLabel => "Have the agent say",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Say => "Say",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Commands => "Sent into this call",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Exporting => "Exporting… {done} of {total}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::Exported => "one=Exported {count} call|other=Exported {count} calls",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::RangeOf => "{first}–{last} of {total}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::TransferTo => "Transfer to {alias}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::DidNote => "Typed by {by}, {clock}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::DidSay => "Spoken by the agent for {by}, {clock}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::DidEnd => "Ended by {by}, {clock}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::DidTransfer => "Transferred by {by}, {clock}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::DidTransferTo => "Transferred to {to} by {by}, {clock}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::DidOther => "{kind} by {by}, {clock}",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::TheCaller => "the caller",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::ChartCalls => "Calls",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::ChartOther => "Other",
        #[cfg(any(feature = "history", not(target_arch = "wasm32")))]
        Msg::ChartSum => "one={count} call, {first} – {last}|other={count} calls, {first} – {last}",
        #[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
        Msg::Launcher => "Call me back",
        #[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
        Msg::Broken => "Something went wrong. Reload the page to try again.",
        #[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
        Msg::Reload => "Reload",
        #[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
        Msg::Offline => "This could not load. Check your connection.",
    }
}

/// The table of `lang`, as written (natively only).
#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
fn table(lang: Lang) -> fn(Msg) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Nl => nl::text,
        Lang::De => de::text,
        Lang::Fr => fr::text,
        Lang::Es => es::text,
        Lang::It => it::text,
    }
}

/// The words file of `lang` that `cargo xtask build` writes: its tag on
/// the first line, then one text per line in message order, up to
/// [`FILE_LINES`].
#[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
pub fn words_file(lang: Lang) -> String {
    let mut file = format!("{}\n", lang.tag());
    for msg in &Msg::ALL[..FILE_LINES] {
        file.push_str(table(lang)(*msg));
        file.push('\n');
    }
    file
}

/// The optional details' summary: "Name / What is it about? (optional)"
/// (the component's, and the loader's early form's through `words`).
pub fn details_summary(lang: Lang) -> String {
    format!(
        "{} / {} ({})",
        t(lang, Msg::Name),
        t(lang, Msg::Note),
        t(lang, Msg::Optional)
    )
}

/// The text of `msg` in `lang`: its installed words, else English.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    #[cfg(any(not(target_arch = "wasm32"), feature = "tables"))]
    if msg as usize >= FILE_LINES {
        return table(lang)(msg);
    }
    words(lang)
        .and_then(|texts| texts.get(msg as usize).copied())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| en(msg))
}

/// `template` with each `{name}` of `values` put in; any other brace is
/// kept as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = values.iter().find(|(n, _)| *n == name)?.1;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The form of plural `forms` ("one=…|other=…") for `category`, else
/// its `other` form.
fn form<'a>(forms: &'a str, category: &str) -> &'a str {
    let mut other = forms;
    for part in forms.split('|') {
        if let Some((key, text)) = part.split_once('=') {
            if key == category {
                return text;
            }
            if key == "other" {
                other = text;
            }
        }
    }
    other
}

/// The `Intl.PluralRules` category of the whole number `n` in `lang`, by
/// the CLDR rules of these six languages (as `Intl` has them, without the
/// cost of calling it).
fn plural_category(lang: Lang, n: u64) -> &'static str {
    let one = match lang {
        Lang::Fr => n <= 1,
        _ => n == 1,
    };
    let many =
        matches!(lang, Lang::Fr | Lang::Es | Lang::It) && n != 0 && n.is_multiple_of(1_000_000);
    if one {
        "one"
    } else if many {
        "many"
    } else {
        "other"
    }
}

/// The plural message `msg` for `count`, the count put in.
fn counted(lang: Lang, msg: Msg, count: u64) -> String {
    let forms = t(lang, msg);
    fill(
        form(forms, plural_category(lang, count)),
        &[("count", &count.to_string())],
    )
}

/// "We are calling +31 6 ..." with the number.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub fn will_call(lang: Lang, number: &str) -> String {
    fill(t(lang, Msg::WillCall), &[("number", number)])
}

/// "Calling +31..." once the request is accepted.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub fn calling(lang: Lang, number: &str) -> String {
    fill(t(lang, Msg::Calling), &[("number", number)])
}

/// The line above a callback's status: which number, and for a booked
/// one when ("We will call +31... on Wed 25 Nov, 09:15.", or that we will
/// not once it is cancelled); once the booked call is placed, as a call now.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub fn tracking_line(lang: Lang, number: &str, when: Option<&str>, state: LiveStatus) -> String {
    let msg = match (when, state) {
        (Some(_), LiveStatus::Scheduled) => Msg::CallingOn,
        (Some(_), LiveStatus::Cancelled) => Msg::NotCallingOn,
        _ => Msg::Calling,
    };
    fill(
        t(lang, msg),
        &[("number", number), ("when", when.unwrap_or_default())],
    )
}

/// Under the times, when the visitor's zone is not the site's.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub fn zone_note(lang: Lang, site_zone: &str) -> String {
    fill(t(lang, Msg::ZoneNote), &[("zone", site_zone)])
}

/// The 429 message with the wait.
pub fn rate_limited(lang: Lang, seconds: u64) -> String {
    if seconds < 90 {
        counted(lang, Msg::RetrySeconds, seconds)
    } else {
        counted(lang, Msg::RetryMinutes, seconds.div_ceil(60))
    }
}

/// The export's progress: "Exporting… 200 of 1,234".
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub fn exporting(lang: Lang, done: u32, total: u32) -> String {
    fill(
        t(lang, Msg::Exporting),
        &[("done", &done.to_string()), ("total", &total.to_string())],
    )
}

/// The export is done: "Exported 1234 calls".
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub fn exported(lang: Lang, count: u32) -> String {
    counted(lang, Msg::Exported, u64::from(count))
}

/// The form's notice while the site is closed.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub fn closed_until(lang: Lang, when: Option<&str>) -> String {
    match when {
        Some(when) => fill(t(lang, Msg::ClosedUntil), &[("when", when)]),
        None => t(lang, Msg::ClosedNow).to_owned(),
    }
}

/// The sentence over the chart: "42 calls, 1 Nov – 30 Nov".
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub fn chart_sum(lang: Lang, count: u64, first: &str, last: &str) -> String {
    fill(
        form(t(lang, Msg::ChartSum), plural_category(lang, count)),
        &[
            ("count", &count.to_string()),
            ("first", first),
            ("last", last),
        ],
    )
}

/// "1-20 of 160".
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub fn range_of(lang: Lang, first: u64, last: u64, total: u64) -> String {
    fill(
        t(lang, Msg::RangeOf),
        &[
            ("first", &first.to_string()),
            ("last", &last.to_string()),
            ("total", &total.to_string()),
        ],
    )
}

/// An operator's button for a transfer: "Transfer to sales".
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub fn transfer_to(lang: Lang, alias: &str) -> String {
    fill(t(lang, Msg::TransferTo), &[("alias", alias)])
}

/// One command sent into a call, as the portal lists it beside the call:
/// what (`kind`, the record's word), to which alias, by whom (a portal
/// token's `sub`, or `visitor` for the caller's own note) and at `clock`
/// (the reader's local time): "Transferred to sales by op-ada, 10:42".
/// Never its words: the record does not keep them.
#[cfg(any(feature = "history", not(target_arch = "wasm32")))]
pub fn command_line(lang: Lang, kind: &str, to: Option<&str>, by: &str, clock: &str) -> String {
    let by = if by == "visitor" {
        t(lang, Msg::TheCaller)
    } else {
        by
    };
    let msg = match (kind, to) {
        ("note", _) => Msg::DidNote,
        ("say", _) => Msg::DidSay,
        ("end-call", _) => Msg::DidEnd,
        ("transfer", Some(_)) => Msg::DidTransferTo,
        ("transfer", None) => Msg::DidTransfer,
        // A command newer than this build: its word, as it came.
        _ => Msg::DidOther,
    };
    fill(
        t(lang, msg),
        &[
            ("kind", kind),
            ("to", to.unwrap_or_default()),
            ("by", by),
            ("clock", clock),
        ],
    )
}

/// The words for why a call failed, from the platform's word for it
/// (`no-answer`, `busy`, ...; any case, `_` or space for `-`): never the
/// platform's own word, which means nothing to a visitor. An unknown
/// reason reads as the call not going through.
pub fn failure_text(lang: Lang, reason: &str) -> &'static str {
    let reason = reason.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    t(
        lang,
        match reason.as_str() {
            "no-answer" | "noanswer" | "no-answer-timeout" | "timeout" | "unanswered" => {
                Msg::ReasonNoAnswer
            }
            "busy" | "user-busy" | "line-busy" => Msg::ReasonBusy,
            "voicemail" | "answering-machine" | "machine-detected" => Msg::ReasonVoicemail,
            "rejected" | "declined" | "call-rejected" => Msg::ReasonDeclined,
            "network-error" | "network" | "sip-error" | "connection-error" => Msg::ReasonNetwork,
            "unreachable" | "invalid-number" | "number-unreachable" | "not-reachable" => {
                Msg::ReasonUnreachable
            }
            "insufficient-credits" | "insufficient-funds" | "no-credits" => Msg::ReasonService,
            _ => Msg::Failed,
        },
    )
}

/// The message for an error code of the edge or of `shared`. The `match`
/// has no wildcard: a code added to [`ErrorCode`] does not compile until
/// it is given words here.
fn error_msg(code: ErrorCode) -> Msg {
    use ErrorCode as C;
    match code {
        C::PhoneEmpty | C::PhoneMissing => Msg::ErrPhoneEmpty,
        C::PhoneNeedsCountry => Msg::ErrNeedsCountry,
        C::PhoneMissingTrunkPrefix => Msg::ErrTrunkPrefix,
        C::PhoneTooShort => Msg::ErrTooShort,
        C::PhoneTooLong => Msg::ErrTooLong,
        C::PhoneUnknownDialingPlan | C::PhoneMissingPlus => Msg::ErrNeedsPlus,
        C::PhoneNoDigits => Msg::ErrNoDigits,
        C::PhoneLeadingZero => Msg::ErrLeadingZero,
        C::PhoneExtraZero => Msg::ErrExtraZero,
        C::PhoneInvalidCharacter
        | C::PhoneNonAsciiDigit
        | C::PhoneMisplacedPlus
        | C::PhoneContainsWhitespace => Msg::ErrDigitsOnly,
        C::InvalidPhone => Msg::ErrInvalidPhone,
        C::CountryNotAllowed => Msg::ErrCountry,
        C::NumberTypeNotAllowed => Msg::ErrNumberType,
        C::PhonePremiumRate => Msg::ErrPremiumRate,
        C::PhoneSharedCost => Msg::ErrSharedCost,
        C::ConsentRequired => Msg::ErrConsent,
        C::BotCheckMissing => Msg::ErrBotMissing,
        C::BotCheckFailed | C::TurnstileTokenMalformed => Msg::ErrBotFailed,
        C::OriginNotAllowed | C::OriginRequired => Msg::ErrOrigin,
        C::TextTooLong => Msg::ErrTextLong,
        C::TextEmpty => Msg::ErrTextEmpty,
        C::TextControlCharacter | C::TextBidiOverride => Msg::ErrTextCharacters,
        C::TextInvisibleCharacter => Msg::ErrTextInvisible,
        C::UpstreamRejected => Msg::ErrUpstreamRejected,
        C::UpstreamTimeout
        | C::UpstreamError
        | C::UpstreamRefused
        | C::UpstreamMalformed
        | C::UpstreamUnreachable => Msg::ErrUpstream,
        C::SlotUnavailable | C::SlotFull => Msg::ErrSlot,
        C::NotCancellable => Msg::ErrNotCancellable,
        C::CallNotLive => Msg::ErrNotLive,
        C::Closed => Msg::ErrClosed,
        C::Unavailable | C::Busy | C::RateLimited | C::IdempotencyInProgress => Msg::ErrBusy,
        // What a visitor cannot change: the site's setup or the widget's
        // own request. The site owner's log says which.
        C::TransferTargetUnknown
        | C::ControlUnknown
        | C::AgentUnknown
        | C::AgentEmpty
        | C::AgentTooLong
        | C::AgentNotStartingWithLetter
        | C::AgentInvalidCharacter
        | C::LocaleMalformed
        | C::Misconfigured => Msg::ErrSetup,
        C::IdempotencyKeyInvalid
        | C::IdempotencyConflict
        | C::InvalidJson
        | C::BodyTooLarge
        | C::UnsupportedMediaType
        | C::NotFound
        | C::MethodNotAllowed
        | C::WebhookSignature
        | C::Internal => Msg::ErrReload,
        C::TicketMissing | C::TicketInvalid | C::CallNotFound => Msg::ErrNotFollowed,
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
        | C::TokenWrongIssuer => Msg::Unauthorized,
        C::StartAfterEnd => Msg::ErrStartAfterEnd,
        C::LimitNotANumber
        | C::LimitOutOfRange
        | C::OffsetNotANumber
        | C::StatusUnknown
        | C::StartDateInvalid
        | C::EndDateInvalid
        | C::UnknownParameter
        | C::RepeatedParameter
        | C::TimeZoneUnknown
        | C::CallIdEmpty
        | C::CallIdTooLong
        | C::CallIdInvalidCharacter
        | C::CountryInvalid
        | C::AgentIdNotUuid
        | C::AgentIdNotHex
        | C::TimestampMalformed
        | C::TimestampNoSuchDate
        | C::TimestampNoSuchTime => Msg::ErrCheckInput,
    }
}

/// The visitor's words for an error code of the edge or of `shared`.
pub fn error_text(lang: Lang, code: ErrorCode) -> &'static str {
    t(lang, error_msg(code))
}

/// The visitor's words for a number `normalize` refused, with the details
/// the error carries (trunk prefix, calling code, digits). The widget never
/// shows the shared crate's own (English) messages: it needs every
/// language, and leaving their `Display` code out keeps the bundle smaller.
#[cfg(any(feature = "button", not(target_arch = "wasm32")))]
pub fn normalize_text(lang: Lang, error: &NormalizeError) -> String {
    let (msg, code, prefix, digits) = match error {
        NormalizeError::ExtraZero { calling_code } => (Msg::NumberExtraZero, *calling_code, "", 0),
        NormalizeError::MissingTrunkPrefix {
            trunk_prefix,
            calling_code,
        } => (Msg::NumberTrunkPrefix, *calling_code, *trunk_prefix, 0),
        NormalizeError::TooShort {
            calling_code,
            min_digits,
            ..
        } => (Msg::NumberTooShort, *calling_code, "", *min_digits),
        NormalizeError::TooLong {
            calling_code,
            max_digits,
            ..
        } => (Msg::NumberTooLong, *calling_code, "", *max_digits),
        other => return error_text(lang, other.code()).to_owned(),
    };
    fill(
        t(lang, msg),
        &[
            ("code", code),
            ("prefix", prefix),
            ("digits", &digits.to_string()),
        ],
    )
}

/// The visitor's words for a name or note the shared rules refused.
pub fn text_error_text(lang: Lang, error: &TextError) -> String {
    match error {
        TextError::TooLong { max, .. } => {
            fill(t(lang, Msg::TextTooLongMax), &[("max", &max.to_string())])
        }
        other => error_text(lang, other.code()).to_owned(),
    }
}

/// A duration as `m:ss` (or `h:mm:ss`), the same in every language.
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

    /// The languages besides English, which must each say it their way.
    const TRANSLATED: [Lang; 5] = [Lang::Nl, Lang::De, Lang::Fr, Lang::Es, Lang::It];

    /// The `{name}`s of a text, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names
    }

    /// The plural forms of a text (`one=…|other=…`), or none.
    fn forms(text: &str) -> Vec<(&str, &str)> {
        if !text.starts_with("one=") && !text.starts_with("other=") {
            return Vec::new();
        }
        text.split('|')
            .map(|part| part.split_once('=').unwrap())
            .collect()
    }

    /// The categories `Intl.PluralRules` gives whole numbers in each
    /// language (CLDR).
    fn categories(lang: Lang) -> &'static [&'static str] {
        match lang {
            Lang::En | Lang::Nl | Lang::De => &["one", "other"],
            Lang::Fr | Lang::Es | Lang::It => &["one", "many", "other"],
        }
    }

    #[test]
    fn messages_are_numbered_densely_in_their_groups() {
        for (i, msg) in Msg::ALL.iter().enumerate() {
            assert_eq!(*msg as usize, i, "{msg:?}");
        }
        assert_eq!(Msg::ALL[FILE_LINES], Msg::Launcher);
    }

    #[test]
    fn every_message_has_words_in_every_language() {
        for lang in Lang::ALL {
            for msg in Msg::ALL {
                let text = table(lang)(*msg);
                assert!(!text.trim().is_empty(), "{lang:?} {msg:?}");
                // One text per line of the file; `|` only between forms.
                assert!(!text.contains(['\n', '\r']), "{lang:?} {msg:?}");
                assert_eq!(text, text.trim(), "{lang:?} {msg:?}");
            }
        }
    }

    #[test]
    fn every_language_has_the_placeholders_and_plural_forms_english_has() {
        for msg in Msg::ALL {
            let english = en(*msg);
            let english_forms = forms(english);
            for lang in Lang::ALL {
                let text = table(lang)(*msg);
                let found = forms(text);
                if english_forms.is_empty() {
                    assert!(found.is_empty(), "{lang:?} {msg:?} is plural");
                    assert!(!text.contains('|'), "{lang:?} {msg:?}");
                    assert_eq!(
                        placeholders(text),
                        placeholders(english),
                        "{lang:?} {msg:?}"
                    );
                    continue;
                }
                let keys: Vec<&str> = found.iter().map(|(key, _)| *key).collect();
                assert_eq!(keys, categories(lang), "{lang:?} {msg:?}");
                for (key, form) in found {
                    assert_eq!(
                        placeholders(form),
                        placeholders(english_forms[0].1),
                        "{lang:?} {msg:?} {key}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_language_is_translated_not_english() {
        // Words that are the same in a language (Status, Agent, No) are few.
        for lang in TRANSLATED {
            let same: Vec<&Msg> = Msg::ALL
                .iter()
                .filter(|msg| table(lang)(**msg) == en(**msg))
                .collect();
            assert!(same.len() <= 4, "{lang:?} repeats English: {same:?}");
        }
    }

    #[test]
    fn each_words_file_reads_back_as_its_table() {
        for lang in TRANSLATED {
            let file = words_file(lang);
            assert!(file.starts_with(&format!("{}\n", lang.tag())));
            assert_eq!(file.lines().count(), FILE_LINES + 1);
            for msg in &Msg::ALL[..FILE_LINES] {
                assert_eq!(t(lang, *msg), table(lang)(*msg), "{lang:?} {msg:?}");
            }
            // The loader's words are in the loader, not in the file.
            assert!(!file.contains(table(lang)(Msg::Launcher)), "{lang:?}");
        }
    }

    #[test]
    fn a_words_file_of_another_language_or_build_is_refused() {
        // Only for a language not installed yet: a thread of its own.
        std::thread::spawn(|| {
            let german = words_file(Lang::De);
            assert!(!Lang::It.install(&german), "another language");
            let mut stale = words_file(Lang::It);
            stale.push_str("one text more\n");
            assert!(!Lang::It.install(&stale), "another build");
            assert!(!Lang::It.install(""), "an empty answer");
            assert!(Lang::It.install(&words_file(Lang::It)));
            assert_eq!(t(Lang::It, Msg::Close), "Chiudi");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn placeholders_are_filled_by_name_and_other_braces_kept() {
        assert_eq!(
            fill("{a} and {b}, {c} {", &[("b", "2"), ("a", "1")]),
            "1 and 2, {c} {"
        );
    }

    #[test]
    fn plural_forms_follow_each_languages_categories() {
        assert_eq!(exported(Lang::En, 1), "Exported 1 call");
        assert_eq!(exported(Lang::En, 0), "Exported 0 calls");
        assert_eq!(exported(Lang::Fr, 0), "0 appel exporté");
        assert_eq!(exported(Lang::Fr, 2), "2 appels exportés");
        assert_eq!(
            exported(Lang::Es, 1_000_000),
            "1000000 de llamadas exportadas"
        );
        assert_eq!(exported(Lang::De, 1), "1 Anruf exportiert");
        assert_eq!(
            rate_limited(Lang::It, 1),
            "Troppe richieste. Riprovi tra 1 secondo."
        );
    }

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
            (
                Lang::De,
                when,
                LiveStatus::Scheduled,
                "Wir rufen +31612345678 am Wed 25 Nov, 09:15 an.",
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
    fn every_command_reads_as_a_line_in_every_language() {
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
            (
                Lang::Fr,
                "transfer",
                Some("sales"),
                "op-ada",
                "Transféré à sales par op-ada, 10:42",
            ),
            (Lang::En, "mute", None, "op-bo", "mute by op-bo, 10:42"),
            (Lang::It, "mute", None, "op-bo", "mute da op-bo, 10:42"),
        ] {
            assert_eq!(command_line(lang, kind, to, by, "10:42"), line);
        }
        assert_eq!(transfer_to(Lang::Nl, "sales"), "Doorverbinden met sales");
    }

    #[test]
    fn the_attribute_wins_over_the_browser() {
        assert_eq!(Lang::pick(Some("nl"), Some("en-US")), Lang::Nl);
        assert_eq!(Lang::pick(None, Some("nl-BE")), Lang::Nl);
        assert_eq!(Lang::pick(Some("fr"), Some("de")), Lang::Fr);
        assert_eq!(Lang::pick(Some("pt"), Some("de-AT")), Lang::De);
        assert_eq!(Lang::pick(Some("pt"), Some("ja")), Lang::En);
        assert_eq!(Lang::pick(None, Some("es_MX")), Lang::Es);
        assert_eq!(Lang::pick(Some("IT"), None), Lang::It);
        assert_eq!(t(Lang::Nl, Msg::Submit), "Bel mij nu");
    }

    #[test]
    fn dates_are_in_the_visitors_own_locale_of_the_widgets_language() {
        let preferred = ["de-CH".to_owned(), "en-GB".to_owned()];
        assert_eq!(visitors_locale("en", &preferred), "en-GB");
        assert_eq!(visitors_locale("de", &preferred), "de-CH");
        assert_eq!(visitors_locale("nl", &preferred), "nl");
        assert_eq!(visitors_locale("en", &[]), "en");
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
        assert_eq!(
            rate_limited(Lang::De, 120),
            "Zu viele Anfragen. Versuchen Sie es in 2 Minuten erneut."
        );
    }

    #[test]
    fn the_platforms_failure_reasons_read_as_words_in_every_language() {
        for lang in Lang::ALL {
            let failed = t(lang, Msg::Failed);
            for reason in [
                "no-answer",
                "busy",
                "voicemail",
                "network-error",
                "rejected",
            ] {
                let text = failure_text(lang, reason);
                assert_ne!(text, failed, "{lang:?} {reason}");
                assert_ne!(text, reason, "{lang:?}");
            }
            assert_eq!(failure_text(lang, "sip-503-whatever"), failed);
        }
        assert_eq!(failure_text(Lang::En, "No_Answer"), "No one answered.");
        assert_eq!(failure_text(Lang::Nl, "busy"), "De lijn was bezet.");
        assert_eq!(
            failure_text(Lang::En, "something new"),
            "The call did not go through"
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
    fn every_refused_number_is_explained_in_every_language() {
        let mut codes = Vec::new();
        for (typed, country) in refused_numbers() {
            let country = country.map(|c| CountryCode::parse(c).unwrap());
            let error = normalize(typed, country).unwrap_err();
            codes.push(error.code().as_str());
            for lang in Lang::ALL {
                let text = normalize_text(lang, &error);
                assert_ne!(
                    text,
                    error_text(lang, ErrorCode::Internal),
                    "{typed:?}: {error:?}"
                );
                assert!(!text.is_empty() && !text.contains('{'), "{text}");
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
            "Dit nummer is te kort. Vul uw volledige nummer in, met het netnummer."
        );
        let trunk = normalize("612345678", CountryCode::parse("NL").ok()).unwrap_err();
        assert_eq!(
            normalize_text(Lang::En, &trunk),
            "Start the number with 0, or with +31."
        );
        assert_eq!(
            normalize_text(Lang::Es, &trunk),
            "Empiece el número por 0 o por +31."
        );
    }

    #[test]
    fn a_refused_note_says_the_limit() {
        let error = VisitorNote::parse(&"x".repeat(501)).unwrap_err();
        assert_eq!(
            text_error_text(Lang::En, &error),
            "This text is too long: at most 500 characters."
        );
        assert_eq!(
            text_error_text(Lang::De, &error),
            "Dieser Text ist zu lang: höchstens 500 Zeichen."
        );
        let error = VisitorNote::parse("a\u{202E}b").unwrap_err();
        assert_eq!(
            text_error_text(Lang::Nl, &error),
            "Deze tekst bevat tekens die niet zijn toegestaan."
        );
    }

    #[test]
    fn every_code_has_words_of_its_own_language() {
        // Every language exists by construction (the `match`es); here: no
        // empty text, and no language says it in English.
        for code in ErrorCode::ALL {
            let en = error_text(Lang::En, *code);
            assert!(!en.is_empty(), "{code}");
            for lang in TRANSLATED {
                let text = error_text(lang, *code);
                assert!(!text.is_empty(), "{lang:?} {code}");
                assert_ne!(en, text, "{lang:?} {code}");
            }
        }
    }
}
