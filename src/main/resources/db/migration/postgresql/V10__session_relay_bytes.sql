-- What the built-in relay forwarded for a session (both directions), recorded when its allocation closes.
ALTER TABLE sessions ADD COLUMN relay_bytes BIGINT NOT NULL DEFAULT 0;
