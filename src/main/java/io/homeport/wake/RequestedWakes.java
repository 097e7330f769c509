package io.homeport.wake;

import io.homeport.stun.StunAttributes;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes asked for that are not backed by stored work (DESIGN 4): an application server's call (one per
 * device; a newer request replaces an older one) until the device acknowledges it or it expires, and an
 * urgent address-list publication until the device fetches the list or acknowledges the wake. In memory:
 * a wake that a restart loses is asked for again by its caller (application wakes) or made up for by the
 * keepalive's PENDING address-list flag. Thread-safe: the API writes, the beacon reads.
 */
public final class RequestedWakes {

  /** An application wake: the server to call, until when, and its number (to expire exactly this request). */
  public record ApplicationWake(String applicationServer, long expiresAtMillis, long number) {}

  private final Map<String, ApplicationWake> application = new ConcurrentHashMap<>();
  private final Set<String> urgentAddressLists = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong numbers = new java.util.concurrent.atomic.AtomicLong();

  /** Asks the device to call {@code applicationServer} until {@code expiresAtMillis}; replaces an earlier request. */
  public ApplicationWake requestApplication(String deviceId, String applicationServer, long expiresAtMillis) {
    ApplicationWake wake = new ApplicationWake(applicationServer, expiresAtMillis, numbers.incrementAndGet());
    application.put(deviceId, wake);
    return wake;
  }

  /** The application server the device is asked to call now, null for none. */
  public String applicationServer(String deviceId) {
    ApplicationWake wake = application.get(deviceId);
    return wake == null ? null : wake.applicationServer();
  }

  /**
   * Ends this request if it is still the device's and unacknowledged.
   *
   * @return true when it expired here (nobody acknowledged it)
   */
  public boolean expire(String deviceId, ApplicationWake wake) {
    return application.remove(deviceId, wake);
  }

  /** Marks the devices for a wake with reason address-list. */
  public void urgentAddressList(Collection<String> deviceIds) {
    urgentAddressLists.addAll(deviceIds);
  }

  public boolean urgentAddressList(String deviceId) {
    return urgentAddressLists.contains(deviceId);
  }

  /** The device fetched its address list: an urgent wake for it has done its job. */
  public void addressListFetched(String deviceId) {
    urgentAddressLists.remove(deviceId);
  }

  /** A wake was acknowledged: what it was for is done or under way. */
  public void acknowledged(String deviceId, StunAttributes.WakeReason reason, String applicationServer) {
    if (reason == StunAttributes.WakeReason.APPLICATION) {
      application.computeIfPresent(deviceId, (id, w) -> w.applicationServer().equals(applicationServer) ? null : w);
    } else if (reason == StunAttributes.WakeReason.ADDRESS_LIST) {
      urgentAddressLists.remove(deviceId);
    }
  }

  /** Forgets the device (revoked, deleted). */
  public void remove(String deviceId) {
    application.remove(deviceId);
    urgentAddressLists.remove(deviceId);
  }
}
