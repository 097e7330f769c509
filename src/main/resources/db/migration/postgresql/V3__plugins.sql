-- Commands for appliances through vendor plugins, and the appliances each device reports it hosts.
ALTER TABLE commands ADD COLUMN plugin TEXT;
ALTER TABLE commands ADD COLUMN appliance_type TEXT;
ALTER TABLE commands ADD COLUMN appliance_address TEXT;
ALTER TABLE commands ADD COLUMN payload BYTEA;
ALTER TABLE commands ADD COLUMN payload_type TEXT;

CREATE TABLE device_appliances (
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  plugin TEXT NOT NULL,
  appliance_type TEXT NOT NULL,
  address TEXT NOT NULL,
  reported_at BIGINT NOT NULL,
  PRIMARY KEY (device_id, plugin, appliance_type, address)
);
