-- Devices, their one-time enrollment tokens and the record of revoked certificates (the PostgreSQL port
-- of sqlite/V1). Instants are epoch milliseconds in BIGINT columns, as on SQLite, so both stores share
-- their row mapping.

CREATE TABLE devices (
  id                    TEXT    NOT NULL PRIMARY KEY,
  name                  TEXT    UNIQUE,            -- optional; several devices may have no name
  vendor                TEXT,
  metadata              TEXT,                      -- operator metadata, a JSON object as text
  state                 TEXT    NOT NULL CHECK (state IN ('PENDING', 'ENROLLED', 'REVOKED')),
  created_at            BIGINT  NOT NULL,
  enrolled_at           BIGINT,
  revoked_at            BIGINT,
  certificate_serial    TEXT,                      -- hex serial of the current certificate
  certificate_not_after BIGINT,
  beacon_key            BYTEA                      -- secret: 32-byte keepalive integrity key
);

-- list(): ORDER BY created_at, id
CREATE INDEX devices_created ON devices (created_at, id);
-- listEnrolled(): WHERE state = 'ENROLLED' ORDER BY created_at, id
CREATE INDEX devices_state_created ON devices (state, created_at, id);

CREATE TABLE enrollment_tokens (
  token_hash TEXT   NOT NULL PRIMARY KEY,            -- hex SHA-256 of the token secret, never the secret
  device_id  TEXT   NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);

-- revoke(): DELETE ... WHERE device_id = ? AND used_at IS NULL; also serves the foreign key cascade
CREATE INDEX enrollment_tokens_device ON enrollment_tokens (device_id);

CREATE TABLE revoked_certificates (
  serial     TEXT   NOT NULL PRIMARY KEY,            -- hex serial
  device_id  TEXT,                                   -- no foreign key: outlives the deleted device
  revoked_at BIGINT NOT NULL
);
