package com.spotoptimizer.ec2sim;

import java.util.Map;

/**
 * An EC2 error response. HTTP statuses follow what EC2 itself returns for each code, because the SDK's
 * retry policy looks at both: throttling and server errors are retried, client errors are not.
 */
final class Ec2Error extends RuntimeException {

    private static final Map<String, Integer> STATUS_BY_CODE = Map.of(
            "RequestLimitExceeded", 503,
            "Unavailable", 503,
            "ServiceUnavailable", 503,
            "InternalError", 500,
            "InsufficientInstanceCapacity", 500,
            "UnauthorizedOperation", 403,
            "AuthFailure", 401,
            "DryRunOperation", 412);

    private final String code;
    private final int status;

    Ec2Error(String code, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = statusFor(code);
    }

    static int statusFor(String code) {
        return STATUS_BY_CODE.getOrDefault(code, 400);
    }

    static Ec2Error notFound(java.util.Collection<String> ids) {
        String message = ids.size() == 1
                ? "The instance ID '" + ids.iterator().next() + "' does not exist"
                : "The instance IDs '" + String.join(", ", ids) + "' do not exist";
        return new Ec2Error("InvalidInstanceID.NotFound", message);
    }

    static Ec2Error invalidValue(String message) {
        return new Ec2Error("InvalidParameterValue", message);
    }

    static Ec2Error missing(String parameter) {
        return new Ec2Error("MissingParameter", "The request must contain the parameter " + parameter);
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }
}
