// The baseline for the history's rendering in `cargo xtask bench`: the
// same rows as <callme-history> (date, number, agent, status badge,
// duration, summary behind a disclosure, failure reason) built with plain
// DOM calls, one date formatter reused for every row.
const BADGES = { connecting: "Connecting", "in-progress": "In progress", ended: "Ended", failed: "Failed" };
const HEADINGS = ["Date", "Number", "Agent", "Status", "Duration", "Summary"];

function duration(seconds) {
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

function cell(row, text, className) {
  const td = row.insertCell();
  if (className) td.className = className;
  if (text != null) td.textContent = text;
  return td;
}

/** Builds the table of `calls` into `root` (replacing what was there). */
export function buildTable(root, calls, lang = "en") {
  const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const heading of HEADINGS) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = heading;
    head.append(th);
  }
  const body = table.createTBody();
  for (const call of calls) {
    const row = body.insertRow();
    row.dataset.testid = "row";
    cell(row, dates.format(new Date(call.started_at ?? call.created_at)));
    cell(row, call.caller_phone, "number");
    cell(row, call.agent_name ?? "");
    const badge = document.createElement("span");
    const kind = BADGES[call.status] ? call.status : "other";
    badge.className = `badge ${kind}`;
    badge.textContent = BADGES[call.status] ?? call.status;
    cell(row, null).append(badge);
    cell(row, call.duration_seconds == null ? null : duration(call.duration_seconds), "duration");
    const summary = cell(row, null, "summary");
    if (call.summary != null) {
      const details = document.createElement("details");
      const title = document.createElement("summary");
      title.textContent = "Summary";
      const text = document.createElement("p");
      text.textContent = call.summary;
      details.append(title, text);
      summary.append(details);
    }
    if (call.error != null) {
      const failure = document.createElement("p");
      failure.className = "failure";
      failure.textContent = call.error;
      summary.append(failure);
    }
  }
  root.replaceChildren(table);
  return table;
}
