-- The session log (DESIGN 5): one row per session request, accepted or not, with its times, reasons and
-- both devices' end reports. No foreign keys to devices: the log is history and outlives deleted devices.
--
-- Instants are epoch milliseconds in BIGINT columns, as in V1; permitted_millis is a duration in
-- milliseconds. mode and state are the PermissionList.Mode and SessionState names, as in V8.
-- session_key is the 32-byte session key, NULL once the session is final. Each end report is five
-- columns, all NULL until that device reports.

CREATE TABLE sessions (
  id                        TEXT    NOT NULL PRIMARY KEY,
  requester_id              TEXT    NOT NULL,
  requester_name            TEXT,
  peer                      TEXT    NOT NULL,          -- what the requester asked for, as sent
  target_id                 TEXT,
  target_name               TEXT,
  mode                      TEXT    CHECK (mode IN ('SERVER', 'DEVICE')),
  state                     TEXT    NOT NULL CHECK (state IN ('REQUESTED', 'ESTABLISHED', 'ENDED', 'REJECTED')),
  reason                    TEXT,
  ended_by                  TEXT,
  operator                  TEXT,
  requested_at              BIGINT  NOT NULL,
  consent_deadline          BIGINT,
  established_at            BIGINT,
  permitted_millis          BIGINT,
  period_start              BIGINT,
  expires_at                BIGINT,
  limit_at                  BIGINT,                    -- Session.limit (LIMIT is an SQL keyword)
  extensions                INTEGER NOT NULL CHECK (extensions >= 0),
  ended_at                  BIGINT,
  session_key               BYTEA,
  requester_end_reason      TEXT,
  requester_bytes_sent      BIGINT,
  requester_bytes_received  BIGINT,
  requester_path            TEXT,
  requester_reported_at     BIGINT,
  target_end_reason         TEXT,
  target_bytes_sent         BIGINT,
  target_bytes_received     BIGINT,
  target_path               TEXT,
  target_reported_at        BIGINT
);

-- list(): ORDER BY requested_at DESC, id
CREATE INDEX sessions_requested ON sessions (requested_at DESC, id);
-- list(device), list(visibleTo): WHERE requester_id = ? OR target_id = ?
CREATE INDEX sessions_requester ON sessions (requester_id, requested_at DESC, id);
CREATE INDEX sessions_target ON sessions (target_id, requested_at DESC, id);
-- live(), list(state): WHERE state IN / = ...
CREATE INDEX sessions_state ON sessions (state, requested_at DESC, id);

-- A permission list's own maximum session duration, in seconds; NULL for the server's default.
ALTER TABLE permission_lists ADD COLUMN max_duration_seconds BIGINT;
