// The demo portal's stand-in for a backend, which would write the
// signed-in customer's portal token into the page. Here the token comes in
// the address's fragment (`cargo xtask dev` prints the link): browsers never
// send a fragment to a server, so it reaches no request log. It moves to
// this tab's session storage and out of the address bar, so that the link
// is not bookmarked or shared with the token in it.
const KEY = "callme-demo-portal-token";
const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromLink) {
  sessionStorage.setItem(KEY, fromLink);
  history.replaceState(null, "", location.pathname + location.search);
}
const token = sessionStorage.getItem(KEY);
const calls = document.querySelector("callme-history");
if (token) {
  calls.setAttribute("token", token);
} else {
  // Without a token the history could only say "not accepted".
  calls.remove();
  document.getElementById("signed-out").hidden = false;
}
