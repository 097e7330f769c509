package io.homeport.rendezvous;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One peer session as the session log keeps it (DESIGN 5): who asked for whom, how it was judged, its
 * times, and how it ended. Immutable; each transition makes a new one.
 *
 * @param id the session id, also the key of every offer and report
 * @param requesterId the device that asked
 * @param requesterName its name when it asked (null when it had none)
 * @param peer what the requester asked for: a device id or name, as sent
 * @param targetId the device that {@code peer} named; null when it named no device
 * @param targetName the target's name at the time of the request (null when none)
 * @param mode how the target's permission list judges: null when the request was refused before that
 * @param state where the session is
 * @param reason for {@code rejected} the real reason ({@code not-permitted}, {@code unknown-peer}, {@code
 *     peer-offline}, {@code consent-rejected}, {@code consent-timeout}); for {@code ended} the end reason
 *     ({@code expired}, {@code operator}, or what the ending device reported)
 * @param endedBy who ended it: {@code requester}, {@code target}, {@code operator} or {@code server}; null
 *     before the end
 * @param operator the token subject of the operator who ended it, else null
 * @param requestedAt when the request arrived
 * @param consentDeadline for device mode, when an unanswered consent request refuses; else null
 * @param establishedAt when both devices were offered the session; null before
 * @param permitted the length of one period: the duration granted at establishment and added by each extension
 * @param periodStart when the current period began (establishment or the last extension); null before
 * @param expiresAt when the session ends unless extended; null before establishment
 * @param limit the latest {@code expiresAt} an extension may reach (the policy's maximum); null before
 * @param extensions how many extensions were granted
 * @param endedAt when it ended or was rejected; null before
 * @param key the 256-bit session key handed to both devices; null once the session is final
 * @param requesterReport the requester's end report, null until it sends one
 * @param targetReport the target's end report, null until it sends one
 * @param relayBytes what the server's relay forwarded for the session (both directions; its own count,
 *     recorded when the allocation closes)
 */
public record Session(
    String id,
    String requesterId,
    String requesterName,
    String peer,
    String targetId,
    String targetName,
    PermissionList.Mode mode,
    SessionState state,
    String reason,
    String endedBy,
    String operator,
    Instant requestedAt,
    Instant consentDeadline,
    Instant establishedAt,
    Duration permitted,
    Instant periodStart,
    Instant expiresAt,
    Instant limit,
    int extensions,
    Instant endedAt,
    byte[] key,
    EndReport requesterReport,
    EndReport targetReport,
    long relayBytes) {

  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(requesterId, "requesterId");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(requestedAt, "requestedAt");
    key = key == null ? null : key.clone();
  }

  /** A request as it arrives, before it is judged. */
  public static Session requested(String id, String requesterId, String requesterName, String peer, String targetId,
      String targetName, PermissionList.Mode mode, Instant now, Instant consentDeadline) {
    return new Session(id, requesterId, requesterName, peer, targetId, targetName, mode, SessionState.REQUESTED,
        null, null, null, now, consentDeadline, null, null, null, null, null, 0, null, null, null, null, 0);
  }

  /** Refused for {@code why}; no key, no offers. */
  public Session rejected(String why, Instant now) {
    return new Session(id, requesterId, requesterName, peer, targetId, targetName, mode, SessionState.REJECTED, why,
        null, null, requestedAt, consentDeadline, null, null, null, null, null, 0, now, null, null, null, 0);
  }

  /** Both devices get offers with this key, valid for {@code period}, extensible up to {@code maxLimit}. */
  public Session established(byte[] sessionKey, Duration period, Instant maxLimit, Instant now) {
    Instant expires = now.plus(period);
    if (expires.isAfter(maxLimit)) {
      expires = maxLimit;
    }
    return new Session(id, requesterId, requesterName, peer, targetId, targetName, mode, SessionState.ESTABLISHED,
        null, null, null, requestedAt, consentDeadline, now, period, now, expires, maxLimit, 0, null, sessionKey, null,
        null, 0);
  }

  /** One more period from now, capped at the limit. */
  public Session extended(Instant now) {
    Instant expires = now.plus(permitted);
    if (expires.isAfter(limit)) {
      expires = limit;
    }
    return new Session(id, requesterId, requesterName, peer, targetId, targetName, mode, state, reason, endedBy,
        operator, requestedAt, consentDeadline, establishedAt, permitted, now, expires, limit, extensions + 1, endedAt,
        key, requesterReport, targetReport, relayBytes);
  }

  /** Ended by {@code by} (with the operator's subject when an operator ended it) for {@code why}; the key is dropped. */
  public Session ended(String why, String by, String operatorSubject, Instant now) {
    return new Session(id, requesterId, requesterName, peer, targetId, targetName, mode, SessionState.ENDED, why, by,
        operatorSubject, requestedAt, consentDeadline, establishedAt, permitted, periodStart, expiresAt, limit,
        extensions, now, null, requesterReport, targetReport, relayBytes);
  }

  /** The same session with one side's end report recorded. */
  public Session reported(SessionRole side, EndReport report) {
    return new Session(id, requesterId, requesterName, peer, targetId, targetName, mode, state, reason, endedBy,
        operator, requestedAt, consentDeadline, establishedAt, permitted, periodStart, expiresAt, limit, extensions,
        endedAt, key, side == SessionRole.REQUESTER ? report : requesterReport,
        side == SessionRole.TARGET ? report : targetReport, relayBytes);
  }

  /** The same session with the relay's byte count recorded. */
  public Session relayed(long bytes) {
    return new Session(id, requesterId, requesterName, peer, targetId, targetName, mode, state, reason, endedBy,
        operator, requestedAt, consentDeadline, establishedAt, permitted, periodStart, expiresAt, limit, extensions,
        endedAt, key, requesterReport, targetReport, bytes);
  }

  /** The side this device is on, or null when it is not part of the session. */
  public SessionRole roleOf(String deviceId) {
    if (requesterId.equals(deviceId)) {
      return SessionRole.REQUESTER;
    }
    return deviceId != null && deviceId.equals(targetId) ? SessionRole.TARGET : null;
  }

  /** The other device's id, seen from {@code role}. */
  public String peerOf(SessionRole role) {
    return role == SessionRole.REQUESTER ? targetId : requesterId;
  }

  public EndReport reportOf(SessionRole role) {
    return role == SessionRole.REQUESTER ? requesterReport : targetReport;
  }

  @Override
  public byte[] key() {
    return key == null ? null : key.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Session s && toString().equals(s.toString())
        && java.util.Arrays.equals(key, s.key);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "Session[id=" + id + ", requester=" + requesterId + ", peer=" + peer + ", target=" + targetId + ", mode="
        + mode + ", state=" + state + ", reason=" + reason + ", endedBy=" + endedBy + ", operator=" + operator
        + ", requestedAt=" + requestedAt + ", consentDeadline=" + consentDeadline + ", establishedAt=" + establishedAt
        + ", permitted=" + permitted + ", periodStart=" + periodStart + ", expiresAt=" + expiresAt + ", limit=" + limit
        + ", extensions=" + extensions + ", endedAt=" + endedAt + ", requesterReport=" + requesterReport
        + ", targetReport=" + targetReport + ", names=" + requesterName + "/" + targetName + "]";
  }
}
