package io.homeport.agent;

import java.net.URI;

/** Test access to the enroller's CSR-id override, to provoke a CSR for another device. */
public final class EnrollerAccess {
  private EnrollerAccess() {}

  public static DeviceBundle enrollWithCsrFor(URI server, String token, String csrDeviceId) throws Exception {
    return Enroller.enroll(server, token, csrDeviceId);
  }
}
