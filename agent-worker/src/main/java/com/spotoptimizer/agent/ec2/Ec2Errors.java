package com.spotoptimizer.agent.ec2;

import com.spotoptimizer.workflows.system.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What an EC2 error means for the agent. Two decisions hang on it: whether the SDK retries the call
 * (throttling, 5xx, a lost answer) and, once it gives up, what the activity reports: a refusal no retry
 * can fix ends the launch with a reason a user can read; anything transient is a retryable failure, so
 * Temporal runs the activity again (RunInstances with the same ClientToken).
 *
 * <p>EC2 answers {@code InsufficientInstanceCapacity} with HTTP 500, so "retry every 5xx" would turn a
 * capacity refusal into seconds of pointless retries; it is classified by code first, status second.
 */
public final class Ec2Errors {

    public static final String NOT_FOUND = "InvalidInstanceID.NotFound";
    public static final String THROTTLED = "RequestLimitExceeded";

    /** Refusals that mean "no capacity for this request now": the workflow may fall back to another type. */
    private static final Set<String> CAPACITY = FailureTypes.CAPACITY_CODES;

    private static final Set<String> UNAUTHORIZED = Set.of("UnauthorizedOperation", "AuthFailure",
            "Blocked", "OptInRequired", "PendingVerification", "SignatureDoesNotMatch", "InvalidClientTokenId");

    private static final Set<String> THROTTLING = Set.of(THROTTLED, "Throttling", "ThrottlingException",
            "RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "SlowDown");

    /** 4xx codes that are about timing, not about the request: retry them. */
    private static final Set<String> TRANSIENT_CLIENT = Set.of(NOT_FOUND, "IncorrectState",
            "IncorrectInstanceState", "RequestExpired", "RequestTimeout", "RequestTimeoutException",
            "PriorRequestNotComplete");

    private Ec2Errors() {
    }

    /** EC2's error code, or null when the call got no answer (I/O, timeout). */
    public static String code(Throwable error) {
        return error instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? service.awsErrorDetails().errorCode() : null;
    }

    public static int status(Throwable error) {
        return error instanceof AwsServiceException service ? service.statusCode() : 0;
    }

    public static boolean isThrottling(Throwable error) {
        String code = code(error);
        return (code != null && THROTTLING.contains(code)) || status(error) == 429;
    }

    public static boolean isNotFound(Throwable error) {
        return NOT_FOUND.equals(code(error));
    }

    /** Whether the SDK should try the same call again (with backoff): throttling, 5xx, no answer. */
    public static boolean isTransient(Throwable error) {
        String code = code(error);
        if (code != null) {
            if (CAPACITY.contains(code) || UNAUTHORIZED.contains(code)) {
                return false;
            }
            return THROTTLING.contains(code) || status(error) >= 500 || status(error) == 429;
        }
        if (error instanceof AwsServiceException) {
            return status(error) >= 500 || status(error) == 429;
        }
        return error instanceof ApiCallAttemptTimeoutException
                || error instanceof RetryableException
                || (error instanceof SdkClientException && hasCause(error, IOException.class));
    }

    /**
     * The activity's failure for an EC2 call that failed after the SDK's own retries: non-retryable with a
     * stable type for refusals, retryable (Temporal backs off and runs the activity again) otherwise.
     */
    public static ApplicationFailure toActivityFailure(String action, Throwable error) {
        String code = code(error);
        String message = message(action, error);
        String type = refusalType(code);
        if (type != null && !isTransient(error)) {
            return ApplicationFailure.newNonRetryableFailure(message, type);
        }
        return ApplicationFailure.newFailure(message, code == null ? "Ec2Unreachable" : code);
    }

    /**
     * The failure type of a refusal, or null when the code is transient. Known codes map to the stable
     * {@link FailureTypes}; any other 4xx keeps EC2's own code, which names the problem
     * ({@code VcpuLimitExceeded}, {@code InvalidAMIID.NotFound} is reported as InvalidParameterValue).
     */
    static String refusalType(String code) {
        if (code == null || THROTTLING.contains(code) || TRANSIENT_CLIENT.contains(code)) {
            return null;
        }
        if (CAPACITY.contains(code)) {
            return FailureTypes.INSUFFICIENT_CAPACITY;
        }
        if (UNAUTHORIZED.contains(code)) {
            return FailureTypes.UNAUTHORIZED;
        }
        if (code.equals(FailureTypes.IDEMPOTENT_PARAMETER_MISMATCH)) {
            return FailureTypes.IDEMPOTENT_PARAMETER_MISMATCH;
        }
        if (code.startsWith("Invalid") || code.equals("MissingParameter") || code.equals("UnknownParameter")
                || code.equals("ValidationError")) {
            return FailureTypes.INVALID_PARAMETER;
        }
        return code;
    }

    /** "InsufficientInstanceCapacity: We currently do not have ..." with the raw code kept for the reader. */
    static String message(String action, Throwable error) {
        if (error instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            String text = service.awsErrorDetails().errorMessage();
            String type = refusalType(code);
            // The failure's type already says e.g. InvalidParameterValue; keep EC2's more precise code.
            String prefix = type != null && !type.equals(code) ? code + ": " : "";
            return prefix + (text == null ? action + " failed" : text);
        }
        return action + " got no answer from EC2: " + error.getMessage();
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
