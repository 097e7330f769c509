/**
 * ECHONET Lite (format 1) for Homeport: the frame codec, the property semantics of the appliance
 * classes Homeport supports, and an appliance simulator for the LAN side.
 *
 * <p>Plain Java except {@link io.homeport.echonet.ApplianceSimulator}, which is the UDP shell
 * (Vert.x) around the protocol logic in {@link io.homeport.echonet.ApplianceNode}. The codec
 * ({@link io.homeport.echonet.EchonetCodec}), the frame types and the property helpers ({@link
 * io.homeport.echonet.PropertySpec}, {@link io.homeport.echonet.EchonetClasses}) are meant to be
 * reused by the ECHONET Lite plugin.
 *
 * <p>Codes follow the ECHONET Lite specification (frame format, ESV codes) and the "APPENDIX
 * Detailed Requirements for ECHONET Device Objects" (class and property codes); see {@link
 * io.homeport.echonet.EchonetClasses} for what each value was checked against.
 */
package io.homeport.echonet;
