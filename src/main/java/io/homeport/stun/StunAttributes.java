package io.homeport.stun;

import io.homeport.stun.StunParseException.Reason;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Attribute types, and typed factories and readers for the attributes Homeport uses.
 *
 * <p>Factories validate their arguments and throw {@link IllegalArgumentException} (or {@link
 * NullPointerException}); readers validate the received value and throw {@link
 * StunParseException} with {@link Reason#BAD_VALUE} when it is malformed. Calling a reader with an
 * attribute of another type is a programming error ({@link IllegalArgumentException}). Text is
 * UTF-8, strictly: malformed sequences are rejected, never replaced.
 *
 * <h2>Homeport private attributes</h2>
 *
 * All in the comprehension-optional range 0xC000-0xFFFF (0xC001/0xC002 are left to TR-111), so
 * generic STUN agents skip them. Integers are big-endian and unsigned; a u64 is carried in a Java
 * {@code long} bit for bit (compare with {@link Long#compareUnsigned}).
 *
 * <table>
 *   <caption>Layouts</caption>
 *   <tr><th>Type</th><th>Name</th><th>Value</th></tr>
 *   <tr><td>0xC010</td><td>SEQUENCE</td><td>u64 keepalive sequence number (8 bytes)</td></tr>
 *   <tr><td>0xC011</td><td>SERVER-NONCE</td><td>opaque, 1..64 bytes</td></tr>
 *   <tr><td>0xC012</td><td>ADDRESS-LIST-VERSION</td><td>u64 (8 bytes)</td></tr>
 *   <tr><td>0xC013</td><td>LOCAL-ENDPOINT</td><td>as MAPPED-ADDRESS: u8 0, u8 family (1 IPv4,
 *       2 IPv6), u16 port, 4 or 16 address bytes; may repeat</td></tr>
 *   <tr><td>0xC015</td><td>KEEPALIVE-INTERVAL</td><td>u32 seconds (4 bytes)</td></tr>
 *   <tr><td>0xC016</td><td>PENDING</td><td>u32 bit flags (4 bytes), see {@link Pending};
 *       unknown bits are ignored so newer servers can add flags</td></tr>
 *   <tr><td>0xC017</td><td>SERVER-TIME</td><td>u64 milliseconds since the epoch (8 bytes)</td></tr>
 *   <tr><td>0xC018</td><td>WAKE</td><td>u64 wake id, u8 reason (1 command, 2 session,
 *       3 address-list, 4 application), then the UTF-8 application-server id, 0..255 bytes (9..264 bytes)</td></tr>
 *   <tr><td>0xC019</td><td>WAKE-ACK</td><td>u64 wake id being acknowledged (8 bytes)</td></tr>
 *   <tr><td>0xC01A</td><td>PADDING</td><td>zero bytes, ignored; a device pads its keepalive with it
 *       so that the answer is never larger than the request (the beacon does not amplify)</td></tr>
 *   <tr><td>0xC01B</td><td>NAT-PROBE</td><td>u32 seconds (4 bytes): in a request from a device's probe
 *       socket, "answer this only after that long, not now"; the request then changes no presence</td></tr>
 *   <tr><td>0xC01C</td><td>NAT-BEHAVIOUR</td><td>what the device learned of its NAT (8 bytes): u8 mapping
 *       (0 unknown, 1 endpoint-independent, 2 endpoint-dependent), u8 0, u16 keepalive interval in use
 *       (s), u16 mapping lifetime at least (s, 0 unknown), u16 mapping lifetime below (s, 0 unknown)</td></tr>
 * </table>
 */
public final class StunAttributes {

  // --- RFC 8489, comprehension-required ---
  public static final int MAPPED_ADDRESS = 0x0001;
  public static final int USERNAME = 0x0006;
  public static final int MESSAGE_INTEGRITY = 0x0008;
  public static final int ERROR_CODE = 0x0009;
  public static final int UNKNOWN_ATTRIBUTES = 0x000A;
  public static final int REALM = 0x0014;
  public static final int NONCE = 0x0015;
  public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
  public static final int XOR_MAPPED_ADDRESS = 0x0020;

  // --- RFC 8489, comprehension-optional ---
  public static final int SOFTWARE = 0x8022;
  public static final int FINGERPRINT = 0x8028;

  // --- Homeport private, comprehension-optional (layouts in the class comment) ---
  public static final int SEQUENCE = 0xC010;
  public static final int SERVER_NONCE = 0xC011;
  public static final int ADDRESS_LIST_VERSION = 0xC012;
  public static final int LOCAL_ENDPOINT = 0xC013;
  public static final int KEEPALIVE_INTERVAL = 0xC015;
  public static final int PENDING = 0xC016;
  public static final int SERVER_TIME = 0xC017;
  public static final int WAKE = 0xC018;
  public static final int WAKE_ACK = 0xC019;
  public static final int PADDING = 0xC01A;
  public static final int NAT_PROBE = 0xC01B;
  public static final int NAT_BEHAVIOUR = 0xC01C;
  /** The longest delay a NAT-PROBE may ask for: longer than any keepalive interval worth probing for. */
  public static final int MAX_NAT_PROBE_SECONDS = 600;

  /** RFC 8489 §14.3. */
  public static final int MAX_USERNAME_BYTES = 513;
  /** RFC 8489 limit for REALM, NONCE, SOFTWARE and the ERROR-CODE reason phrase. */
  public static final int MAX_TEXT_BYTES = 763;
  public static final int MIN_SERVER_NONCE_BYTES = 1;
  public static final int MAX_SERVER_NONCE_BYTES = 64;
  public static final int MAX_APPLICATION_SERVER_ID_BYTES = 255;

  private static final int FAMILY_IPV4 = 0x01;
  private static final int FAMILY_IPV6 = 0x02;

  // CharsetDecoders are stateful and costly to create; one strict decoder per thread.
  private static final ThreadLocal<CharsetDecoder> UTF8_DECODER =
      ThreadLocal.withInitial(
          () ->
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));

  private StunAttributes() {}

  // ===== value types =====

  /**
   * An ERROR-CODE (RFC 8489 §14.8): a code 300..699 (e.g. 401 Unauthorized, 438 Stale Nonce) and
   * a reason phrase.
   */
  public record ErrorCode(int code, String reason) {
    public ErrorCode {
      if (code < 300 || code > 699) {
        throw new IllegalArgumentException("error code outside 300..699: " + code);
      }
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Flags of the PENDING attribute: what a device should fetch over its device channel. */
  public enum Pending {
    /** Bit 0: commands are waiting. */
    COMMANDS(1),
    /** Bit 1: a session offer or request is waiting. */
    SESSION(1 << 1),
    /** Bit 2: a newer address list is published. */
    ADDRESS_LIST(1 << 2);

    private final int bit;

    Pending(int bit) {
      this.bit = bit;
    }

    /** The flag's bit in the u32 value. */
    public int bit() {
      return bit;
    }
  }

  /** Why the server woke a device. */
  public enum WakeReason {
    COMMAND(1),
    SESSION(2),
    ADDRESS_LIST(3),
    /** Call the application server the wake names (DESIGN 4). */
    APPLICATION(4);

    private final int code;

    WakeReason(int code) {
      this.code = code;
    }

    /** The reason's byte on the wire. */
    public int code() {
      return code;
    }
  }

  /**
   * The WAKE attribute's content.
   *
   * @param wakeId the server's id for this wake, echoed in WAKE-ACK
   * @param applicationServerId the application server the device should call, resolved through its
   *     address list; empty for the default device channel
   */
  public record Wake(long wakeId, WakeReason reason, String applicationServerId) {
    public Wake {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(applicationServerId, "applicationServerId");
    }
  }

  /** How a NAT maps one local socket towards different remote endpoints (RFC 4787 section 4.1). */
  public enum Mapping {
    UNKNOWN(0),
    /** The same public address whatever the destination: peers can reach the mapping the beacon sees. */
    ENDPOINT_INDEPENDENT(1),
    /** A new public port per destination (a "symmetric" NAT): peers must learn the address from probes. */
    ENDPOINT_DEPENDENT(2);

    private final int code;

    Mapping(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    /** Lower-case, hyphenated: the form the API shows. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static Mapping of(int code) throws StunParseException {
      for (Mapping m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      throw badValue("NAT-BEHAVIOUR has an unknown mapping code " + code);
    }
  }

  /**
   * The NAT-BEHAVIOUR attribute's content: what a device learned of its NAT and the keepalive interval it
   * chose from that. Seconds are 0..65535, 0 meaning "not known".
   *
   * @param lifetimeAtLeastSeconds an idle mapping survived this long (a delayed probe arrived)
   * @param lifetimeBelowSeconds an idle mapping did not survive this long (a delayed probe was lost)
   */
  public record NatBehaviour(Mapping mapping, int keepaliveIntervalSeconds, int lifetimeAtLeastSeconds,
      int lifetimeBelowSeconds) {
    public NatBehaviour {
      Objects.requireNonNull(mapping, "mapping");
      for (int v : new int[] {keepaliveIntervalSeconds, lifetimeAtLeastSeconds, lifetimeBelowSeconds}) {
        if (v < 0 || v > 0xFFFF) {
          throw new IllegalArgumentException("NAT-BEHAVIOUR seconds outside 0..65535: " + v);
        }
      }
    }

    /** The attribute's 8 bytes as one u64, so a reader can compare reports without allocating. */
    public long packed() {
      return ((long) mapping.code() << 56) | ((long) keepaliveIntervalSeconds << 32)
          | ((long) lifetimeAtLeastSeconds << 16) | lifetimeBelowSeconds;
    }

    /** @throws IllegalArgumentException for a value {@link #readNatBehaviourPacked} would have refused */
    public static NatBehaviour unpack(long packed) {
      Mapping mapping = null;
      for (Mapping m : Mapping.values()) {
        if (m.code() == ((int) (packed >>> 56) & 0xFF)) {
          mapping = m;
        }
      }
      if (mapping == null || ((packed >>> 48) & 0xFF) != 0) {
        throw new IllegalArgumentException("not a NAT-BEHAVIOUR value: " + Long.toHexString(packed));
      }
      return new NatBehaviour(mapping, (int) (packed >>> 32) & 0xFFFF,
          (int) (packed >>> 16) & 0xFFFF, (int) packed & 0xFFFF);
    }
  }

  // ===== addresses =====

  /** MAPPED-ADDRESS (RFC 8489 §14.1). */
  public static StunAttribute mappedAddress(InetSocketAddress address) {
    return StunAttribute.owning(MAPPED_ADDRESS, address(address, null));
  }

  public static InetSocketAddress readMappedAddress(StunAttribute a) throws StunParseException {
    return readAddress(requireType(a, MAPPED_ADDRESS), null);
  }

  /**
   * XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the port XORed with the cookie's top 16 bits, the address
   * with the cookie (IPv4) or the cookie followed by the transaction id (IPv6).
   *
   * @param transactionId the 12-byte transaction id of the message that will carry it
   */
  public static StunAttribute xorMappedAddress(InetSocketAddress address, byte[] transactionId) {
    return StunAttribute.owning(XOR_MAPPED_ADDRESS, address(address, xorMask(transactionId)));
  }

  /** @param transactionId the 12-byte transaction id of the message that carried it */
  public static InetSocketAddress readXorMappedAddress(StunAttribute a, byte[] transactionId)
      throws StunParseException {
    return readAddress(requireType(a, XOR_MAPPED_ADDRESS), xorMask(transactionId));
  }

  /** LOCAL-ENDPOINT: one of the device's LAN addresses, laid out as MAPPED-ADDRESS. */
  public static StunAttribute localEndpoint(InetSocketAddress address) {
    return StunAttribute.owning(LOCAL_ENDPOINT, address(address, null));
  }

  public static InetSocketAddress readLocalEndpoint(StunAttribute a) throws StunParseException {
    return readAddress(requireType(a, LOCAL_ENDPOINT), null);
  }

  // ===== text =====

  /** USERNAME (RFC 8489 §14.3); Homeport puts the device id here. At most 513 UTF-8 bytes. */
  public static StunAttribute username(String username) {
    return StunAttribute.owning(USERNAME, utf8(username, MAX_USERNAME_BYTES, "username"));
  }

  public static String readUsername(StunAttribute a) throws StunParseException {
    return readUtf8(requireType(a, USERNAME), 0, MAX_USERNAME_BYTES);
  }

  /** REALM (RFC 8489 §14.9). At most 763 UTF-8 bytes. */
  public static StunAttribute realm(String realm) {
    return StunAttribute.owning(REALM, utf8(realm, MAX_TEXT_BYTES, "realm"));
  }

  public static String readRealm(StunAttribute a) throws StunParseException {
    return readUtf8(requireType(a, REALM), 0, MAX_TEXT_BYTES);
  }

  /** NONCE (RFC 8489 §14.10). At most 763 UTF-8 bytes. */
  public static StunAttribute nonce(String nonce) {
    return StunAttribute.owning(NONCE, utf8(nonce, MAX_TEXT_BYTES, "nonce"));
  }

  public static String readNonce(StunAttribute a) throws StunParseException {
    return readUtf8(requireType(a, NONCE), 0, MAX_TEXT_BYTES);
  }

  /** SOFTWARE (RFC 8489 §14.14). At most 763 UTF-8 bytes. */
  public static StunAttribute software(String software) {
    return StunAttribute.owning(SOFTWARE, utf8(software, MAX_TEXT_BYTES, "software"));
  }

  public static String readSoftware(StunAttribute a) throws StunParseException {
    return readUtf8(requireType(a, SOFTWARE), 0, MAX_TEXT_BYTES);
  }

  // ===== errors =====

  /** ERROR-CODE (RFC 8489 §14.8); the reason phrase is at most 763 UTF-8 bytes. */
  public static StunAttribute errorCode(ErrorCode error) {
    byte[] reason = utf8(error.reason(), MAX_TEXT_BYTES, "reason");
    byte[] v = new byte[4 + reason.length];
    v[2] = (byte) (error.code() / 100);
    v[3] = (byte) (error.code() % 100);
    System.arraycopy(reason, 0, v, 4, reason.length);
    return StunAttribute.owning(ERROR_CODE, v);
  }

  /** Reads ERROR-CODE; the reserved bits are ignored, class must be 3..6 and number 0..99. */
  public static ErrorCode readErrorCode(StunAttribute a) throws StunParseException {
    requireType(a, ERROR_CODE);
    if (a.length() < 4) {
      throw badValue("ERROR-CODE shorter than 4 bytes");
    }
    int errorClass = a.u8(2) & 0x07;
    int number = a.u8(3);
    if (errorClass < 3 || errorClass > 6 || number > 99) {
      throw badValue("ERROR-CODE outside 300..699");
    }
    return new ErrorCode(errorClass * 100 + number, readUtf8(a, 4, MAX_TEXT_BYTES));
  }

  /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): the 16-bit types a request used that we don't know. */
  public static StunAttribute unknownAttributes(List<Integer> types) {
    byte[] v = new byte[2 * types.size()];
    for (int i = 0; i < types.size(); i++) {
      int t = types.get(i);
      StunAttribute.checkType(t);
      StunCodec.put16(v, 2 * i, t);
    }
    return StunAttribute.owning(UNKNOWN_ATTRIBUTES, v);
  }

  /** @return the listed attribute types (unmodifiable) */
  public static List<Integer> readUnknownAttributes(StunAttribute a) throws StunParseException {
    requireType(a, UNKNOWN_ATTRIBUTES);
    if ((a.length() & 1) != 0) {
      throw badValue("UNKNOWN-ATTRIBUTES has an odd length");
    }
    List<Integer> types = new ArrayList<>(a.length() / 2);
    for (int i = 0; i < a.length(); i += 2) {
      types.add(a.u16(i));
    }
    return Collections.unmodifiableList(types);
  }

  // ===== Homeport private =====

  /** SEQUENCE: the keepalive's sequence number; the server accepts only increasing ones. */
  public static StunAttribute sequence(long sequence) {
    return u64(SEQUENCE, sequence);
  }

  public static long readSequence(StunAttribute a) throws StunParseException {
    return readU64(requireType(a, SEQUENCE));
  }

  /**
   * SERVER-NONCE: the opaque freshness token the server hands out and the device echoes.
   *
   * @param nonce 1..64 bytes; copied
   */
  public static StunAttribute serverNonce(byte[] nonce) {
    if (nonce.length < MIN_SERVER_NONCE_BYTES || nonce.length > MAX_SERVER_NONCE_BYTES) {
      throw new IllegalArgumentException("server nonce must be 1..64 bytes");
    }
    return StunAttribute.owning(SERVER_NONCE, nonce.clone());
  }

  /** @return a copy of the 1..64 nonce bytes */
  public static byte[] readServerNonce(StunAttribute a) throws StunParseException {
    requireType(a, SERVER_NONCE);
    if (a.length() < MIN_SERVER_NONCE_BYTES || a.length() > MAX_SERVER_NONCE_BYTES) {
      throw badValue("SERVER-NONCE not 1..64 bytes");
    }
    return a.value();
  }

  /** ADDRESS-LIST-VERSION: the address-list version the sender holds (device) or publishes. */
  public static StunAttribute addressListVersion(long version) {
    return u64(ADDRESS_LIST_VERSION, version);
  }

  public static long readAddressListVersion(StunAttribute a) throws StunParseException {
    return readU64(requireType(a, ADDRESS_LIST_VERSION));
  }

  /**
   * KEEPALIVE-INTERVAL: the interval the server suggests.
   *
   * @param seconds 0..2^32-1
   */
  public static StunAttribute keepaliveInterval(long seconds) {
    if (seconds < 0 || seconds > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("keepalive interval outside the u32 range: " + seconds);
    }
    byte[] v = new byte[4];
    StunCodec.put32(v, 0, (int) seconds);
    return StunAttribute.owning(KEEPALIVE_INTERVAL, v);
  }

  /** @return seconds, 0..2^32-1 */
  public static long readKeepaliveInterval(StunAttribute a) throws StunParseException {
    return readU32(requireType(a, KEEPALIVE_INTERVAL)) & 0xFFFFFFFFL;
  }

  /** PENDING: which kinds of work wait for the device; an empty set is a valid "nothing". */
  public static StunAttribute pending(Set<Pending> flags) {
    int bits = 0;
    for (Pending p : flags) {
      bits |= p.bit();
    }
    byte[] v = new byte[4];
    StunCodec.put32(v, 0, bits);
    return StunAttribute.owning(PENDING, v);
  }

  /** @return a new set of the known flags that are set; unknown bits are ignored */
  public static Set<Pending> readPending(StunAttribute a) throws StunParseException {
    int bits = readU32(requireType(a, PENDING));
    EnumSet<Pending> flags = EnumSet.noneOf(Pending.class);
    for (Pending p : Pending.values()) {
      if ((bits & p.bit()) != 0) {
        flags.add(p);
      }
    }
    return flags;
  }

  /** SERVER-TIME: the server's clock, so a device can judge wake freshness without NTP. */
  public static StunAttribute serverTime(long epochMillis) {
    return u64(SERVER_TIME, epochMillis);
  }

  /** @return milliseconds since the epoch */
  public static long readServerTime(StunAttribute a) throws StunParseException {
    return readU64(requireType(a, SERVER_TIME));
  }

  /** WAKE: the body of a wake indication; the application-server id is at most 255 bytes. */
  public static StunAttribute wake(Wake wake) {
    byte[] id = utf8(wake.applicationServerId(), MAX_APPLICATION_SERVER_ID_BYTES, "server id");
    byte[] v = new byte[9 + id.length];
    StunCodec.put64(v, 0, wake.wakeId());
    v[8] = (byte) wake.reason().code();
    System.arraycopy(id, 0, v, 9, id.length);
    return StunAttribute.owning(WAKE, v);
  }

  /** Reads WAKE; an unknown reason byte is rejected, as the device could not act on it. */
  public static Wake readWake(StunAttribute a) throws StunParseException {
    requireType(a, WAKE);
    if (a.length() < 9) {
      throw badValue("WAKE shorter than 9 bytes");
    }
    WakeReason reason =
        switch (a.u8(8)) {
          case 1 -> WakeReason.COMMAND;
          case 2 -> WakeReason.SESSION;
          case 3 -> WakeReason.ADDRESS_LIST;
          case 4 -> WakeReason.APPLICATION;
          default -> throw badValue("WAKE has an unknown reason");
        };
    return new Wake(a.u64(0), reason, readUtf8(a, 9, MAX_APPLICATION_SERVER_ID_BYTES));
  }

  /** WAKE-ACK: in a keepalive, tells the server a wake arrived so it stops retransmitting. */
  public static StunAttribute wakeAck(long wakeId) {
    return u64(WAKE_ACK, wakeId);
  }

  public static long readWakeAck(StunAttribute a) throws StunParseException {
    return readU64(requireType(a, WAKE_ACK));
  }

  /** PADDING of {@code length} zero bytes (0..1024). */
  public static StunAttribute padding(int length) {
    if (length < 0 || length > 1024) {
      throw new IllegalArgumentException("padding length must be 0..1024, got " + length);
    }
    return StunAttribute.of(PADDING, new byte[length]);
  }

  /**
   * NAT-PROBE: asks the beacon to answer this request only after {@code seconds} (1..{@value
   * #MAX_NAT_PROBE_SECONDS}), which tells the device whether an idle mapping lives that long.
   */
  public static StunAttribute natProbe(int seconds) {
    if (seconds < 1 || seconds > MAX_NAT_PROBE_SECONDS) {
      throw new IllegalArgumentException("NAT-PROBE delay outside 1.." + MAX_NAT_PROBE_SECONDS + " s: " + seconds);
    }
    byte[] v = new byte[4];
    StunCodec.put32(v, 0, seconds);
    return StunAttribute.owning(NAT_PROBE, v);
  }

  /** @return the delay in seconds, 1..{@value #MAX_NAT_PROBE_SECONDS} */
  public static int readNatProbe(StunAttribute a) throws StunParseException {
    int seconds = readU32(requireType(a, NAT_PROBE));
    if (seconds < 1 || seconds > MAX_NAT_PROBE_SECONDS) {
      throw badValue("NAT-PROBE delay outside 1.." + MAX_NAT_PROBE_SECONDS + " s");
    }
    return seconds;
  }

  /** NAT-BEHAVIOUR: in keepalives, what the device learned of its NAT. */
  public static StunAttribute natBehaviour(NatBehaviour behaviour) {
    return u64(NAT_BEHAVIOUR, behaviour.packed());
  }

  /**
   * The raw u64, validated (see {@link NatBehaviour#unpack}, which cannot fail on it): read per keepalive
   * without allocating a record.
   */
  public static long readNatBehaviourPacked(StunAttribute a) throws StunParseException {
    long packed = readU64(requireType(a, NAT_BEHAVIOUR));
    if (((packed >>> 48) & 0xFF) != 0) {
      throw badValue("NAT-BEHAVIOUR reserved byte is not zero");
    }
    Mapping.of((int) (packed >>> 56) & 0xFF);
    return packed;
  }

  // ===== helpers =====

  private static StunAttribute requireType(StunAttribute a, int type) {
    if (a.type() != type) {
      throw new IllegalArgumentException(
          String.format("attribute 0x%04X read as 0x%04X", a.type(), type));
    }
    return a;
  }

  private static StunParseException badValue(String detail) {
    return new StunParseException(Reason.BAD_VALUE, detail);
  }

  private static StunAttribute u64(int type, long value) {
    byte[] v = new byte[8];
    StunCodec.put64(v, 0, value);
    return StunAttribute.owning(type, v);
  }

  private static long readU64(StunAttribute a) throws StunParseException {
    if (a.length() != 8) {
      throw badValue("expected an 8-byte value");
    }
    return a.u64(0);
  }

  private static int readU32(StunAttribute a) throws StunParseException {
    if (a.length() != 4) {
      throw badValue("expected a 4-byte value");
    }
    return a.u32(0);
  }

  /** The XOR mask for addresses: magic cookie then transaction id (RFC 8489 §14.2). */
  private static byte[] xorMask(byte[] transactionId) {
    Objects.requireNonNull(transactionId, "transactionId");
    if (transactionId.length != StunMessage.TRANSACTION_ID_LENGTH) {
      throw new IllegalArgumentException("transaction id must be 12 bytes");
    }
    byte[] mask = new byte[16];
    StunCodec.put32(mask, 0, StunMessage.MAGIC_COOKIE);
    System.arraycopy(transactionId, 0, mask, 4, 12);
    return mask;
  }

  /** Encodes an address value; {@code mask} is null for plain, the XOR mask for XOR-ed. */
  private static byte[] address(InetSocketAddress address, byte[] mask) {
    Objects.requireNonNull(address, "address");
    InetAddress ip = address.getAddress();
    if (ip == null) { // unresolved: we never resolve names here
      throw new IllegalArgumentException("unresolved address: " + address);
    }
    byte[] ipBytes = ip.getAddress();
    byte[] v = new byte[4 + ipBytes.length];
    v[1] = (byte) (ip instanceof Inet4Address ? FAMILY_IPV4 : FAMILY_IPV6);
    int port = address.getPort();
    for (int i = 0; i < ipBytes.length; i++) {
      v[4 + i] = (byte) (ipBytes[i] ^ (mask == null ? 0 : mask[i]));
    }
    StunCodec.put16(v, 2, mask == null ? port : port ^ (StunMessage.MAGIC_COOKIE >>> 16));
    return v;
  }

  private static InetSocketAddress readAddress(StunAttribute a, byte[] mask)
      throws StunParseException {
    if (a.length() < 4) {
      throw badValue("address shorter than 4 bytes");
    }
    // the first byte is reserved and ignored (RFC 8489 §14.1)
    int family = a.u8(1);
    int size;
    if (family == FAMILY_IPV4) {
      size = 4;
    } else if (family == FAMILY_IPV6) {
      size = 16;
    } else {
      throw badValue("unknown address family");
    }
    if (a.length() != 4 + size) {
      throw badValue("address length does not match its family");
    }
    byte[] ipBytes = new byte[size];
    for (int i = 0; i < size; i++) {
      ipBytes[i] = (byte) (a.u8(4 + i) ^ (mask == null ? 0 : mask[i]));
    }
    int port = a.u16(2) ^ (mask == null ? 0 : StunMessage.MAGIC_COOKIE >>> 16);
    try {
      // From raw bytes: no DNS. IPv6 stays IPv6 even when IPv4-mapped, so it re-encodes the same.
      InetAddress ip =
          size == 4 ? InetAddress.getByAddress(ipBytes) : Inet6Address.getByAddress(null, ipBytes, -1);
      return new InetSocketAddress(ip, port);
    } catch (UnknownHostException e) { // only for a wrong array length, excluded above
      throw badValue("bad address bytes");
    }
  }

  /** Strict UTF-8 of {@code s}, at most {@code max} bytes. */
  private static byte[] utf8(String s, int max, String what) {
    Objects.requireNonNull(s, what);
    byte[] b;
    if (isAscii(s)) {
      b = s.getBytes(StandardCharsets.US_ASCII);
    } else {
      try {
        ByteBuffer bb =
            StandardCharsets.UTF_8
                .newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(s));
        b = new byte[bb.remaining()];
        bb.get(b);
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(what + " is not valid Unicode (lone surrogate)");
      }
    }
    if (b.length > max) {
      throw new IllegalArgumentException(what + " longer than " + max + " UTF-8 bytes");
    }
    return b;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Strict UTF-8 of the value from {@code from} to its end, at most {@code max} bytes. */
  private static String readUtf8(StunAttribute a, int from, int max) throws StunParseException {
    int length = a.length() - from;
    if (length > max) {
      throw badValue("text longer than " + max + " bytes");
    }
    byte[] buf = a.buf();
    int start = a.off() + from;
    boolean ascii = true;
    for (int i = start; i < start + length; i++) {
      if (buf[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) { // the common case, and the cheap one
      return new String(buf, start, length, StandardCharsets.US_ASCII);
    }
    try {
      return UTF8_DECODER.get().reset().decode(ByteBuffer.wrap(buf, start, length)).toString();
    } catch (CharacterCodingException e) {
      throw badValue("malformed UTF-8");
    }
  }
}
