package com.spotoptimizer.ec2sim;

import com.spotoptimizer.ec2sim.Ec2SimulatorConfig.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Runtime knobs of a running simulator: lifecycle delays and injected faults. Every method is
 * thread-safe and takes effect on the next request. Delays apply to instances launched or terminated
 * after the change (each instance keeps the timestamps it was given).
 *
 * <p>Image ids starting with {@value #INVALID_IMAGE_PREFIX} always fail with {@code InvalidParameterValue}
 * and those starting with {@value #DENIED_IMAGE_PREFIX} with {@code UnauthorizedOperation}.
 */
public final class Ec2Faults {

    public static final String INVALID_IMAGE_PREFIX = "ami-invalid";
    public static final String DENIED_IMAGE_PREFIX = "ami-denied";
    public static final Duration DEFAULT_DROP_STALL = Duration.ofSeconds(30);

    /** How a dropped response is lost. */
    public enum DropMode {
        /** Hold the connection unanswered for {@link Ec2Faults#dropStall(Duration)}: the client times out. */
        STALL,
        /** Close the connection without a response: the client sees a reset and (by default) retries. */
        CLOSE
    }

    private record CountedFault(String action, String instanceType, String subnetId, String errorCode, int remaining) {
        boolean matches(String a, String type, String subnet) {
            return (action == null || action.equals(a)) && (instanceType == null || instanceType.equals(type))
                    && (subnetId == null || subnetId.equals(subnet));
        }

        CountedFault less() {
            return new CountedFault(action, instanceType, subnetId, errorCode, remaining - 1);
        }
    }

    private final Ec2SimulatorConfig config;
    private Timing timing;
    private final List<CountedFault> requestFaults = new ArrayList<>();
    private final List<CountedFault> launchFaults = new ArrayList<>();
    private final Map<String, String> rejectedImages = new LinkedHashMap<>();
    private double throttleProbability;
    private Random random;
    private int dropsRemaining;
    private DropMode dropMode = DropMode.STALL;
    private Duration dropStall = DEFAULT_DROP_STALL;

    Ec2Faults(Ec2SimulatorConfig config) {
        this.config = config;
        clear();
    }

    /** Back to the configured delays, with no fault pending. */
    public synchronized void clear() {
        timing = config.timing();
        requestFaults.clear();
        launchFaults.clear();
        rejectedImages.clear();
        throttleProbability = 0;
        random = new Random(config.randomSeed());
        dropsRemaining = 0;
        dropMode = DropMode.STALL;
        dropStall = DEFAULT_DROP_STALL;
    }

    public synchronized Timing timing() {
        return timing;
    }

    public synchronized Ec2Faults launchDelay(Duration delay) {
        timing = timing.withLaunchDelay(delay);
        return this;
    }

    public synchronized Ec2Faults terminateDelay(Duration delay) {
        timing = timing.withTerminateDelay(delay);
        return this;
    }

    public synchronized Ec2Faults consistencyWindow(Duration window) {
        timing = timing.withConsistencyWindow(window);
        return this;
    }

    public synchronized Ec2Faults terminatedRetention(Duration retention) {
        timing = timing.withTerminatedRetention(retention);
        return this;
    }

    /** The next {@code count} launches fail with {@code InsufficientInstanceCapacity}. */
    public Ec2Faults insufficientCapacity(int count) {
        return insufficientCapacity(count, null);
    }

    /** As {@link #insufficientCapacity(int)}, but only launches of {@code instanceType} (null = any) count. */
    public Ec2Faults insufficientCapacity(int count, String instanceType) {
        return insufficientCapacity(count, instanceType, null);
    }

    /**
     * As {@link #insufficientCapacity(int)}, but only launches of {@code instanceType} in {@code subnetId} count
     * (null = any): EC2 has no capacity for one type in one Availability Zone while others launch.
     */
    public Ec2Faults insufficientCapacity(int count, String instanceType, String subnetId) {
        return refuseLaunches(count, instanceType, subnetId, "InsufficientInstanceCapacity");
    }

    /**
     * The next {@code count} launches of {@code instanceType} in {@code subnetId} (null = any) fail with
     * {@code errorCode}, e.g. {@code Unsupported} (the type is not offered in that zone).
     */
    public synchronized Ec2Faults refuseLaunches(int count, String instanceType, String subnetId, String errorCode) {
        launchFaults.add(new CountedFault("RunInstances", instanceType, subnetId, Objects.requireNonNull(errorCode),
                positive(count)));
        return this;
    }

    /** The next {@code count} EC2 calls of any action get {@code RequestLimitExceeded}. */
    public Ec2Faults throttleNext(int count) {
        return throttleNext(count, null);
    }

    /** The next {@code count} calls of {@code action} (null = any) get {@code RequestLimitExceeded}. */
    public Ec2Faults throttleNext(int count, String action) {
        return failNext(action, count, "RequestLimitExceeded");
    }

    /** Each call is throttled with this probability, drawn from a Random seeded by the config. */
    public synchronized Ec2Faults throttleProbability(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
        }
        throttleProbability = probability;
        return this;
    }

    /**
     * The next {@code count} calls of {@code action} (null = any) fail with {@code errorCode}, with the
     * HTTP status EC2 uses for it (e.g. InternalError 500, Unavailable 503, anything unknown 400).
     */
    public synchronized Ec2Faults failNext(String action, int count, String errorCode) {
        requestFaults.add(new CountedFault(action, null, null, Objects.requireNonNull(errorCode), positive(count)));
        return this;
    }

    /** RunInstances with exactly this image id fails with {@code errorCode}, until cleared. */
    public synchronized Ec2Faults rejectImage(String imageId, String errorCode) {
        rejectedImages.put(Objects.requireNonNull(imageId), Objects.requireNonNull(errorCode));
        return this;
    }

    /** The next {@code count} successful RunInstances take effect, but their response is lost by stalling. */
    public Ec2Faults dropRunInstancesResponses(int count) {
        return dropRunInstancesResponses(count, DropMode.STALL);
    }

    public synchronized Ec2Faults dropRunInstancesResponses(int count, DropMode mode) {
        dropsRemaining = positive(count);
        dropMode = Objects.requireNonNull(mode);
        return this;
    }

    /** How long a {@link DropMode#STALL} holds the connection before closing it. */
    public synchronized Ec2Faults dropStall(Duration stall) {
        dropStall = Timing.requireNonNegative(stall, "dropStall");
        return this;
    }

    synchronized Duration dropStall() {
        return dropStall;
    }

    /** Checked before a call is dispatched: throttling and generic failures. */
    synchronized Optional<Ec2Error> beforeCall(String action) {
        Optional<Ec2Error> counted = consume(requestFaults, action, null, null);
        if (counted.isPresent()) {
            return counted;
        }
        if (throttleProbability > 0 && random.nextDouble() < throttleProbability) {
            return Optional.of(throttled());
        }
        return Optional.empty();
    }

    /** Checked only when RunInstances is about to create instances (not on an idempotent replay). */
    synchronized Optional<Ec2Error> beforeLaunch(String imageId, String instanceType, String subnetId) {
        String rejected = rejectedImages.get(imageId);
        if (rejected != null) {
            return Optional.of(new Ec2Error(rejected, "Image " + imageId + " was rejected by the simulator."));
        }
        if (imageId.startsWith(INVALID_IMAGE_PREFIX)) {
            return Optional.of(Ec2Error.invalidValue("Invalid id: \"" + imageId + "\" (expecting \"ami-...\")"));
        }
        if (imageId.startsWith(DENIED_IMAGE_PREFIX)) {
            return Optional.of(new Ec2Error("UnauthorizedOperation",
                    "You are not authorized to perform this operation. Image: " + imageId));
        }
        return consume(launchFaults, "RunInstances", instanceType, subnetId);
    }

    /** Whether this successful RunInstances response is to be lost, and how. */
    synchronized Optional<DropMode> takeDrop() {
        if (dropsRemaining == 0) {
            return Optional.empty();
        }
        dropsRemaining--;
        return Optional.of(dropMode);
    }

    private Optional<Ec2Error> consume(List<CountedFault> faults, String action, String instanceType, String subnetId) {
        for (int i = 0; i < faults.size(); i++) {
            CountedFault fault = faults.get(i);
            if (fault.matches(action, instanceType, subnetId)) {
                if (fault.remaining() <= 1) {
                    faults.remove(i);
                } else {
                    faults.set(i, fault.less());
                }
                return Optional.of(errorFor(fault.errorCode()));
            }
        }
        return Optional.empty();
    }

    private static Ec2Error errorFor(String code) {
        return switch (code) {
            case "RequestLimitExceeded" -> throttled();
            case "InsufficientInstanceCapacity" -> new Ec2Error(code,
                    "We currently do not have sufficient capacity in the Availability Zone you requested.");
            case "Unsupported" -> new Ec2Error(code,
                    "The requested configuration is currently not supported. Please check the documentation for supported configurations.");
            default -> new Ec2Error(code, "Injected by the EC2 simulator.");
        };
    }

    private static Ec2Error throttled() {
        return new Ec2Error("RequestLimitExceeded", "Request limit exceeded.");
    }

    private static int positive(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        return count;
    }

    /** A readable summary for the admin endpoint. */
    synchronized Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("launchDelayMs", timing.launchDelay().toMillis());
        out.put("terminateDelayMs", timing.terminateDelay().toMillis());
        out.put("consistencyWindowMs", timing.consistencyWindow().toMillis());
        out.put("terminatedRetentionMs", timing.terminatedRetention().toMillis());
        out.put("throttleProbability", throttleProbability);
        out.put("dropRunInstances", dropsRemaining);
        out.put("dropMode", dropMode.name().toLowerCase(java.util.Locale.ROOT));
        out.put("dropStallMs", dropStall.toMillis());
        List<Object> pending = new ArrayList<>();
        for (CountedFault f : requestFaults) {
            pending.add(faultMap(f));
        }
        for (CountedFault f : launchFaults) {
            pending.add(faultMap(f));
        }
        out.put("pendingFaults", pending);
        out.put("rejectedImages", new LinkedHashMap<>(rejectedImages));
        return out;
    }

    private static Map<String, Object> faultMap(CountedFault f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", f.action());
        m.put("instanceType", f.instanceType());
        m.put("subnetId", f.subnetId());
        m.put("errorCode", f.errorCode());
        m.put("remaining", f.remaining());
        return m;
    }
}
