package io.homeport.wake;

import io.homeport.stun.StunAttributes;
import io.homeport.stun.StunMessage;

/** Encodes the wake of DESIGN.md 2.1: a STUN Binding Indication signed with the device's beacon key. */
public final class WakeMessages {
  private WakeMessages() {}

  public static byte[] encode(String deviceId, byte[] beaconKey, long wakeId, StunAttributes.WakeReason reason,
      String applicationServerId, long serverTimeMillis) {
    return StunMessage.builder(StunMessage.BINDING_INDICATION, StunMessage.randomTransactionId())
        .add(StunAttributes.username(deviceId),
            StunAttributes.wake(new StunAttributes.Wake(wakeId, reason, applicationServerId)),
            StunAttributes.serverTime(serverTimeMillis))
        .messageIntegritySha256(beaconKey)
        .fingerprint()
        .encode();
  }
}
