-- The durable event log (DESIGN.md 2.4): every domain event, with a store-assigned id that increases in
-- append order. AUTOINCREMENT makes SQLite never reuse an id, also after the oldest events were pruned,
-- so a subscriber resuming with after=<id> can never be handed a different event under a known id.
-- (INTEGER, not BIGINT: only INTEGER PRIMARY KEY is the 64-bit rowid.)

CREATE TABLE events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  type      TEXT    NOT NULL,                    -- wire name, e.g. command.succeeded
  time      BIGINT  NOT NULL,                    -- epoch milliseconds
  device_id TEXT,                                -- no foreign key: events outlive their device
  data      TEXT    NOT NULL CHECK (json_valid(data) AND json_type(data) = 'object')
);

-- pruneOlderThan(): WHERE time < ? ORDER BY time LIMIT ?
CREATE INDEX events_time ON events (time);
