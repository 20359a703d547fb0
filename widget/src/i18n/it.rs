//! Italian: the polite "Lei", as an Italian shop writes to its customers.

use super::Msg;

/// The Italian text of `msg`.
pub(super) const fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::Close => "Chiudi",
        Msg::Title => "La richiamiamo noi",
        Msg::Intro => "Lasci il suo numero e il nostro assistente la chiamerà in pochi secondi.",
        Msg::Country => "Paese",
        Msg::Phone => "Numero di telefono",
        Msg::PhoneHint => "es. 06 12345678",
        Msg::Consent => "Acconsento a ricevere una chiamata da un assistente IA sulla mia domanda.",
        Msg::Name => "Nome",
        Msg::Note => "Di cosa si tratta?",
        Msg::Optional => "facoltativo",
        Msg::Submit => "Chiamatemi ora",
        Msg::Sending => "Invio in corso…",
        Msg::Dialing => "Composizione del numero…",
        Msg::Connecting => "Il suo telefono sta squillando…",
        Msg::Transferred => "Stiamo trasferendo la sua chiamata…",
        Msg::InCall => "In chiamata",
        Msg::Ended => "Chiamata terminata",
        Msg::Failed => "La chiamata non è andata a buon fine",
        Msg::CallAgain => "Richiamatemi",
        Msg::Network => "Nessuna connessione. Controlli la connessione a internet e riprovi.",
        Msg::ServerError => "Qualcosa non ha funzionato da parte nostra. Riprovi tra poco.",
        Msg::Loading => "Caricamento…",
        Msg::Retry => "Riprova",
        Msg::NoCalls => "Nessuna chiamata corrisponde a questi filtri.",
        Msg::Refresh => "Aggiorna",
        Msg::Status => "Stato",
        Msg::AllStatuses => "Tutti",
        Msg::From => "Dal",
        Msg::To => "Al",
        Msg::PageSize => "Per pagina",
        Msg::Previous => "Precedente",
        Msg::Next => "Successiva",
        Msg::Date => "Data",
        Msg::Number => "Numero",
        Msg::Agent => "Agente",
        Msg::Duration => "Durata",
        Msg::Summary => "Riepilogo",
        Msg::StatusConnecting => "In connessione",
        Msg::StatusInProgress => "In corso",
        Msg::StatusEnded => "Terminata",
        Msg::StatusFailed => "Non riuscita",
        Msg::StatusTransferred => "Trasferita",
        Msg::ChartTitle => "Chiamate al giorno",
        Msg::History => "Cronologia chiamate",
        Msg::Unauthorized => "La sessione è scaduta. Acceda di nuovo per vedere le sue chiamate.",
        Msg::Export => "Esporta CSV",
        Msg::Booked => "Richiamata prenotata",
        Msg::BookingCancelled => "Richiamata annullata",
        Msg::CallNow => "Il prima possibile",
        Msg::PickTime => "Scegli un orario",
        Msg::Time => "Orario",
        Msg::BookTime => "Prenota questo orario",
        Msg::CancelBooking => "Annulla questa richiamata",
        Msg::NoSlots => "Nei prossimi giorni non ci sono orari liberi.",
        Msg::Upcoming => "Richiamate prenotate",
        Msg::NoteSent => "Inviato",
        Msg::ReasonNoAnswer => "Nessuno ha risposto.",
        Msg::ReasonBusy => "La linea era occupata.",
        Msg::ReasonVoicemail => "Ha risposto la segreteria telefonica.",
        Msg::ReasonDeclined => "La chiamata è stata rifiutata.",
        Msg::ReasonNetwork => "Un problema di rete ha impedito la chiamata.",
        Msg::ReasonUnreachable => "Il numero non era raggiungibile.",
        Msg::ReasonService => {
            "Il nostro servizio telefonico non è riuscito a effettuare la chiamata."
        }
        Msg::RetrySeconds => {
            "one=Troppe richieste. Riprovi tra {count} secondo.|many=Troppe richieste. Riprovi tra {count} di secondi.|other=Troppe richieste. Riprovi tra {count} secondi."
        }
        Msg::RetryMinutes => {
            "one=Troppe richieste. Riprovi tra {count} minuto.|many=Troppe richieste. Riprovi tra {count} di minuti.|other=Troppe richieste. Riprovi tra {count} minuti."
        }
        Msg::TextTooLongMax => "Questo testo è troppo lungo: al massimo {max} caratteri.",
        Msg::ErrPhoneEmpty => "Inserisca il suo numero di telefono.",
        Msg::ErrNeedsCountry => "Scelga un paese oppure inizi con + e il prefisso internazionale.",
        Msg::ErrTrunkPrefix => "Inizi il numero con 0 oppure con + e il prefisso internazionale.",
        Msg::ErrTooShort => "Questo numero è troppo corto.",
        Msg::ErrTooLong => "Questo numero è troppo lungo.",
        Msg::ErrNeedsPlus => "Inizi il numero con + e il prefisso internazionale.",
        Msg::ErrNoDigits => "Scriva il numero dopo il +.",
        Msg::ErrLeadingZero => "Un prefisso internazionale non inizia mai con 0.",
        Msg::ErrExtraZero => "Dopo il prefisso internazionale il numero non può iniziare con 0.",
        Msg::ErrDigitsOnly => "Usi solo cifre, ad esempio 06 12345678.",
        Msg::ErrInvalidPhone => {
            "Questo numero di telefono non esiste. Controlli il numero e il paese."
        }
        Msg::ErrCountry => "Non possiamo chiamare numeri di questo paese.",
        Msg::ErrNumberType => {
            "Non possiamo chiamare numeri a tariffazione speciale, a costo condiviso o altri numeri speciali. Inserisca un numero di cellulare o fisso."
        }
        Msg::ErrPremiumRate => {
            "È un numero a tariffazione speciale: non possiamo chiamarlo. Inserisca un numero di cellulare o fisso."
        }
        Msg::ErrSharedCost => {
            "È un numero a costo condiviso: non possiamo chiamarlo. Inserisca un numero di cellulare o fisso."
        }
        Msg::ErrConsent => "Spunti la casella per accettare la chiamata.",
        Msg::ErrBotMissing => "Completi prima il controllo di sicurezza.",
        Msg::ErrBotFailed => {
            "Il controllo di sicurezza non è riuscito. Ricarichi la pagina e riprovi."
        }
        Msg::ErrOrigin => "Questo sito non è autorizzato a usare questo servizio di chiamata.",
        Msg::ErrTextLong => "Questo testo è troppo lungo.",
        Msg::ErrTextEmpty => "Questo campo è vuoto.",
        Msg::ErrTextCharacters => "Questo testo contiene caratteri non consentiti.",
        Msg::ErrTextInvisible => {
            "Questo testo contiene un carattere invisibile. Lo riscriva senza copiarlo."
        }
        Msg::ErrUpstreamRejected => {
            "Questo numero non può essere chiamato. Lo controlli e riprovi."
        }
        Msg::ErrUpstream => "Il nostro servizio telefonico non ha risposto. Riprovi tra poco.",
        Msg::ErrSlot => "Questo orario non è più disponibile. Ne scelga un altro.",
        Msg::ErrNotCancellable => "Questa richiamata non può più essere annullata.",
        Msg::ErrNotLive => "La chiamata non è in corso.",
        Msg::ErrSetup => {
            "Questo pulsante di chiamata non è configurato bene. Lo segnali al sito, per favore."
        }
        Msg::ErrClosed => "Ora siamo chiusi. Riprovi quando saremo aperti.",
        Msg::ErrBusy => "Al momento abbiamo molte richieste. Riprovi tra poco.",
        Msg::ErrReload => "Qualcosa non ha funzionato. Ricarichi la pagina e riprovi.",
        Msg::ErrNotFollowed => "Questa chiamata non si può più seguire qui.",
        Msg::ErrStartAfterEnd => "La data di inizio è successiva alla data di fine.",
        Msg::ErrCheckInput => "Controlli i dati inseriti.",
        Msg::NoteLabel => "Lo scriva per l’agente",
        Msg::NoteSend => "Invia",
        Msg::WillCall => "Chiameremo il {number}",
        Msg::Calling => "Stiamo chiamando il {number}",
        Msg::CallingOn => "Chiameremo il {number} il {when}.",
        Msg::NotCallingOn => "Non chiameremo il {number} il {when}.",
        Msg::CancelConfirm => "Annullare questa richiamata?",
        Msg::CancelYes => "Sì, annullala",
        Msg::KeepBooking => "Mantienila",
        Msg::BookAgain => "Scegli un altro orario",
        Msg::Day => "Giorno",
        Msg::Night => "Notte",
        Msg::Morning => "Mattina",
        Msg::Afternoon => "Pomeriggio",
        Msg::Evening => "Sera",
        Msg::ZoneNote => "Gli orari sono indicati nel suo fuso orario. Il nostro: {zone}.",
        Msg::ClosedUntil => "Ora siamo chiusi. Possiamo chiamarla a partire da {when}.",
        Msg::ClosedNow => "Ora siamo chiusi.",
        Msg::NumberExtraZero => {
            "Dopo +{code} il numero non può iniziare con 0. Controlli il numero."
        }
        Msg::NumberTrunkPrefix => "Inizi il numero con {prefix} oppure con +{code}.",
        Msg::NumberTooShort => {
            "Questo numero è troppo corto. Inserisca il numero completo, con il prefisso."
        }
        Msg::NumberTooLong => {
            "Questo numero ha troppe cifre. Lo controlli, oppure inizi con + e il prefisso del paese se è estero."
        }
        Msg::LiveCalls => "Chiamate in corso",
        Msg::EndCall => "Termina chiamata",
        Msg::EndConfirm => "Terminare questa chiamata?",
        Msg::Yes => "Sì",
        Msg::No => "No",
        Msg::SayLabel => "Fai dire all’agente",
        Msg::Say => "Dire",
        Msg::Commands => "Inviato in questa chiamata",
        Msg::Exporting => "Esportazione… {done} di {total}",
        Msg::Exported => {
            "one={count} chiamata esportata|many={count} di chiamate esportate|other={count} chiamate esportate"
        }
        Msg::RangeOf => "{first}–{last} di {total}",
        Msg::TransferTo => "Trasferisci a {alias}",
        Msg::DidNote => "Scritto da {by}, {clock}",
        Msg::DidSay => "Detto dall’agente per {by}, {clock}",
        Msg::DidEnd => "Terminata da {by}, {clock}",
        Msg::DidTransfer => "Trasferita da {by}, {clock}",
        Msg::DidTransferTo => "Trasferita a {to} da {by}, {clock}",
        Msg::DidOther => "{kind} da {by}, {clock}",
        Msg::TheCaller => "chi ha chiamato",
        Msg::ChartCalls => "Chiamate",
        Msg::ChartOther => "Altre",
        Msg::ChartSum => {
            "one={count} chiamata, {first} – {last}|many={count} di chiamate, {first} – {last}|other={count} chiamate, {first} – {last}"
        }
        Msg::Launcher => "Richiedi una chiamata",
        Msg::Broken => "Qualcosa non ha funzionato. Ricarichi la pagina per riprovare.",
        Msg::Reload => "Ricarica",
        Msg::Offline => "Impossibile caricare. Controlli la connessione.",
    }
}
