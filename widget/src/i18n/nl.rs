//! Dutch: the polite "u", as a Dutch shop writes to its customers.

use super::Msg;

/// The Dutch text of `msg`.
pub(super) const fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::Close => "Sluiten",
        Msg::Title => "Wij bellen u",
        Msg::Intro => "Laat uw nummer achter en onze assistent belt u binnen enkele seconden.",
        Msg::Country => "Land",
        Msg::Phone => "Telefoonnummer",
        Msg::PhoneHint => "bijv. 06 12345678",
        Msg::Consent => "Ik ga ermee akkoord dat een AI-assistent mij over mijn vraag belt.",
        Msg::Name => "Naam",
        Msg::Note => "Waar gaat het over?",
        Msg::Optional => "optioneel",
        Msg::Submit => "Bel mij nu",
        Msg::Sending => "Versturen…",
        Msg::Dialing => "Bellen…",
        Msg::Connecting => "Uw telefoon gaat over…",
        Msg::Transferred => "U wordt doorverbonden met een collega…",
        Msg::InCall => "In gesprek",
        Msg::Ended => "Gesprek beëindigd",
        Msg::Failed => "Het gesprek kwam niet tot stand",
        Msg::CallAgain => "Bel mij opnieuw",
        Msg::Network => "Geen verbinding. Controleer uw internet en probeer het opnieuw.",
        Msg::ServerError => "Er ging bij ons iets mis. Probeer het zo opnieuw.",
        Msg::Loading => "Laden…",
        Msg::Retry => "Opnieuw proberen",
        Msg::NoCalls => "Geen gesprekken gevonden met deze filters.",
        Msg::Refresh => "Vernieuwen",
        Msg::Status => "Status",
        Msg::AllStatuses => "Alle",
        Msg::From => "Van",
        Msg::To => "Tot en met",
        Msg::PageSize => "Per pagina",
        Msg::Previous => "Vorige",
        Msg::Next => "Volgende",
        Msg::Date => "Datum",
        Msg::Number => "Nummer",
        Msg::Agent => "Agent",
        Msg::Duration => "Duur",
        Msg::Summary => "Samenvatting",
        Msg::StatusConnecting => "Verbinden",
        Msg::StatusInProgress => "Bezig",
        Msg::StatusEnded => "Beëindigd",
        Msg::StatusFailed => "Mislukt",
        Msg::StatusTransferred => "Doorverbonden",
        Msg::ChartTitle => "Gesprekken per dag",
        Msg::History => "Gespreksgeschiedenis",
        Msg::Unauthorized => "Uw sessie is verlopen. Log opnieuw in om uw gesprekken te zien.",
        Msg::Export => "CSV exporteren",
        Msg::Booked => "Terugbelafspraak gemaakt",
        Msg::BookingCancelled => "Terugbelafspraak geannuleerd",
        Msg::CallNow => "Zo snel mogelijk",
        Msg::PickTime => "Kies een tijdstip",
        Msg::Time => "Tijdstip",
        Msg::BookTime => "Boek dit tijdstip",
        Msg::CancelBooking => "Annuleer deze terugbelafspraak",
        Msg::NoSlots => "Er zijn de komende dagen geen tijden vrij.",
        Msg::Upcoming => "Geplande terugbelafspraken",
        Msg::NoteSent => "Verstuurd",
        Msg::ReasonNoAnswer => "Er werd niet opgenomen.",
        Msg::ReasonBusy => "De lijn was bezet.",
        Msg::ReasonVoicemail => "De voicemail nam op.",
        Msg::ReasonDeclined => "Het gesprek werd geweigerd.",
        Msg::ReasonNetwork => "Door een netwerkstoring kwam het gesprek niet tot stand.",
        Msg::ReasonUnreachable => "Het nummer was niet bereikbaar.",
        Msg::ReasonService => "Onze telefoondienst kon het gesprek niet opzetten.",
        Msg::RetrySeconds => {
            "one=Te veel verzoeken. Probeer het over {count} seconde opnieuw.|other=Te veel verzoeken. Probeer het over {count} seconden opnieuw."
        }
        Msg::RetryMinutes => {
            "one=Te veel verzoeken. Probeer het over {count} minuut opnieuw.|other=Te veel verzoeken. Probeer het over {count} minuten opnieuw."
        }
        Msg::TextTooLongMax => "Deze tekst is te lang: hoogstens {max} tekens.",
        Msg::ErrPhoneEmpty => "Vul uw telefoonnummer in.",
        Msg::ErrNeedsCountry => "Kies een land, of begin met + en de landcode.",
        Msg::ErrTrunkPrefix => "Begin het nummer met 0, of met + en de landcode.",
        Msg::ErrTooShort => "Dit nummer is te kort.",
        Msg::ErrTooLong => "Dit nummer is te lang.",
        Msg::ErrNeedsPlus => "Begin het nummer met + en de landcode.",
        Msg::ErrNoDigits => "Typ het nummer na de +.",
        Msg::ErrLeadingZero => "Een landcode begint nooit met 0.",
        Msg::ErrExtraZero => "Na de landcode begint het nummer niet met 0.",
        Msg::ErrDigitsOnly => "Gebruik alleen cijfers, zoals 06 12345678.",
        Msg::ErrInvalidPhone => {
            "Dit telefoonnummer bestaat niet. Controleer het nummer en het land."
        }
        Msg::ErrCountry => "Wij kunnen geen nummers in dit land bellen.",
        Msg::ErrNumberType => {
            "We kunnen geen betaalnummers, nummers met gedeelde kosten of andere speciale nummers bellen. Vul een mobiel of vast nummer in."
        }
        Msg::ErrPremiumRate => {
            "Dit is een betaalnummer: dat kunnen we niet bellen. Vul een mobiel of vast nummer in."
        }
        Msg::ErrSharedCost => {
            "Dit is een nummer met gedeelde kosten: dat kunnen we niet bellen. Vul een mobiel of vast nummer in."
        }
        Msg::ErrConsent => "Vink het vakje aan om akkoord te gaan.",
        Msg::ErrBotMissing => "Voltooi eerst de beveiligingscontrole.",
        Msg::ErrBotFailed => {
            "De beveiligingscontrole is mislukt. Herlaad de pagina en probeer het opnieuw."
        }
        Msg::ErrOrigin => "Deze website mag deze belservice niet gebruiken.",
        Msg::ErrTextLong => "Deze tekst is te lang.",
        Msg::ErrTextEmpty => "Dit veld is leeg.",
        Msg::ErrTextCharacters => "Deze tekst bevat tekens die niet zijn toegestaan.",
        Msg::ErrTextInvisible => {
            "Deze tekst bevat een onzichtbaar teken. Typ hem opnieuw zonder te kopiëren."
        }
        Msg::ErrUpstreamRejected => {
            "Dit nummer kan niet worden gebeld. Controleer het en probeer het opnieuw."
        }
        Msg::ErrUpstream => "Onze telefoondienst reageerde niet. Probeer het zo opnieuw.",
        Msg::ErrSlot => "Dit tijdstip kan niet meer worden geboekt. Kies een ander.",
        Msg::ErrNotCancellable => "Deze terugbelafspraak kan niet meer worden geannuleerd.",
        Msg::ErrNotLive => "Het gesprek is nu niet bezig.",
        Msg::ErrSetup => "Deze belknop is niet goed ingesteld. Laat het de website weten.",
        Msg::ErrClosed => "Wij zijn nu gesloten. Vraag het opnieuw als wij open zijn.",
        Msg::ErrBusy => "Het is nu erg druk. Probeer het zo opnieuw.",
        Msg::ErrReload => "Er ging iets mis. Herlaad de pagina en probeer het opnieuw.",
        Msg::ErrNotFollowed => "Dit gesprek is hier niet meer te volgen.",
        Msg::ErrStartAfterEnd => "De begindatum ligt na de einddatum.",
        Msg::ErrCheckInput => "Controleer wat u hebt ingevuld.",
        Msg::NoteLabel => "Typ het voor de agent",
        Msg::NoteSend => "Versturen",
        Msg::WillCall => "We bellen {number}",
        Msg::Calling => "We bellen {number}",
        Msg::CallingOn => "We bellen {number} op {when}.",
        Msg::NotCallingOn => "We bellen {number} niet op {when}.",
        Msg::CancelConfirm => "Deze terugbelafspraak annuleren?",
        Msg::CancelYes => "Ja, annuleren",
        Msg::KeepBooking => "Behouden",
        Msg::BookAgain => "Een ander tijdstip kiezen",
        Msg::Day => "Dag",
        Msg::Night => "Nacht",
        Msg::Morning => "Ochtend",
        Msg::Afternoon => "Middag",
        Msg::Evening => "Avond",
        Msg::ZoneNote => "Tijden staan in uw eigen tijdzone. Wij zitten in {zone}.",
        Msg::ClosedUntil => "Wij zijn nu gesloten. Wij kunnen u bellen vanaf {when}.",
        Msg::ClosedNow => "Wij zijn nu gesloten.",
        Msg::NumberExtraZero => "Na +{code} begint het nummer niet met 0. Controleer het nummer.",
        Msg::NumberTrunkPrefix => "Begin het nummer met {prefix}, of met +{code}.",
        Msg::NumberTooShort => {
            "Dit nummer is te kort. Vul uw volledige nummer in, met het netnummer."
        }
        Msg::NumberTooLong => {
            "Dit nummer heeft te veel cijfers. Controleer het, of begin met + en de landcode als het een buitenlands nummer is."
        }
        Msg::LiveCalls => "Lopende gesprekken",
        Msg::EndCall => "Gesprek beëindigen",
        Msg::EndConfirm => "Dit gesprek beëindigen?",
        Msg::Yes => "Ja",
        Msg::No => "Nee",
        Msg::SayLabel => "Laat de agent zeggen",
        Msg::Say => "Zeggen",
        Msg::Commands => "Naar dit gesprek gestuurd",
        Msg::Exporting => "Exporteren… {done} van {total}",
        Msg::Exported => "one={count} gesprek geëxporteerd|other={count} gesprekken geëxporteerd",
        Msg::RangeOf => "{first}–{last} van {total}",
        Msg::TransferTo => "Doorverbinden met {alias}",
        Msg::DidNote => "Getypt door {by}, {clock}",
        Msg::DidSay => "Uitgesproken door de agent voor {by}, {clock}",
        Msg::DidEnd => "Beëindigd door {by}, {clock}",
        Msg::DidTransfer => "Doorverbonden door {by}, {clock}",
        Msg::DidTransferTo => "Doorverbonden met {to} door {by}, {clock}",
        Msg::DidOther => "{kind} door {by}, {clock}",
        Msg::TheCaller => "de beller",
        Msg::ChartCalls => "Gesprekken",
        Msg::ChartOther => "Overig",
        Msg::ChartSum => {
            "one={count} gesprek, {first} – {last}|other={count} gesprekken, {first} – {last}"
        }
        Msg::Launcher => "Bel mij terug",
        Msg::Broken => "Er ging iets mis. Herlaad de pagina om het opnieuw te proberen.",
        Msg::Reload => "Herladen",
        Msg::Offline => "Dit kon niet laden. Controleer uw verbinding.",
    }
}
