//! Spanish: "usted", as a Spanish shop writes to its customers.

use super::Msg;

/// The Spanish text of `msg`.
pub(super) const fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::Close => "Cerrar",
        Msg::Title => "Le llamamos",
        Msg::Intro => "Déjenos su número y nuestro asistente le llamará en unos segundos.",
        Msg::Country => "País",
        Msg::Phone => "Número de teléfono",
        Msg::PhoneHint => "p. ej. 06 12345678",
        Msg::Consent => "Acepto que un asistente de IA me llame por mi consulta.",
        Msg::Name => "Nombre",
        Msg::Note => "¿De qué se trata?",
        Msg::Optional => "opcional",
        Msg::Submit => "Llámenme ahora",
        Msg::Sending => "Enviando…",
        Msg::Dialing => "Marcando…",
        Msg::Connecting => "Su teléfono está sonando…",
        Msg::Transferred => "Estamos transfiriendo su llamada…",
        Msg::InCall => "En llamada",
        Msg::Ended => "Llamada finalizada",
        Msg::Failed => "No se ha podido realizar la llamada",
        Msg::CallAgain => "Vuelvan a llamarme",
        Msg::Network => "Sin conexión. Compruebe su conexión a internet e inténtelo de nuevo.",
        Msg::ServerError => "Algo ha fallado por nuestra parte. Inténtelo de nuevo en un momento.",
        Msg::Loading => "Cargando…",
        Msg::Retry => "Reintentar",
        Msg::NoCalls => "Ninguna llamada coincide con estos filtros.",
        Msg::Refresh => "Actualizar",
        Msg::Status => "Estado",
        Msg::AllStatuses => "Todos",
        Msg::From => "Desde",
        Msg::To => "Hasta",
        Msg::PageSize => "Por página",
        Msg::Previous => "Anterior",
        Msg::Next => "Siguiente",
        Msg::Date => "Fecha",
        Msg::Number => "Número",
        Msg::Agent => "Agente",
        Msg::Duration => "Duración",
        Msg::Summary => "Resumen",
        Msg::StatusConnecting => "Conectando",
        Msg::StatusInProgress => "En curso",
        Msg::StatusEnded => "Finalizada",
        Msg::StatusFailed => "Fallida",
        Msg::StatusTransferred => "Transferida",
        Msg::ChartTitle => "Llamadas por día",
        Msg::History => "Historial de llamadas",
        Msg::Unauthorized => {
            "Su sesión ha caducado. Vuelva a iniciar sesión para ver sus llamadas."
        }
        Msg::Export => "Exportar CSV",
        Msg::Booked => "Llamada programada",
        Msg::BookingCancelled => "Llamada cancelada",
        Msg::CallNow => "Lo antes posible",
        Msg::PickTime => "Elegir una hora",
        Msg::Time => "Hora",
        Msg::BookTime => "Reservar esta hora",
        Msg::CancelBooking => "Cancelar esta llamada",
        Msg::NoSlots => "No hay horas libres en los próximos días.",
        Msg::Upcoming => "Llamadas programadas",
        Msg::NoteSent => "Enviado",
        Msg::ReasonNoAnswer => "Nadie ha contestado.",
        Msg::ReasonBusy => "La línea estaba ocupada.",
        Msg::ReasonVoicemail => "Ha saltado el buzón de voz.",
        Msg::ReasonDeclined => "La llamada fue rechazada.",
        Msg::ReasonNetwork => "Un fallo de red impidió la llamada.",
        Msg::ReasonUnreachable => "No se pudo contactar con el número.",
        Msg::ReasonService => "Nuestro servicio telefónico no pudo realizar la llamada.",
        Msg::RetrySeconds => {
            "one=Demasiadas solicitudes. Inténtelo de nuevo en {count} segundo.|many=Demasiadas solicitudes. Inténtelo de nuevo en {count} de segundos.|other=Demasiadas solicitudes. Inténtelo de nuevo en {count} segundos."
        }
        Msg::RetryMinutes => {
            "one=Demasiadas solicitudes. Inténtelo de nuevo en {count} minuto.|many=Demasiadas solicitudes. Inténtelo de nuevo en {count} de minutos.|other=Demasiadas solicitudes. Inténtelo de nuevo en {count} minutos."
        }
        Msg::TextTooLongMax => "Este texto es demasiado largo: como máximo {max} caracteres.",
        Msg::ErrPhoneEmpty => "Introduzca su número de teléfono.",
        Msg::ErrNeedsCountry => "Elija un país o empiece por + y el prefijo del país.",
        Msg::ErrTrunkPrefix => "Empiece el número por 0 o por + y el prefijo del país.",
        Msg::ErrTooShort => "Este número es demasiado corto.",
        Msg::ErrTooLong => "Este número es demasiado largo.",
        Msg::ErrNeedsPlus => "Empiece el número por + y el prefijo del país.",
        Msg::ErrNoDigits => "Escriba el número después del +.",
        Msg::ErrLeadingZero => "Un prefijo de país nunca empieza por 0.",
        Msg::ErrExtraZero => "Después del prefijo del país, el número no puede empezar por 0.",
        Msg::ErrDigitsOnly => "Use solo dígitos, por ejemplo 06 12345678.",
        Msg::ErrInvalidPhone => "Este número de teléfono no existe. Compruebe el número y el país.",
        Msg::ErrCountry => "No podemos llamar a números de este país.",
        Msg::ErrNumberType => {
            "No podemos llamar a números de tarificación adicional, de coste compartido ni a otros números especiales. Introduzca un número móvil o fijo."
        }
        Msg::ErrPremiumRate => {
            "Es un número de tarificación adicional: no podemos llamarlo. Introduzca un número móvil o fijo."
        }
        Msg::ErrSharedCost => {
            "Es un número de coste compartido: no podemos llamarlo. Introduzca un número móvil o fijo."
        }
        Msg::ErrConsent => "Marque la casilla para aceptar la llamada.",
        Msg::ErrBotMissing => "Complete primero la verificación de seguridad.",
        Msg::ErrBotFailed => {
            "La verificación de seguridad ha fallado. Recargue la página e inténtelo de nuevo."
        }
        Msg::ErrOrigin => "Este sitio web no puede usar este servicio de llamadas.",
        Msg::ErrTextLong => "Este texto es demasiado largo.",
        Msg::ErrTextEmpty => "Este campo está vacío.",
        Msg::ErrTextCharacters => "Este texto contiene caracteres no permitidos.",
        Msg::ErrTextInvisible => {
            "Este texto contiene un carácter invisible. Escríbalo de nuevo sin copiarlo."
        }
        Msg::ErrUpstreamRejected => {
            "No se puede llamar a este número. Compruébelo e inténtelo de nuevo."
        }
        Msg::ErrUpstream => {
            "Nuestro servicio telefónico no ha respondido. Inténtelo de nuevo en un momento."
        }
        Msg::ErrSlot => "Esta hora ya no está disponible. Elija otra.",
        Msg::ErrNotCancellable => "Esta llamada ya no se puede cancelar.",
        Msg::ErrNotLive => "La llamada no está en curso.",
        Msg::ErrSetup => {
            "Este botón de llamada no está bien configurado. Avise al sitio web, por favor."
        }
        Msg::ErrClosed => "Ahora estamos cerrados. Vuelva a intentarlo cuando estemos abiertos.",
        Msg::ErrBusy => "Ahora mismo tenemos mucha demanda. Inténtelo de nuevo en un momento.",
        Msg::ErrReload => "Algo ha fallado. Recargue la página e inténtelo de nuevo.",
        Msg::ErrNotFollowed => "Esta llamada ya no se puede seguir aquí.",
        Msg::ErrStartAfterEnd => "La fecha de inicio es posterior a la fecha de fin.",
        Msg::ErrCheckInput => "Revise los datos introducidos.",
        Msg::NoteLabel => "Escríbalo para el agente",
        Msg::NoteSend => "Enviar",
        Msg::WillCall => "Llamaremos al {number}",
        Msg::Calling => "Llamando al {number}",
        Msg::CallingOn => "Llamaremos al {number} el {when}.",
        Msg::NotCallingOn => "No llamaremos al {number} el {when}.",
        Msg::CancelConfirm => "¿Cancelar esta llamada?",
        Msg::CancelYes => "Sí, cancelarla",
        Msg::KeepBooking => "Mantenerla",
        Msg::BookAgain => "Elegir otra hora",
        Msg::Day => "Día",
        Msg::Night => "Madrugada",
        Msg::Morning => "Mañana",
        Msg::Afternoon => "Tarde",
        Msg::Evening => "Noche",
        Msg::ZoneNote => "Las horas se muestran en su zona horaria. La nuestra: {zone}.",
        Msg::ClosedUntil => "Ahora estamos cerrados. Podemos llamarle a partir del {when}.",
        Msg::ClosedNow => "Ahora estamos cerrados.",
        Msg::NumberExtraZero => {
            "Después de +{code}, el número no puede empezar por 0. Compruebe el número."
        }
        Msg::NumberTrunkPrefix => "Empiece el número por {prefix} o por +{code}.",
        Msg::NumberTooShort => {
            "Este número es demasiado corto. Introduzca su número completo, con el prefijo."
        }
        Msg::NumberTooLong => {
            "Este número tiene demasiados dígitos. Compruébelo, o empiece por + y el prefijo del país si es extranjero."
        }
        Msg::LiveCalls => "Llamadas en curso",
        Msg::EndCall => "Finalizar llamada",
        Msg::EndConfirm => "¿Finalizar esta llamada?",
        Msg::Yes => "Sí",
        Msg::No => "No",
        Msg::SayLabel => "Que el agente diga",
        Msg::Say => "Decir",
        Msg::Commands => "Enviado a esta llamada",
        Msg::Exporting => "Exportando… {done} de {total}",
        Msg::Exported => {
            "one={count} llamada exportada|many={count} de llamadas exportadas|other={count} llamadas exportadas"
        }
        Msg::RangeOf => "{first}–{last} de {total}",
        Msg::TransferTo => "Transferir a {alias}",
        Msg::DidNote => "Escrito por {by}, {clock}",
        Msg::DidSay => "Dicho por el agente para {by}, {clock}",
        Msg::DidEnd => "Finalizada por {by}, {clock}",
        Msg::DidTransfer => "Transferida por {by}, {clock}",
        Msg::DidTransferTo => "Transferida a {to} por {by}, {clock}",
        Msg::DidOther => "{kind} por {by}, {clock}",
        Msg::TheCaller => "quien llamó",
        Msg::ChartCalls => "Llamadas",
        Msg::ChartOther => "Otras",
        Msg::ChartSum => {
            "one={count} llamada, {first} – {last}|many={count} de llamadas, {first} – {last}|other={count} llamadas, {first} – {last}"
        }
        Msg::Launcher => "Solicitar una llamada",
        Msg::Broken => "Algo ha fallado. Recargue la página para volver a intentarlo.",
        Msg::Reload => "Recargar",
        Msg::Offline => "No se ha podido cargar. Compruebe su conexión.",
    }
}
