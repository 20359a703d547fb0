//! French: "vous", as a French shop writes to its customers; a no-break
//! space (`\u{a0}`) before `?` and `:` as French typography wants.

use super::Msg;

/// The French text of `msg`.
pub(super) const fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::Close => "Fermer",
        Msg::Title => "Nous vous rappelons",
        Msg::Intro => {
            "Laissez votre numéro\u{a0}: notre assistant vous appelle en quelques secondes."
        }
        Msg::Country => "Pays",
        Msg::Phone => "Numéro de téléphone",
        Msg::PhoneHint => "ex. 06 12345678",
        Msg::Consent => "J’accepte qu’un assistant IA m’appelle au sujet de ma question.",
        Msg::Name => "Nom",
        Msg::Note => "À quel sujet\u{a0}?",
        Msg::Optional => "facultatif",
        Msg::Submit => "Appelez-moi maintenant",
        Msg::Sending => "Envoi…",
        Msg::Dialing => "Appel en cours…",
        Msg::Connecting => "Votre téléphone sonne…",
        Msg::Transferred => "Nous transférons votre appel…",
        Msg::InCall => "En communication",
        Msg::Ended => "Appel terminé",
        Msg::Failed => "L’appel n’a pas abouti",
        Msg::CallAgain => "Rappelez-moi",
        Msg::Network => "Pas de connexion. Vérifiez votre connexion Internet et réessayez.",
        Msg::ServerError => "Un problème est survenu de notre côté. Réessayez dans un instant.",
        Msg::Loading => "Chargement…",
        Msg::Retry => "Réessayer",
        Msg::NoCalls => "Aucun appel ne correspond à ces filtres.",
        Msg::Refresh => "Actualiser",
        Msg::Status => "Statut",
        Msg::AllStatuses => "Tous",
        Msg::From => "Du",
        Msg::To => "Au",
        Msg::PageSize => "Par page",
        Msg::Previous => "Précédent",
        Msg::Next => "Suivant",
        Msg::Date => "Date",
        Msg::Number => "Numéro",
        Msg::Agent => "Agent",
        Msg::Duration => "Durée",
        Msg::Summary => "Résumé",
        Msg::StatusConnecting => "Connexion",
        Msg::StatusInProgress => "En cours",
        Msg::StatusEnded => "Terminé",
        Msg::StatusFailed => "Échoué",
        Msg::StatusTransferred => "Transféré",
        Msg::ChartTitle => "Appels par jour",
        Msg::History => "Historique des appels",
        Msg::Unauthorized => "Votre session a expiré. Reconnectez-vous pour voir vos appels.",
        Msg::Export => "Exporter en CSV",
        Msg::Booked => "Rappel programmé",
        Msg::BookingCancelled => "Rappel annulé",
        Msg::CallNow => "Dès que possible",
        Msg::PickTime => "Choisir un horaire",
        Msg::Time => "Horaire",
        Msg::BookTime => "Réserver cet horaire",
        Msg::CancelBooking => "Annuler ce rappel",
        Msg::NoSlots => "Aucun horaire n’est libre dans les prochains jours.",
        Msg::Upcoming => "Rappels programmés",
        Msg::NoteSent => "Envoyé",
        Msg::ReasonNoAnswer => "Personne n’a répondu.",
        Msg::ReasonBusy => "La ligne était occupée.",
        Msg::ReasonVoicemail => "La messagerie vocale a répondu.",
        Msg::ReasonDeclined => "L’appel a été refusé.",
        Msg::ReasonNetwork => "Un problème de réseau a empêché l’appel.",
        Msg::ReasonUnreachable => "Le numéro était injoignable.",
        Msg::ReasonService => "Notre service téléphonique n’a pas pu passer l’appel.",
        Msg::RetrySeconds => {
            "one=Trop de demandes. Réessayez dans {count}\u{a0}seconde.|many=Trop de demandes. Réessayez dans {count}\u{a0}de secondes.|other=Trop de demandes. Réessayez dans {count}\u{a0}secondes."
        }
        Msg::RetryMinutes => {
            "one=Trop de demandes. Réessayez dans {count}\u{a0}minute.|many=Trop de demandes. Réessayez dans {count}\u{a0}de minutes.|other=Trop de demandes. Réessayez dans {count}\u{a0}minutes."
        }
        Msg::TextTooLongMax => "Ce texte est trop long\u{a0}: {max}\u{a0}caractères au maximum.",
        Msg::ErrPhoneEmpty => "Saisissez votre numéro de téléphone.",
        Msg::ErrNeedsCountry => "Choisissez un pays ou commencez par + et l’indicatif du pays.",
        Msg::ErrTrunkPrefix => "Commencez le numéro par 0 ou par + et l’indicatif du pays.",
        Msg::ErrTooShort => "Ce numéro est trop court.",
        Msg::ErrTooLong => "Ce numéro est trop long.",
        Msg::ErrNeedsPlus => "Commencez le numéro par + et l’indicatif du pays.",
        Msg::ErrNoDigits => "Saisissez le numéro après le +.",
        Msg::ErrLeadingZero => "Un indicatif de pays ne commence jamais par 0.",
        Msg::ErrExtraZero => "Après l’indicatif du pays, le numéro ne peut pas commencer par 0.",
        Msg::ErrDigitsOnly => "N’utilisez que des chiffres, par exemple 06 12345678.",
        Msg::ErrInvalidPhone => {
            "Ce numéro de téléphone n’existe pas. Vérifiez le numéro et le pays."
        }
        Msg::ErrCountry => "Nous ne pouvons pas appeler de numéros dans ce pays.",
        Msg::ErrNumberType => {
            "Nous ne pouvons pas appeler les numéros surtaxés, à coût partagé ou spéciaux. Saisissez un numéro de mobile ou de fixe."
        }
        Msg::ErrPremiumRate => {
            "C’est un numéro surtaxé : nous ne pouvons pas l’appeler. Saisissez un numéro de mobile ou de fixe."
        }
        Msg::ErrSharedCost => {
            "C’est un numéro à coût partagé : nous ne pouvons pas l’appeler. Saisissez un numéro de mobile ou de fixe."
        }
        Msg::ErrConsent => "Cochez la case pour accepter l’appel.",
        Msg::ErrBotMissing => "Effectuez d’abord la vérification de sécurité.",
        Msg::ErrBotFailed => {
            "La vérification de sécurité a échoué. Rechargez la page et réessayez."
        }
        Msg::ErrOrigin => "Ce site n’est pas autorisé à utiliser ce service d’appel.",
        Msg::ErrTextLong => "Ce texte est trop long.",
        Msg::ErrTextEmpty => "Ce champ est vide.",
        Msg::ErrTextCharacters => "Ce texte contient des caractères non autorisés.",
        Msg::ErrTextInvisible => {
            "Ce texte contient un caractère invisible. Retapez-le sans copier-coller."
        }
        Msg::ErrUpstreamRejected => "Ce numéro ne peut pas être appelé. Vérifiez-le et réessayez.",
        Msg::ErrUpstream => {
            "Notre service téléphonique n’a pas répondu. Réessayez dans un instant."
        }
        Msg::ErrSlot => "Cet horaire n’est plus disponible. Choisissez-en un autre.",
        Msg::ErrNotCancellable => "Ce rappel ne peut plus être annulé.",
        Msg::ErrNotLive => "L’appel n’est pas en cours.",
        Msg::ErrSetup => "Ce bouton d’appel est mal configuré. Merci de le signaler au site.",
        Msg::ErrClosed => {
            "Nous sommes fermés pour le moment. Réessayez pendant nos heures d’ouverture."
        }
        Msg::ErrBusy => "Nous sommes très sollicités en ce moment. Réessayez dans un instant.",
        Msg::ErrReload => "Un problème est survenu. Rechargez la page et réessayez.",
        Msg::ErrNotFollowed => "Cet appel ne peut plus être suivi ici.",
        Msg::ErrStartAfterEnd => "La date de début est postérieure à la date de fin.",
        Msg::ErrCheckInput => "Vérifiez votre saisie.",
        Msg::NoteLabel => "Écrivez-le pour l’agent",
        Msg::NoteSend => "Envoyer",
        Msg::WillCall => "Nous appellerons le {number}",
        Msg::Calling => "Nous appelons le {number}",
        Msg::CallingOn => "Nous appellerons le {number} le {when}.",
        Msg::NotCallingOn => "Nous n’appellerons pas le {number} le {when}.",
        Msg::CancelConfirm => "Annuler ce rappel\u{a0}?",
        Msg::CancelYes => "Oui, l’annuler",
        Msg::KeepBooking => "Le garder",
        Msg::BookAgain => "Choisir un autre horaire",
        Msg::Day => "Jour",
        Msg::Night => "Nuit",
        Msg::Morning => "Matin",
        Msg::Afternoon => "Après-midi",
        Msg::Evening => "Soir",
        Msg::ZoneNote => {
            "Les horaires sont indiqués dans votre fuseau horaire. Le nôtre\u{a0}: {zone}."
        }
        Msg::ClosedUntil => {
            "Nous sommes fermés pour le moment. Nous pourrons vous appeler dès le {when}."
        }
        Msg::ClosedNow => "Nous sommes fermés pour le moment.",
        Msg::NumberExtraZero => {
            "Après +{code}, le numéro ne peut pas commencer par 0. Vérifiez le numéro."
        }
        Msg::NumberTrunkPrefix => "Commencez le numéro par {prefix} ou par +{code}.",
        Msg::NumberTooShort => {
            "Ce numéro est trop court. Saisissez votre numéro complet, avec l’indicatif."
        }
        Msg::NumberTooLong => {
            "Ce numéro a trop de chiffres. Vérifiez-le, ou commencez par + et l’indicatif du pays pour un numéro étranger."
        }
        Msg::LiveCalls => "Appels en cours",
        Msg::EndCall => "Terminer l’appel",
        Msg::EndConfirm => "Terminer cet appel\u{a0}?",
        Msg::Yes => "Oui",
        Msg::No => "Non",
        Msg::SayLabel => "Faire dire à l’agent",
        Msg::Say => "Dire",
        Msg::Commands => "Envoyé dans cet appel",
        Msg::Exporting => "Export… {done} sur {total}",
        Msg::Exported => {
            "one={count} appel exporté|many={count} d’appels exportés|other={count} appels exportés"
        }
        Msg::RangeOf => "{first}–{last} sur {total}",
        Msg::TransferTo => "Transférer à {alias}",
        Msg::DidNote => "Saisi par {by}, {clock}",
        Msg::DidSay => "Dit par l’agent pour {by}, {clock}",
        Msg::DidEnd => "Terminé par {by}, {clock}",
        Msg::DidTransfer => "Transféré par {by}, {clock}",
        Msg::DidTransferTo => "Transféré à {to} par {by}, {clock}",
        Msg::DidOther => "{kind} par {by}, {clock}",
        Msg::TheCaller => "l’appelant",
        Msg::ChartCalls => "Appels",
        Msg::ChartOther => "Autres",
        Msg::ChartSum => {
            "one={count} appel, {first} – {last}|many={count} d’appels, {first} – {last}|other={count} appels, {first} – {last}"
        }
        Msg::Launcher => "Être rappelé",
        Msg::Broken => "Un problème est survenu. Rechargez la page pour réessayer.",
        Msg::Reload => "Recharger",
        Msg::Offline => "Le chargement a échoué. Vérifiez votre connexion.",
    }
}
