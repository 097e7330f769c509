-- Wireshark / tshark dissector for Homeport's UDP protocols (DESIGN.md 2.1 and 5.1).
--
--   homeport_beacon  STUN-framed keepalives, answers and wakes on the beacon port (7400), and NAT
--                    mapping questions on its alternate port (7401), every attribute named,
--                    Homeport's private ones (0xC010-0xC01C) decoded
--   homeport_peer    peer frames (probe 0x50, ack 0x51, data 0x52) between devices' keepalive
--                    sockets, and relayed frames (0x60) on the relay port (7402)
--
-- Use:  wireshark -X lua_script:tools/wireshark/homeport.lua capture.pcap
--       tshark -X lua_script:tools/wireshark/homeport.lua -r capture.pcap -V
-- Other ports: Decode As... homeport_beacon / homeport_peer, or edit the port preferences below.
-- Peer frames on ephemeral ports are found by a heuristic (first byte and length).

local beacon = Proto("homeport_beacon", "Homeport beacon (STUN)")
local peer = Proto("homeport_peer", "Homeport peer frame")

local message_types = {
  [0x0001] = "Binding Request (keepalive)",
  [0x0011] = "Binding Indication (wake)",
  [0x0101] = "Binding Success Response",
  [0x0111] = "Binding Error Response",
}

local attribute_names = {
  [0x0001] = "MAPPED-ADDRESS",
  [0x0006] = "USERNAME",
  [0x0008] = "MESSAGE-INTEGRITY",
  [0x0009] = "ERROR-CODE",
  [0x000A] = "UNKNOWN-ATTRIBUTES",
  [0x0014] = "REALM",
  [0x0015] = "NONCE",
  [0x001C] = "MESSAGE-INTEGRITY-SHA256",
  [0x0020] = "XOR-MAPPED-ADDRESS",
  [0x8022] = "SOFTWARE",
  [0x8028] = "FINGERPRINT",
  [0xC010] = "SEQUENCE",
  [0xC011] = "SERVER-NONCE",
  [0xC012] = "ADDRESS-LIST-VERSION",
  [0xC013] = "LOCAL-ENDPOINT",
  [0xC014] = "(reserved)",
  [0xC015] = "KEEPALIVE-INTERVAL",
  [0xC016] = "PENDING",
  [0xC017] = "SERVER-TIME",
  [0xC018] = "WAKE",
  [0xC019] = "WAKE-ACK",
  [0xC01A] = "PADDING",
  [0xC01B] = "NAT-PROBE",
  [0xC01C] = "NAT-BEHAVIOUR",
}

local mappings = { [0] = "unknown", [1] = "endpoint-independent", [2] = "endpoint-dependent" }

local wake_reasons = { [1] = "command", [2] = "session", [3] = "address-list", [4] = "application" }

local f = {
  type = ProtoField.uint16("homeport_beacon.type", "Message type", base.HEX, message_types),
  length = ProtoField.uint16("homeport_beacon.length", "Message length"),
  cookie = ProtoField.uint32("homeport_beacon.cookie", "Magic cookie", base.HEX),
  transaction = ProtoField.bytes("homeport_beacon.transaction", "Transaction id"),
  attribute = ProtoField.uint16("homeport_beacon.attribute", "Attribute", base.HEX, attribute_names),
  attribute_length = ProtoField.uint16("homeport_beacon.attribute.length", "Attribute length"),
  value = ProtoField.bytes("homeport_beacon.attribute.value", "Value"),
  username = ProtoField.string("homeport_beacon.username", "Device id"),
  sequence = ProtoField.uint64("homeport_beacon.sequence", "Sequence"),
  interval = ProtoField.uint32("homeport_beacon.keepalive_interval", "Keepalive interval (s)"),
  pending = ProtoField.uint32("homeport_beacon.pending", "Pending", base.HEX),
  pending_commands = ProtoField.bool("homeport_beacon.pending.commands", "Commands", 32, nil, 0x1),
  pending_session = ProtoField.bool("homeport_beacon.pending.session", "Session", 32, nil, 0x2),
  pending_address_list = ProtoField.bool("homeport_beacon.pending.address_list", "Address list", 32, nil, 0x4),
  server_time = ProtoField.uint64("homeport_beacon.server_time", "Server time (ms since the epoch)"),
  address_list_version = ProtoField.uint64("homeport_beacon.address_list_version", "Address list version"),
  wake_id = ProtoField.uint64("homeport_beacon.wake_id", "Wake id"),
  wake_reason = ProtoField.uint8("homeport_beacon.wake_reason", "Wake reason", base.DEC, wake_reasons),
  application_server = ProtoField.string("homeport_beacon.application_server", "Application server id"),
  wake_ack = ProtoField.uint64("homeport_beacon.wake_ack", "Acknowledged wake id"),
  address = ProtoField.string("homeport_beacon.address", "Address"),
  error_code = ProtoField.uint16("homeport_beacon.error_code", "Error code"),
  error_reason = ProtoField.string("homeport_beacon.error_reason", "Reason"),
  nat_probe = ProtoField.uint32("homeport_beacon.nat_probe", "Answer after (s idle)"),
  nat_mapping = ProtoField.uint8("homeport_beacon.nat.mapping", "NAT mapping", base.DEC, mappings),
  nat_interval = ProtoField.uint16("homeport_beacon.nat.keepalive_interval", "Keepalive interval in use (s)"),
  nat_at_least = ProtoField.uint16("homeport_beacon.nat.lifetime_at_least", "Mapping lifetime at least (s, 0 unknown)"),
  nat_below = ProtoField.uint16("homeport_beacon.nat.lifetime_below", "Mapping lifetime below (s, 0 unknown)"),
}
beacon.fields = f

local function ip_text(tvb, offset, family, xor_port, xor_ip)
  local port = tvb(offset + 2, 2):uint()
  if xor_port then port = bit32.bxor(port, 0x2112) end
  if family == 1 then
    local parts = {}
    for i = 0, 3 do
      local b = tvb(offset + 4 + i, 1):uint()
      if xor_ip then b = bit32.bxor(b, xor_ip[i + 1]) end
      parts[#parts + 1] = tostring(b)
    end
    return table.concat(parts, ".") .. ":" .. port
  end
  return "[IPv6]:" .. port
end

local cookie_bytes = { 0x21, 0x12, 0xA4, 0x42 }

local function attribute_value(tree, tvb, atype, offset, length)
  if atype == 0x0006 then
    tree:add(f.username, tvb(offset, length))
  elseif atype == 0xC010 and length == 8 then
    tree:add(f.sequence, tvb(offset, 8))
  elseif atype == 0xC012 and length == 8 then
    tree:add(f.address_list_version, tvb(offset, 8))
  elseif atype == 0xC015 and length == 4 then
    tree:add(f.interval, tvb(offset, 4))
  elseif atype == 0xC016 and length == 4 then
    local p = tree:add(f.pending, tvb(offset, 4))
    p:add(f.pending_commands, tvb(offset, 4))
    p:add(f.pending_session, tvb(offset, 4))
    p:add(f.pending_address_list, tvb(offset, 4))
  elseif atype == 0xC017 and length == 8 then
    tree:add(f.server_time, tvb(offset, 8))
  elseif atype == 0xC018 and length >= 9 then
    tree:add(f.wake_id, tvb(offset, 8))
    tree:add(f.wake_reason, tvb(offset + 8, 1))
    if length > 9 then tree:add(f.application_server, tvb(offset + 9, length - 9)) end
  elseif atype == 0xC019 and length == 8 then
    tree:add(f.wake_ack, tvb(offset, 8))
  elseif atype == 0xC01B and length == 4 then
    tree:add(f.nat_probe, tvb(offset, 4))
  elseif atype == 0xC01C and length == 8 then
    tree:add(f.nat_mapping, tvb(offset, 1))
    tree:add(f.nat_interval, tvb(offset + 2, 2))
    tree:add(f.nat_at_least, tvb(offset + 4, 2))
    tree:add(f.nat_below, tvb(offset + 6, 2))
  elseif (atype == 0x0020 or atype == 0x0001 or atype == 0xC013) and length >= 8 then
    local family = tvb(offset + 1, 1):uint()
    local xor = atype == 0x0020
    tree:add(f.address, tvb(offset, length), ip_text(tvb, offset, family, xor, xor and cookie_bytes or nil))
  elseif atype == 0x0009 and length >= 4 then
    local code = tvb(offset + 2, 1):uint() * 100 + tvb(offset + 3, 1):uint()
    tree:add(f.error_code, tvb(offset + 2, 2), code)
    if length > 4 then tree:add(f.error_reason, tvb(offset + 4, length - 4)) end
  elseif length > 0 then
    tree:add(f.value, tvb(offset, length))
  end
end

function beacon.dissector(tvb, pinfo, root)
  if tvb:len() < 20 or tvb(4, 4):uint() ~= 0x2112A442 then return 0 end
  pinfo.cols.protocol = "Homeport beacon"
  local mtype = tvb(0, 2):uint()
  local tree = root:add(beacon, tvb(), "Homeport beacon: " .. (message_types[mtype] or string.format("0x%04x", mtype)))
  tree:add(f.type, tvb(0, 2))
  tree:add(f.length, tvb(2, 2))
  tree:add(f.cookie, tvb(4, 4))
  tree:add(f.transaction, tvb(8, 12))
  local names = {}
  local offset = 20
  local stop = math.min(tvb:len(), 20 + tvb(2, 2):uint())
  while offset + 4 <= stop do
    local atype = tvb(offset, 2):uint()
    local alen = tvb(offset + 2, 2):uint()
    local name = attribute_names[atype] or string.format("Unknown attribute 0x%04x", atype)
    local padded = alen + ((4 - alen % 4) % 4)
    local length = math.min(alen, stop - offset - 4)
    local at = tree:add(f.attribute, tvb(offset, 4 + math.min(padded, stop - offset - 4)))
    at:set_text(name .. " (" .. alen .. " bytes)")
    at:add(f.attribute_length, tvb(offset + 2, 2))
    attribute_value(at, tvb, atype, offset + 4, length)
    names[#names + 1] = name
    offset = offset + 4 + padded
  end
  pinfo.cols.info = (message_types[mtype] or string.format("0x%04x", mtype)) .. " " .. table.concat(names, ", ")
  return tvb:len()
end

local pf = {
  kind = ProtoField.uint8("homeport_peer.kind", "Frame", base.HEX, {
    [0x50] = "probe", [0x51] = "ack", [0x52] = "data", [0x60] = "relayed" }),
  session = ProtoField.guid("homeport_peer.session", "Session id"),
  transaction = ProtoField.uint64("homeport_peer.transaction", "Probe transaction"),
  mac = ProtoField.bytes("homeport_peer.mac", "MAC (HMAC-SHA256, truncated)"),
  connection = ProtoField.uint64("homeport_peer.connection", "Connection id", base.HEX),
  counter = ProtoField.uint64("homeport_peer.counter", "Counter (nonce)"),
  ciphertext = ProtoField.bytes("homeport_peer.ciphertext", "ChaCha20-Poly1305 ciphertext and tag"),
  relay_token = ProtoField.bytes("homeport_peer.relay_token", "Relay token of the sending side"),
}
peer.fields = pf

local function peer_frame(tvb, offset, tree, pinfo)
  local kind = tvb(offset, 1):uint()
  local left = tvb:len() - offset
  if (kind == 0x50 or kind == 0x51) and left == 41 then
    local t = tree:add(peer, tvb(offset), kind == 0x50 and "Homeport peer probe" or "Homeport peer ack")
    t:add(pf.kind, tvb(offset, 1))
    t:add(pf.session, tvb(offset + 1, 16))
    t:add(pf.transaction, tvb(offset + 17, 8))
    t:add(pf.mac, tvb(offset + 25, 16))
    return kind == 0x50 and "probe" or "ack"
  elseif kind == 0x52 and left >= 34 then
    local t = tree:add(peer, tvb(offset), "Homeport peer data")
    t:add(pf.kind, tvb(offset, 1))
    t:add(pf.connection, tvb(offset + 1, 8))
    t:add(pf.counter, tvb(offset + 9, 8))
    t:add(pf.ciphertext, tvb(offset + 17))
    return "data"
  end
  return nil
end

function peer.dissector(tvb, pinfo, root)
  if tvb:len() < 1 then return 0 end
  local kind = tvb(0, 1):uint()
  local info
  if kind == 0x60 and tvb:len() >= 13 + 34 then
    local t = root:add(peer, tvb(0, 13), "Homeport relay header")
    t:add(pf.kind, tvb(0, 1))
    t:add(pf.relay_token, tvb(1, 12))
    local inner = peer_frame(tvb, 13, root, pinfo)
    info = "relayed " .. (inner or "frame")
  else
    info = peer_frame(tvb, 0, root, pinfo)
  end
  if not info then return 0 end
  pinfo.cols.protocol = "Homeport peer"
  pinfo.cols.info = "Homeport " .. info
  return tvb:len()
end

local function peer_heuristic(tvb, pinfo, root)
  if tvb:len() < 1 then return false end
  local kind = tvb(0, 1):uint()
  local n = tvb:len()
  local plausible = ((kind == 0x50 or kind == 0x51) and n == 41) or (kind == 0x52 and n >= 34)
      or (kind == 0x60 and n >= 47)
  if not plausible then return false end
  return peer.dissector(tvb, pinfo, root) > 0
end

beacon.prefs.port = Pref.uint("Beacon UDP port", 7400, "The server's beacon port (beacon.port)")
peer.prefs.relay_port = Pref.uint("Relay UDP port", 7402, "The server's relay port (relay.port)")
beacon.prefs.alt_port = Pref.uint("Beacon alternate UDP port", 7401, "The server's alternate beacon port (beacon.altPort)")
DissectorTable.get("udp.port"):add(7400, beacon)
DissectorTable.get("udp.port"):add(7401, beacon)
DissectorTable.get("udp.port"):add(7402, peer)
peer:register_heuristic("udp", peer_heuristic)
