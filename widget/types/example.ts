// Checked by `tsc --noEmit` in `cargo xtask test`: a page that uses every
// event and method callme.d.ts declares, as a site owner would.
/// <reference path="../loader/callme.d.ts" />

const button = document.querySelector("callme-button");
if (button) {
  button.addEventListener("callme:open", () => console.log("opened"));
  button.addEventListener("callme:close", () => console.log("closed"));
  button.addEventListener("callme:requested", (event) => {
    const status: CallmeStatus = event.detail.status;
    const at: string | undefined = event.detail.at;
    console.log("requested", status, at);
  });
  button.addEventListener("callme:status", (event) => console.log("status", event.detail.status));
  button.addEventListener("callme:error", (event) => {
    const { code, field } = event.detail;
    console.log("error", code, field ?? "(no field)");
  });
  button.addEventListener("callme:note", (event) => {
    const detail: CallmeNoteDetail = event.detail;
    console.log("note sent", detail);
    // @ts-expect-error a note event never carries what the visitor typed
    console.log(event.detail.text);
  });
  button.open();
  button.close();
}

// Bubbled and composed: one listener for every button on the page.
document.addEventListener("callme:requested", (event) => {
  const detail: CallmeRequestedDetail = event.detail;
  console.log(detail.status);
});
window.addEventListener("callme:error", (event) => console.log(event.detail.code));

const made = document.createElement("callme-button");
made.setAttribute("phone", "+31612345678");
made.open();

const portal: CallmeHistoryElement | null = document.querySelector("callme-history");
portal?.setAttribute("transfer-targets", "sales,desk");
console.log(portal?.tagName);
document.addEventListener("callme:note", (event) => console.log(event.type));

// A mistake the types must catch (checked by the test: removing the
// directive makes tsc fail):
// @ts-expect-error `status` is not a number
const wrong: number = (null as unknown as CallmeStatusDetail).status;
console.log(wrong);
document.addEventListener("callme:status", (event) => {
  // @ts-expect-error a status event has no error code
  console.log(event.detail.code);
});
// @ts-expect-error there is no such method
made.submit();
