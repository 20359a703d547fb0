-- The call record (edge/src/record.rs): one row per call callme placed or
-- heard of, only what the portal shows. Times are Unix milliseconds.
CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  phone TEXT,
  agent TEXT,
  agent_name TEXT,
  status TEXT NOT NULL,
  error TEXT,
  started_ms INTEGER,
  ended_ms INTEGER,
  duration_s INTEGER,
  summary TEXT,
  created_ms INTEGER NOT NULL,
  changed_ms INTEGER NOT NULL,
  checked_ms INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL
);
CREATE INDEX calls_created ON calls (created_ms);
CREATE INDEX calls_phone ON calls (phone, created_ms);
CREATE INDEX calls_agent ON calls (agent_name, created_ms);

-- Small facts the edge keeps between runs (the last reconciling).
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
