package io.homeport.agent;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the agent reaches Homeport (DESIGN 4, moving a fleet): the endpoints its bundle was given at
 * enrollment, or those its address list names ({@link AddressBook#BEACON}, {@link
 * AddressBook#DEVICE_CHANNEL}). A list that names new endpoints moves the agent there at once; when
 * they do not answer {@value #FALLBACK_AFTER} keepalives in a row, the agent goes back to the others,
 * and keeps alternating while neither answers (the new server may come up after the list went out).
 * The device's identity (certificate, beacon key) stays the same everywhere. Plain Java; not thread-safe.
 */
public final class HomeportEndpoints {
  /** Unanswered keepalives in a row before the other endpoints are tried. */
  static final int FALLBACK_AFTER = 3;

  /**
   * One server's endpoints.
   *
   * @param deviceChannel the device channel's base URL
   */
  public record Endpoints(String beaconHost, int beaconPort, URI deviceChannel) {
    public Endpoints {
      Objects.requireNonNull(beaconHost, "beaconHost");
      Objects.requireNonNull(deviceChannel, "deviceChannel");
    }

    @Override
    public String toString() {
      return "beacon " + beaconHost + ":" + beaconPort + ", device channel " + deviceChannel;
    }
  }

  private final Endpoints home;
  private Endpoints listed;
  private Endpoints current;
  private int unanswered;

  public HomeportEndpoints(Endpoints home) {
    this.home = home;
    this.current = home;
  }

  /** The endpoints of the bundle: what enrollment gave. */
  public static Endpoints of(DeviceBundle bundle) {
    return new Endpoints(bundle.beaconHost(), bundle.beaconPort(), URI.create(bundle.deviceChannelUrl()));
  }

  public Endpoints current() {
    return current;
  }

  /**
   * The address list's entries changed: the endpoints they name (each part the list leaves out stays the
   * bundle's), or the bundle's when it names none.
   *
   * @return the endpoints to move to, empty when the current ones stay
   * @throws IllegalArgumentException for an entry that is not a valid {@code udp://host:port} or https URL
   */
  public Optional<Endpoints> listChanged(Map<String, AddressBook.Entry> entries) {
    AddressBook.Entry beacon = entries.get(AddressBook.BEACON);
    AddressBook.Entry channel = entries.get(AddressBook.DEVICE_CHANNEL);
    Endpoints named = null;
    if (beacon != null || channel != null) {
      URI beaconUri = beacon == null ? null : URI.create(beacon.url());
      if (beaconUri != null && (!"udp".equals(beaconUri.getScheme()) || beaconUri.getHost() == null
          || beaconUri.getPort() <= 0)) {
        throw new IllegalArgumentException("not a udp://host:port beacon: " + beacon.url());
      }
      URI channelUri = channel == null ? home.deviceChannel() : URI.create(channel.url());
      if (!"https".equals(channelUri.getScheme()) || channelUri.getHost() == null) {
        throw new IllegalArgumentException("not an https device channel: " + channel.url());
      }
      named = new Endpoints(beaconUri == null ? home.beaconHost() : beaconUri.getHost().replace("[", "").replace("]", ""),
          beaconUri == null ? home.beaconPort() : beaconUri.getPort(), channelUri);
    }
    listed = named;
    Endpoints wanted = named == null ? home : named;
    if (wanted.equals(current)) {
      return Optional.empty();
    }
    return Optional.of(moveTo(wanted));
  }

  /** A keepalive was answered: the current endpoints work. */
  public void answered() {
    unanswered = 0;
  }

  /**
   * A keepalive went unanswered.
   *
   * @return the other endpoints to try, after {@value #FALLBACK_AFTER} in a row, when there are any
   */
  public Optional<Endpoints> unanswered() {
    if (++unanswered < FALLBACK_AFTER || listed == null || listed.equals(home)) {
      return Optional.empty();
    }
    return Optional.of(moveTo(current.equals(listed) ? home : listed));
  }

  private Endpoints moveTo(Endpoints next) {
    current = next;
    unanswered = 0;
    return next;
  }
}
