-- Durable commands (DESIGN.md 3), the PostgreSQL port of sqlite/V2: one row per command, its state,
-- delivery bookkeeping and result. States are the CommandState names; result_status is the wire name of
-- CommandResult.Status (ok, error, rejected).

CREATE TABLE commands (
  id              TEXT    NOT NULL PRIMARY KEY,
  device_id       TEXT    NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  action          TEXT    NOT NULL,
  params          TEXT,                             -- a JSON value as text
  state           TEXT    NOT NULL CHECK (state IN ('QUEUED', 'WOKEN', 'DELIVERED', 'SUCCEEDED', 'FAILED',
                                                    'EXPIRED', 'TIMED_OUT', 'CANCELLED')),
  created_at      BIGINT  NOT NULL,
  not_before      BIGINT,                           -- not delivered before; NULL for at once
  expires_at      BIGINT  NOT NULL,                 -- created_at + TTL: not delivered from this instant on
  idempotency_key TEXT,                             -- caller-chosen, unique per device; NULL keys never collide
  retryable       BOOLEAN NOT NULL,
  delivered_at    BIGINT,
  result_deadline BIGINT,
  completed_at    BIGINT,
  result_status   TEXT    CHECK (result_status IN ('ok', 'error', 'rejected')),
  result_code     TEXT,
  result_data     TEXT,                             -- a JSON value as text
  deliveries      INTEGER NOT NULL DEFAULT 0,
  -- create(): INSERT ... ON CONFLICT (device_id, idempotency_key) DO NOTHING; its index, led by
  -- device_id, also serves the ON DELETE CASCADE from devices
  UNIQUE (device_id, idempotency_key)
);

-- listByDevice(), due(), deliver(), markWoken(): WHERE device_id = ? AND state IN (...) ORDER BY created_at, id
CREATE INDEX commands_device_state_created ON commands (device_id, state, created_at, id);
-- expire(), devicesWithDueCommands(): WHERE state IN ('QUEUED', 'WOKEN') AND expires_at <= / > ?
CREATE INDEX commands_state_expires ON commands (state, expires_at);
-- timeOut(): WHERE state = 'DELIVERED' AND result_deadline <= ?
CREATE INDEX commands_state_deadline ON commands (state, result_deadline);
-- as in sqlite/V2; V7 drops it again
CREATE INDEX commands_state_not_before ON commands (state, not_before);
