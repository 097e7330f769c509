-- Address lists (DESIGN 4). One counter numbers publications and regroupings alike (its one row holds the
-- last version assigned); every publication of a scope ('global' or 'group:NAME') is kept with its whole
-- list, so the list a device held at an older version can be recomputed for a delta.
CREATE TABLE address_list_counter (
  id           INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  last_version INTEGER NOT NULL
);
INSERT INTO address_list_counter (id, last_version) VALUES (1, 0);

CREATE TABLE address_list_publications (
  version      INTEGER NOT NULL PRIMARY KEY,
  scope        TEXT    NOT NULL,
  published_at INTEGER NOT NULL,
  urgent       INTEGER NOT NULL CHECK (urgent IN (0, 1))
);
-- a scope's newest publication at or below a version
CREATE INDEX address_list_publications_scope ON address_list_publications (scope, version);

-- pins: the entry's SPKI pins separated by spaces, NULL when it has none
CREATE TABLE address_list_entries (
  version   INTEGER NOT NULL REFERENCES address_list_publications(version) ON DELETE CASCADE,
  server_id TEXT    NOT NULL,
  url       TEXT    NOT NULL,
  pins      TEXT,
  web_pki   INTEGER NOT NULL CHECK (web_pki IN (0, 1)),
  PRIMARY KEY (version, server_id)
);

-- the version a device's last change of groups took; it goes with the device
CREATE TABLE address_list_regroupings (
  device_id TEXT    NOT NULL PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  version   INTEGER NOT NULL
);
