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
        return sha256(clientId + '/' + requestId + '/' + instanceType);
    }

    /**
     * The token of a launch's attempt: attempt 0 is {@link #forLaunch} (unchanged, so launches started before
     * alternatives keep theirs); a fallback's is derived from the request, the attempt index, type and subnet, so a
     * crash and retry of one attempt gets its instance back while each attempt is a launch of its own.
     */
    public static String forAttempt(String clientId, String requestId, int attempt, String instanceType,
                                    String subnetId) {
        return attempt == 0 ? forLaunch(clientId, requestId, instanceType)
                : sha256(clientId + '/' + requestId + "/attempt-" + attempt + '/' + instanceType + '/'
                        + (subnetId == null ? "" : subnetId));
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }
}
