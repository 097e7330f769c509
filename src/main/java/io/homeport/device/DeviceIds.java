package io.homeport.device;

import io.homeport.refusal.Refusal;
import java.util.UUID;
import java.util.regex.Pattern;

/** Rules for device ids and names, which appear in certificates, STUN USERNAMEs and URLs. */
public final class DeviceIds {
  /** Ids: 1-64 of letters, digits, '.', '_', '-', starting with a letter or digit. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** Names: the same shape; unique among devices, used to find a peer. */
  public static final Pattern NAME = ID;

  private DeviceIds() {}

  public static String generate() {
    return UUID.randomUUID().toString();
  }

  public static void checkId(String id) {
    if (!ID.matcher(id).matches()) {
      throw new Refusal.Invalid("invalid-device-id",
          "device id '" + abbreviate(id) + "' is invalid: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
  }

  public static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new Refusal.Invalid("invalid-device-name",
          "device name '" + abbreviate(name) + "' is invalid: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 70 ? s.substring(0, 67) + "..." : s;
  }
}
