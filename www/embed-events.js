// The embedding guide's live example of the host-page API: every callme
// event goes to a log on the page (where a site would call its analytics),
// and a button of the page opens the form. No event carries the visitor's
// number or name, so the detail can go to analytics as it is.
const log = document.querySelector("#callme-log");
for (const name of ["open", "close", "requested", "status", "note", "error"]) {
  document.addEventListener(`callme:${name}`, (event) => {
    // A site would write: analytics.track(event.type, event.detail);
    const line = document.createElement("li");
    line.textContent = `${event.type} ${JSON.stringify(event.detail)}`;
    log.append(line);
  });
}
document.querySelector("#talk-to-us").addEventListener("click", () => {
  document.querySelector("#guide-button").open();
});
