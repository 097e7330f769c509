-- Permission lists (DESIGN 5): who may open a session to a device. One row per device that has a list
-- (mode 'SERVER' or 'DEVICE'), its entries in their own table, in the order given. Both go with the
-- target device; an entry goes with the device it names.
CREATE TABLE permission_lists (
  device_id TEXT NOT NULL PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  mode      TEXT NOT NULL CHECK (mode IN ('SERVER', 'DEVICE'))
);

CREATE TABLE permission_entries (
  device_id  TEXT    NOT NULL REFERENCES permission_lists(device_id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  allowed_id TEXT    NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  PRIMARY KEY (device_id, position),
  UNIQUE (device_id, allowed_id)
);
-- the cascade from a deleted allowed device
CREATE INDEX permission_entries_allowed ON permission_entries (allowed_id);
