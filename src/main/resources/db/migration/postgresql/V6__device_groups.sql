-- Device groups: named sets of devices that integrator tokens can be limited to (besides single devices).
CREATE TABLE device_groups (
  device_id  TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  group_name TEXT NOT NULL,
  PRIMARY KEY (device_id, group_name)
);

-- The groups an integrator token is limited to: a JSON array of group names, null when not limited to groups.
ALTER TABLE api_tokens ADD COLUMN device_groups TEXT;
