-- Address lists (DESIGN 4), the PostgreSQL port of sqlite/V11. One counter numbers publications and
-- regroupings alike (its one row holds the last version assigned); a publication or a regrouping
-- increments it with UPDATE ... RETURNING as the first statement of its transaction, so the row lock
-- makes versions follow the commit order. Every publication of a scope ('global' or 'group:NAME') is
-- kept with its whole list, so the list a device held at an older version can be recomputed for a delta.
CREATE TABLE address_list_counter (
  id           INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  last_version BIGINT  NOT NULL
);
INSERT INTO address_list_counter (id, last_version) VALUES (1, 0);

CREATE TABLE address_list_publications (
  version      BIGINT  NOT NULL PRIMARY KEY,
  scope        TEXT    NOT NULL,
  published_at BIGINT  NOT NULL,
  urgent       BOOLEAN NOT NULL
);
-- a scope's newest publication at or below a version
CREATE INDEX address_list_publications_scope ON address_list_publications (scope, version);

-- pins: the entry's SPKI pins separated by spaces, NULL when it has none
CREATE TABLE address_list_entries (
  version   BIGINT  NOT NULL REFERENCES address_list_publications(version) ON DELETE CASCADE,
  server_id TEXT    NOT NULL,
  url       TEXT    NOT NULL,
  pins      TEXT,
  web_pki   BOOLEAN NOT NULL,
  PRIMARY KEY (version, server_id)
);

-- the version a device's last change of groups took; it goes with the device
CREATE TABLE address_list_regroupings (
  device_id TEXT   NOT NULL PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  version   BIGINT NOT NULL
);
