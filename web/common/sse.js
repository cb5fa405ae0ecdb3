// 实时事件：服务器推送（SSE）的订阅。
// Server-sent events of /api/v1/events and /api/v1/screen/events. Each event's data is the feed line
// {"data", "seq", "time", "topic", "type"} (protocol-docs/feed-protocol.md); the browser's EventSource
// reconnects by itself (the server says `retry: 3000`) and resumes with Last-Event-ID.

/**
 * Subscribes to `url`. `handlers` maps event types ("card.read", "occupancy.changed", …) to functions
 * called with (data, line); the key "*" gets every event. `onState` is called with "open", "reconnecting"
 * or "closed". Returns a function that closes the stream.
 */
export function subscribe(url, handlers, onState = () => {}) {
  const source = new EventSource(url, { withCredentials: true });
  const seen = new Set();
  const dispatch = (type, message) => {
    let line;
    try {
      line = JSON.parse(message.data);
    } catch (_) {
      return;
    }
    const data = line && typeof line === "object" && "data" in line ? line.data : line;
    if (handlers[type]) handlers[type](data, line);
    if (handlers["*"]) handlers["*"](data, line, type);
  };
  for (const type of Object.keys(handlers)) {
    if (type === "*" || seen.has(type)) continue;
    seen.add(type);
    source.addEventListener(type, (message) => dispatch(type, message));
  }
  if (handlers["*"]) source.onmessage = (message) => dispatch("message", message);
  source.onopen = () => onState("open");
  source.onerror = () => onState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
  return () => {
    source.close();
    onState("closed");
  };
}
