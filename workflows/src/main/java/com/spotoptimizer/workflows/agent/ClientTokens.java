package com.spotoptimizer.workflows.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * EC2 ClientToken for a launch: derived from the client's request id and the instance type, so a
 * repeated RunInstances returns the same instance, while a later fallback to another instance type
 * is a new token rather than an {@code IdempotentParameterMismatch}. 64 hex chars (EC2's limit is 64).
 */
public final class ClientTokens {

    private ClientTokens() {
    }

    public static String forLaunch(String clientId, String requestId, String instanceType) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((clientId + '/' + requestId + '/' + instanceType).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }
}
