//! German: the polite "Sie", as a German shop writes to its customers.

use super::Msg;

/// The German text of `msg`.
pub(super) const fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::Close => "Schließen",
        Msg::Title => "Wir rufen Sie an",
        Msg::Intro => {
            "Hinterlassen Sie Ihre Nummer, und unser Assistent ruft Sie in wenigen Sekunden an."
        }
        Msg::Country => "Land",
        Msg::Phone => "Telefonnummer",
        Msg::PhoneHint => "z. B. 06 12345678",
        Msg::Consent => "Ich bin einverstanden, dass mich ein KI-Assistent zu meiner Frage anruft.",
        Msg::Name => "Name",
        Msg::Note => "Worum geht es?",
        Msg::Optional => "optional",
        Msg::Submit => "Rufen Sie mich jetzt an",
        Msg::Sending => "Wird gesendet…",
        Msg::Dialing => "Wird gewählt…",
        Msg::Connecting => "Ihr Telefon klingelt…",
        Msg::Transferred => "Sie werden weiterverbunden…",
        Msg::InCall => "Im Gespräch",
        Msg::Ended => "Anruf beendet",
        Msg::Failed => "Der Anruf kam nicht zustande",
        Msg::CallAgain => "Erneut anrufen lassen",
        Msg::Network => {
            "Keine Verbindung. Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut."
        }
        Msg::ServerError => {
            "Bei uns ist etwas schiefgelaufen. Versuchen Sie es gleich noch einmal."
        }
        Msg::Loading => "Wird geladen…",
        Msg::Retry => "Erneut versuchen",
        Msg::NoCalls => "Keine Anrufe passen zu diesen Filtern.",
        Msg::Refresh => "Aktualisieren",
        Msg::Status => "Status",
        Msg::AllStatuses => "Alle",
        Msg::From => "Von",
        Msg::To => "Bis",
        Msg::PageSize => "Pro Seite",
        Msg::Previous => "Zurück",
        Msg::Next => "Weiter",
        Msg::Date => "Datum",
        Msg::Number => "Nummer",
        Msg::Agent => "Agent",
        Msg::Duration => "Dauer",
        Msg::Summary => "Zusammenfassung",
        Msg::StatusConnecting => "Verbindet",
        Msg::StatusInProgress => "Läuft",
        Msg::StatusEnded => "Beendet",
        Msg::StatusFailed => "Fehlgeschlagen",
        Msg::StatusTransferred => "Weiterverbunden",
        Msg::ChartTitle => "Anrufe pro Tag",
        Msg::History => "Anrufverlauf",
        Msg::Unauthorized => {
            "Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an, um Ihre Anrufe zu sehen."
        }
        Msg::Export => "CSV exportieren",
        Msg::Booked => "Rückruf vereinbart",
        Msg::BookingCancelled => "Rückruf storniert",
        Msg::CallNow => "So bald wie möglich",
        Msg::PickTime => "Zeit wählen",
        Msg::Time => "Uhrzeit",
        Msg::BookTime => "Diese Zeit buchen",
        Msg::CancelBooking => "Diesen Rückruf stornieren",
        Msg::NoSlots => "In den nächsten Tagen sind keine Zeiten frei.",
        Msg::Upcoming => "Vereinbarte Rückrufe",
        Msg::NoteSent => "Gesendet",
        Msg::ReasonNoAnswer => "Niemand hat abgenommen.",
        Msg::ReasonBusy => "Die Leitung war besetzt.",
        Msg::ReasonVoicemail => "Die Mailbox hat abgenommen.",
        Msg::ReasonDeclined => "Der Anruf wurde abgelehnt.",
        Msg::ReasonNetwork => "Eine Netzstörung hat den Anruf verhindert.",
        Msg::ReasonUnreachable => "Die Nummer war nicht erreichbar.",
        Msg::ReasonService => "Unser Telefondienst konnte den Anruf nicht aufbauen.",
        Msg::RetrySeconds => {
            "one=Zu viele Anfragen. Versuchen Sie es in {count} Sekunde erneut.|other=Zu viele Anfragen. Versuchen Sie es in {count} Sekunden erneut."
        }
        Msg::RetryMinutes => {
            "one=Zu viele Anfragen. Versuchen Sie es in {count} Minute erneut.|other=Zu viele Anfragen. Versuchen Sie es in {count} Minuten erneut."
        }
        Msg::TextTooLongMax => "Dieser Text ist zu lang: höchstens {max} Zeichen.",
        Msg::ErrPhoneEmpty => "Geben Sie Ihre Telefonnummer ein.",
        Msg::ErrNeedsCountry => {
            "Wählen Sie ein Land, oder beginnen Sie mit + und der Landesvorwahl."
        }
        Msg::ErrTrunkPrefix => "Beginnen Sie die Nummer mit 0 oder mit + und der Landesvorwahl.",
        Msg::ErrTooShort => "Diese Nummer ist zu kurz.",
        Msg::ErrTooLong => "Diese Nummer ist zu lang.",
        Msg::ErrNeedsPlus => "Beginnen Sie die Nummer mit + und der Landesvorwahl.",
        Msg::ErrNoDigits => "Geben Sie die Nummer nach dem + ein.",
        Msg::ErrLeadingZero => "Eine Landesvorwahl beginnt nie mit 0.",
        Msg::ErrExtraZero => "Nach der Landesvorwahl darf die Nummer nicht mit 0 beginnen.",
        Msg::ErrDigitsOnly => "Verwenden Sie nur Ziffern, etwa 06 12345678.",
        Msg::ErrInvalidPhone => {
            "Diese Telefonnummer gibt es nicht. Prüfen Sie die Nummer und das Land."
        }
        Msg::ErrCountry => "Wir können keine Nummern in diesem Land anrufen.",
        Msg::ErrNumberType => {
            "Wir können keine Premium-, Service- oder anderen Sonderrufnummern anrufen. Geben Sie eine Mobil- oder Festnetznummer ein."
        }
        Msg::ErrPremiumRate => {
            "Das ist eine kostenpflichtige Premium-Rufnummer: Wir können sie nicht anrufen. Geben Sie eine Mobil- oder Festnetznummer ein."
        }
        Msg::ErrSharedCost => {
            "Das ist eine Service-Rufnummer mit geteilten Kosten: Wir können sie nicht anrufen. Geben Sie eine Mobil- oder Festnetznummer ein."
        }
        Msg::ErrConsent => "Setzen Sie das Häkchen, um dem Anruf zuzustimmen.",
        Msg::ErrBotMissing => "Schließen Sie zuerst die Sicherheitsprüfung ab.",
        Msg::ErrBotFailed => {
            "Die Sicherheitsprüfung ist fehlgeschlagen. Laden Sie die Seite neu und versuchen Sie es erneut."
        }
        Msg::ErrOrigin => "Diese Website darf diesen Anrufdienst nicht nutzen.",
        Msg::ErrTextLong => "Dieser Text ist zu lang.",
        Msg::ErrTextEmpty => "Dieses Feld ist leer.",
        Msg::ErrTextCharacters => "Dieser Text enthält unzulässige Zeichen.",
        Msg::ErrTextInvisible => {
            "Dieser Text enthält ein unsichtbares Zeichen. Tippen Sie ihn neu, ohne zu kopieren."
        }
        Msg::ErrUpstreamRejected => {
            "Diese Nummer kann nicht angerufen werden. Prüfen Sie sie und versuchen Sie es erneut."
        }
        Msg::ErrUpstream => {
            "Unser Telefondienst hat nicht geantwortet. Versuchen Sie es gleich noch einmal."
        }
        Msg::ErrSlot => "Diese Zeit ist nicht mehr frei. Wählen Sie eine andere.",
        Msg::ErrNotCancellable => "Dieser Rückruf kann nicht mehr storniert werden.",
        Msg::ErrNotLive => "Der Anruf läuft gerade nicht.",
        Msg::ErrSetup => {
            "Dieser Rückruf-Button ist nicht richtig eingerichtet. Bitte geben Sie der Website Bescheid."
        }
        Msg::ErrClosed => {
            "Wir haben gerade geschlossen. Fragen Sie wieder, wenn wir geöffnet haben."
        }
        Msg::ErrBusy => "Gerade ist viel los. Versuchen Sie es gleich noch einmal.",
        Msg::ErrReload => {
            "Etwas ist schiefgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut."
        }
        Msg::ErrNotFollowed => "Dieser Anruf kann hier nicht mehr verfolgt werden.",
        Msg::ErrStartAfterEnd => "Das Startdatum liegt nach dem Enddatum.",
        Msg::ErrCheckInput => "Prüfen Sie Ihre Eingabe.",
        Msg::NoteLabel => "Für den Agenten eingeben",
        Msg::NoteSend => "Senden",
        Msg::WillCall => "Wir rufen {number} an",
        Msg::Calling => "Wir rufen {number} an",
        Msg::CallingOn => "Wir rufen {number} am {when} an.",
        Msg::NotCallingOn => "Wir rufen {number} am {when} nicht an.",
        Msg::CancelConfirm => "Diesen Rückruf stornieren?",
        Msg::CancelYes => "Ja, stornieren",
        Msg::KeepBooking => "Beibehalten",
        Msg::BookAgain => "Anderen Termin wählen",
        Msg::Day => "Tag",
        Msg::Night => "Nachts",
        Msg::Morning => "Vormittag",
        Msg::Afternoon => "Nachmittag",
        Msg::Evening => "Abend",
        Msg::ZoneNote => "Die Zeiten sind in Ihrer Zeitzone angegeben. Unsere: {zone}.",
        Msg::ClosedUntil => "Wir haben gerade geschlossen. Wir können Sie ab {when} anrufen.",
        Msg::ClosedNow => "Wir haben gerade geschlossen.",
        Msg::NumberExtraZero => {
            "Nach +{code} darf die Nummer nicht mit 0 beginnen. Prüfen Sie die Nummer."
        }
        Msg::NumberTrunkPrefix => "Beginnen Sie die Nummer mit {prefix} oder mit +{code}.",
        Msg::NumberTooShort => {
            "Diese Nummer ist zu kurz. Bitte geben Sie Ihre vollständige Nummer mit Vorwahl ein."
        }
        Msg::NumberTooLong => {
            "Diese Nummer hat zu viele Ziffern. Bitte prüfen Sie sie, oder beginnen Sie eine ausländische Nummer mit + und der Ländervorwahl."
        }
        Msg::LiveCalls => "Laufende Anrufe",
        Msg::EndCall => "Anruf beenden",
        Msg::EndConfirm => "Diesen Anruf beenden?",
        Msg::Yes => "Ja",
        Msg::No => "Nein",
        Msg::SayLabel => "Den Agenten sagen lassen",
        Msg::Say => "Sagen",
        Msg::Commands => "In diesen Anruf gesendet",
        Msg::Exporting => "Export läuft… {done} von {total}",
        Msg::Exported => "one={count} Anruf exportiert|other={count} Anrufe exportiert",
        Msg::RangeOf => "{first}–{last} von {total}",
        Msg::TransferTo => "Weiterleiten an {alias}",
        Msg::DidNote => "Getippt von {by}, {clock}",
        Msg::DidSay => "Vom Agenten gesprochen für {by}, {clock}",
        Msg::DidEnd => "Beendet von {by}, {clock}",
        Msg::DidTransfer => "Weitergeleitet von {by}, {clock}",
        Msg::DidTransferTo => "An {to} weitergeleitet von {by}, {clock}",
        Msg::DidOther => "{kind} von {by}, {clock}",
        Msg::TheCaller => "der anrufenden Person",
        Msg::ChartCalls => "Anrufe",
        Msg::ChartOther => "Sonstige",
        Msg::ChartSum => {
            "one={count} Anruf, {first} – {last}|other={count} Anrufe, {first} – {last}"
        }
        Msg::Launcher => "Rückruf anfordern",
        Msg::Broken => {
            "Etwas ist schiefgelaufen. Laden Sie die Seite neu, um es noch einmal zu versuchen."
        }
        Msg::Reload => "Neu laden",
        Msg::Offline => "Das konnte nicht geladen werden. Prüfen Sie Ihre Verbindung.",
    }
}
