package io.homeport.http;

import io.homeport.rendezvous.EndReport;
import io.homeport.rendezvous.Session;
import io.homeport.rendezvous.SessionNotice;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Base64;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The wire forms of sessions: notices on the device channel, the session log on the API. */
public final class SessionJson {
  /**
   * The one answer a requester gets for every session that was not established (refused, unknown or
   * offline peer, rejected or unanswered consent): nothing in it depends on the reason.
   */
  public static final Problem REFUSED = new Problem(403, "session-refused", "Session refused",
      "the session was not established");

  private SessionJson() {}

  /** One entry of a hello answer's {@code sessions}, or of a session request's answer. */
  public static JsonObject notice(SessionNotice notice) {
    JsonObject json = new JsonObject().put("id", notice.sessionId());
    if (notice instanceof SessionNotice.ConsentRequest c) {
      json.put("type", "consent")
          .put("peer", peer(c.requesterId(), c.requesterName()))
          .put("deadline", c.deadline().toString());
    } else if (notice instanceof SessionNotice.Offer o) {
      JsonArray candidates = new JsonArray();
      o.candidates().forEach(c -> candidates.add(new JsonObject().put("type", c.type()).put("address", address(c.address()))));
      json.put("type", "offer")
          .put("key", Base64.getEncoder().encodeToString(o.key()))
          .put("expiresAt", o.expiresAt().toString())
          .put("role", o.role().wireName())
          .put("peer", peer(o.peerId(), o.peerName()))
          .put("candidates", candidates)
          .put("relay", o.relay() == null ? null : new JsonObject()
              .put("address", address(o.relay().endpoint()))
              .put("token", Base64.getEncoder().encodeToString(o.relay().token())))
          // TURN credentials, when the server is configured with a TURN service
          .put("turn", o.turn() == null ? null : new JsonObject()
              .put("urls", new JsonArray(o.turn().urls()))
              .put("username", o.turn().username())
              .put("password", o.turn().password())
              .put("ttl", o.turn().ttlSeconds()));
    } else if (notice instanceof SessionNotice.End e) {
      json.put("type", "end").put("reason", e.reason()).put("endedBy", e.endedBy());
    } else if (notice instanceof SessionNotice.Refused) {
      json.put("type", "refused");
    }
    return json;
  }

  /** A session of the log as the API shows it. */
  public static JsonObject log(Session s) {
    JsonObject json = new JsonObject()
        .put("id", s.id())
        .put("state", s.state().wireName())
        .put("requester", peer(s.requesterId(), s.requesterName()))
        .put("target", s.targetId() == null ? null : peer(s.targetId(), s.targetName()))
        .put("peer", s.peer())
        .put("mode", s.mode() == null ? null : s.mode().wireName())
        .put("reason", s.reason())
        .put("endedBy", s.endedBy())
        .put("operator", s.operator())
        .put("requestedAt", time(s.requestedAt()))
        .put("consentDeadline", time(s.consentDeadline()))
        .put("establishedAt", time(s.establishedAt()))
        .put("setupMillis", s.establishedAt() == null ? null
            : s.establishedAt().toEpochMilli() - s.requestedAt().toEpochMilli())
        .put("expiresAt", time(s.expiresAt()))
        .put("endedAt", time(s.endedAt()))
        .put("extensions", s.extensions())
        .put("path", path(s))
        .put("relayBytes", s.relayBytes())
        .put("reports", new JsonObject()
            .put("requester", report(s.requesterReport()))
            .put("target", report(s.targetReport())));
    return json;
  }

  /** The path the devices reported: the requester's word, else the target's; null before any report. */
  private static String path(Session s) {
    if (s.requesterReport() != null) {
      return s.requesterReport().path();
    }
    return s.targetReport() == null ? null : s.targetReport().path();
  }

  private static JsonObject report(EndReport r) {
    return r == null ? null : new JsonObject()
        .put("reason", r.reason())
        .put("bytesSent", r.bytesSent())
        .put("bytesReceived", r.bytesReceived())
        .put("path", r.path())
        .put("at", r.at().toString());
  }

  private static JsonObject peer(String id, String name) {
    return new JsonObject().put("id", id).put("name", name);
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  /** The notice {@link #notice} wrote (a cluster node reads what the broker node answered). */
  public static SessionNotice parseNotice(JsonObject json) {
    String id = json.getString("id");
    switch (json.getString("type")) {
      case "consent" -> {
        JsonObject peer = json.getJsonObject("peer");
        return new SessionNotice.ConsentRequest(id, peer.getString("id"), peer.getString("name"),
            Instant.parse(json.getString("deadline")));
      }
      case "offer" -> {
        java.util.List<SessionNotice.Candidate> candidates = new java.util.ArrayList<>();
        json.getJsonArray("candidates").forEach(c -> candidates.add(new SessionNotice.Candidate(
            ((JsonObject) c).getString("type"), parseAddress(((JsonObject) c).getString("address")))));
        JsonObject relay = json.getJsonObject("relay");
        JsonObject turn = json.getJsonObject("turn");
        JsonObject peer = json.getJsonObject("peer");
        return new SessionNotice.Offer(id, Base64.getDecoder().decode(json.getString("key")),
            Instant.parse(json.getString("expiresAt")),
            io.homeport.rendezvous.SessionRole.valueOf(json.getString("role").toUpperCase(java.util.Locale.ROOT)),
            peer.getString("id"), peer.getString("name"), java.util.List.copyOf(candidates),
            relay == null ? null : new SessionNotice.RelayGrant(parseAddress(relay.getString("address")),
                Base64.getDecoder().decode(relay.getString("token"))),
            turn == null ? null : new SessionNotice.TurnGrant(turn.getJsonArray("urls").stream().map(String.class::cast)
                .toList(), turn.getString("username"), turn.getString("password"), turn.getLong("ttl")));
      }
      case "end" -> {
        return new SessionNotice.End(id, json.getString("reason"), json.getString("endedBy"));
      }
      case "refused" -> {
        return new SessionNotice.Refused(id);
      }
      default -> throw new IllegalArgumentException("not a session notice: " + json.getString("type"));
    }
  }

  /** Parses what {@link #address} writes; IP literals only, so nothing is looked up. */
  public static InetSocketAddress parseAddress(String text) {
    int colon = text.lastIndexOf(':');
    String host = text.substring(0, colon);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new InetSocketAddress(java.net.InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + text, e);
    }
  }

  /** {@code ip:port}, {@code [ip]:port} for IPv6. */
  public static String address(InetSocketAddress a) {
    String ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
  }
}
