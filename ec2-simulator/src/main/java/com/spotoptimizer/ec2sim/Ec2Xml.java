package com.spotoptimizer.ec2sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Renders EC2's XML. Element names and nesting follow the 2016-11-15 API exactly, because the SDK's
 * unmarshallers and its waiters' JMESPath expressions (Reservations[].Instances[].State.Name) depend on them.
 */
final class Ec2Xml {

    static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final String OWNER_ID = "123456789012";
    static final String AVAILABILITY_ZONE = "us-east-1a";
    static final String VPC_ID = "vpc-0a1b2c3d4e5f60718";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** EC2's spot-termination state reason ({@code Instance.stateReason()} in the SDK). */
    static final String SPOT_TERMINATION_CODE = "Server.SpotInstanceTermination";
    static final String SPOT_TERMINATION_MESSAGE = "Server.SpotInstanceTermination: Spot instance termination";

    /** The time inside a state transition reason, as EC2 writes it. */
    private static final DateTimeFormatter REASON_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'GMT'").withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder(512);

    private Ec2Xml() {
    }

    /** Starts {@code <ActionResponse xmlns=…><requestId>…</requestId>}. */
    static Ec2Xml response(String action, String requestId) {
        Ec2Xml xml = new Ec2Xml();
        xml.out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(action).append("Response xmlns=\"")
                .append(NAMESPACE).append("\">");
        xml.leaf("requestId", requestId);
        return xml;
    }

    static String error(String code, String message, String requestId) {
        Ec2Xml xml = new Ec2Xml();
        xml.out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.open("Response").open("Errors").open("Error").leaf("Code", code).leaf("Message", message)
                .close("Error").close("Errors").leaf("RequestID", requestId).close("Response");
        return xml.out.toString();
    }

    String finish(String action) {
        return close(action + "Response").out.toString();
    }

    Ec2Xml open(String name) {
        out.append('<').append(name).append('>');
        return this;
    }

    Ec2Xml close(String name) {
        out.append("</").append(name).append('>');
        return this;
    }

    /** A text element; skipped when the value is null, as EC2 omits unset fields. */
    Ec2Xml leaf(String name, Object value) {
        if (value == null) {
            return this;
        }
        String text = value instanceof Instant instant ? timestamp(instant) : value.toString();
        out.append('<').append(name).append('>');
        escape(text);
        out.append("</").append(name).append('>');
        return this;
    }

    Ec2Xml empty(String name) {
        out.append('<').append(name).append("/>");
        return this;
    }

    Ec2Xml state(String name, InstanceState state) {
        return open(name).leaf("code", state.code()).leaf("name", state.wireName()).close(name);
    }

    /** One {@code instancesSet/item} as RunInstances and DescribeInstances render it. */
    Ec2Xml instance(InstanceRecord r, Instant now) {
        InstanceState state = r.stateAt(now);
        open("item").leaf("instanceId", r.instanceId()).leaf("imageId", r.imageId()).state("instanceState", state)
                .leaf("privateDnsName", privateDnsName(r.privateIp()))
                .leaf("dnsName", "")
                .leaf("reason", transitionReason(r))
                .leaf("amiLaunchIndex", r.launchIndex())
                .empty("productCodes")
                .leaf("instanceType", r.instanceType())
                .leaf("launchTime", r.launchTime())
                .open("placement").leaf("availabilityZone", AVAILABILITY_ZONE).leaf("groupName", "")
                .leaf("tenancy", "default").close("placement")
                .open("monitoring").leaf("state", "disabled").close("monitoring")
                .leaf("subnetId", r.subnetId())
                .leaf("vpcId", VPC_ID)
                .leaf("privateIpAddress", r.privateIp())
                .leaf("sourceDestCheck", true)
                .empty("groupSet");
        if (r.endedBySpotInterruption()) {
            open("stateReason").leaf("code", SPOT_TERMINATION_CODE).leaf("message", SPOT_TERMINATION_MESSAGE)
                    .close("stateReason");
        } else if (r.terminateRequestedAt() != null) {
            open("stateReason").leaf("code", "Client.UserInitiatedShutdown")
                    .leaf("message", "Client.UserInitiatedShutdown: User initiated shutdown").close("stateReason");
        }
        leaf("architecture", "x86_64").leaf("rootDeviceType", "ebs").leaf("rootDeviceName", "/dev/xvda")
                .empty("blockDeviceMapping");
        if (r.spot()) {
            leaf("instanceLifecycle", "spot").leaf("spotInstanceRequestId", "sir-" + r.instanceId().substring(2, 10));
        }
        leaf("virtualizationType", "hvm").leaf("clientToken", r.clientToken() == null ? "" : r.clientToken());
        if (!r.tags().isEmpty()) {
            open("tagSet");
            r.tags().forEach((k, v) -> open("item").leaf("key", k).leaf("value", v).close("item"));
            close("tagSet");
        }
        return leaf("hypervisor", "xen").empty("networkInterfaceSet").leaf("ebsOptimized", false)
                .leaf("enaSupport", true).close("item");
    }

    /**
     * {@code reason} on the wire, {@code StateTransitionReason} in the SDK: empty while nothing happened,
     * EC2's {@code User initiated (2030-01-01 00:00:00 GMT)} after a TerminateInstances, and for a spot
     * interruption {@code Service initiated (…)} with its action time, shown from the notice on: the one
     * place DescribeInstances tells an outside observer when EC2 will act.
     */
    private static String transitionReason(InstanceRecord r) {
        if (r.endedBySpotInterruption()) {
            return "Service initiated (" + REASON_TIME.format(r.interruptionActionAt()) + ")";
        }
        return r.terminateRequestedAt() == null ? "" : "User initiated (" + REASON_TIME.format(r.terminateRequestedAt()) + ")";
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String privateDnsName(String ip) {
        return "ip-" + ip.replace('.', '-') + ".ec2.internal";
    }

    private void escape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
    }
}
