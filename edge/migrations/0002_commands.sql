-- Live call control (edge/src/control.rs): every command sent into a call,
-- what, when and by whom (a portal token's sub, or "visitor"); never the
-- words. Deleted with their call.
CREATE TABLE commands (
  call_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  by_whom TEXT NOT NULL,
  target TEXT
);
CREATE INDEX commands_call ON commands (call_id, at_ms);
