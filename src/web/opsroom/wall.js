// The opsroom wall: reload when the board changes (server-sent events). Without
// script the page refreshes itself every minute (a meta refresh).
const wall = document.getElementById("ops-wall");
const source = wall?.dataset.events;
if (source && "EventSource" in window) {
  const events = new EventSource(source);
  events.addEventListener("changed", () => window.location.reload());
}
