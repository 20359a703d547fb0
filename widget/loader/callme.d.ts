// Types of callme's custom elements, for pages that load
// https://<your edge>/callme.js. Reference this file beside it:
//   /// <reference path="callme.d.ts" />
// Events bubble and are composed, so they reach `document` as well as the
// element; no event ever carries the visitor's number or name.

/** A callback's status as the visitor sees it. */
type CallmeStatus = "scheduled" | "dialing" | "connecting" | "in-progress" | "ended" | "failed" | "cancelled";

/** `callme:requested`: the edge accepted the callback. */
interface CallmeRequestedDetail {
  /** `dialing` for a call now; `scheduled` for a booked slot. */
  status: CallmeStatus;
  /** The booked slot (RFC 3339), for a scheduled callback. */
  at?: string;
}

/** `callme:status`: the call moved on. */
interface CallmeStatusDetail {
  status: CallmeStatus;
}

/** `callme:error`: a refusal or failure the visitor was shown. */
interface CallmeErrorDetail {
  /**
   * The edge's error code (`country_not_allowed`, `rate_limited`, ...; see
   * the README), a shared rule's (`phone_too_short`, ...), or the widget's
   * own: `network`, `unreadable`, `unauthorized`, `unknown` (a code newer
   * than the widget).
   */
  code: string;
  /**
   * The form field it is about (`phone`, `consent`, `name`, `note`, ...;
   * `text` for the note typed during the call).
   */
  field?: string;
}

/**
 * `callme:note`: the visitor's note reached the agent during the call. It
 * carries nothing: never what the visitor typed.
 */
interface CallmeNoteDetail {}

/** Every event a `<callme-button>` sends, by name. */
interface CallmeButtonEventMap {
  "callme:open": CustomEvent<Record<string, never>>;
  "callme:close": CustomEvent<Record<string, never>>;
  "callme:requested": CustomEvent<CallmeRequestedDetail>;
  "callme:status": CustomEvent<CallmeStatusDetail>;
  "callme:error": CustomEvent<CallmeErrorDetail>;
  "callme:note": CustomEvent<CallmeNoteDetail>;
}

/** `<callme-button endpoint agent lang default-country consent-text phone name preload floating compact>` */
interface CallmeButtonElement extends HTMLElement {
  /** Opens the form (loading its code first if needed), as a click would. */
  open(): void;
  /** Closes the form. */
  close(): void;
  addEventListener<K extends keyof CallmeButtonEventMap>(
    type: K,
    listener: (this: CallmeButtonElement, event: CallmeButtonEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof CallmeButtonEventMap>(
    type: K,
    listener: (this: CallmeButtonElement, event: CallmeButtonEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}

/**
 * `<callme-history endpoint token lang page-size transfer-targets>`: a
 * portal user's call history. For a token whose `scope` has
 * `calls:control`, the live calls come first with "End call", "Transfer to
 * …" (one button per alias of `transfer-targets`, comma separated, e.g.
 * `"sales,desk"`: aliases of the edge's `TRANSFER_TARGETS`) and "Say …".
 */
interface CallmeHistoryElement extends HTMLElement {}

interface HTMLElementTagNameMap {
  "callme-button": CallmeButtonElement;
  "callme-history": CallmeHistoryElement;
}

// The events bubble out of the shadow root: listeners on the document and
// the window see them typed too.
interface DocumentEventMap extends CallmeButtonEventMap {}
interface WindowEventMap extends CallmeButtonEventMap {}
