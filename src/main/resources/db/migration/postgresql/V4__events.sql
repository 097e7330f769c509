-- The durable event log (DESIGN.md 2.4), the PostgreSQL port of sqlite/V4. Ids must increase in commit
-- order and never be reused, also after pruning. A sequence gives neither guarantee across concurrent
-- transactions (a later id can commit first, and a reader resuming after it would skip the earlier
-- one), so ids come from a counter row that every append increments as the first statement of its
-- transaction: appends are serialized on that row lock, and ids follow the commit order.

CREATE TABLE event_counter (
  id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  last_id BIGINT  NOT NULL
);
INSERT INTO event_counter (id, last_id) VALUES (1, 0);

CREATE TABLE events (
  id        BIGINT  NOT NULL PRIMARY KEY,
  type      TEXT    NOT NULL,                    -- wire name, e.g. command.succeeded
  time      BIGINT  NOT NULL,                    -- epoch milliseconds
  device_id TEXT,                                -- no foreign key: events outlive their device
  data      TEXT    NOT NULL CHECK (json_typeof(data::json) = 'object')
);

-- pruneOlderThan(): WHERE time < ? ORDER BY time LIMIT ?
CREATE INDEX events_time ON events (time);
