package com.spotoptimizer.agent.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The agent's series (docs/METRICS.md). Labels are bounded: an EC2 action, a code from a fixed set, an
 * operation; never an instance id. {@link #close()} removes the gauges, so a runtime that is replaced
 * in the same registry (a restart in one JVM) does not leave a stale one behind.
 */
public final class Ec2Metrics implements AutoCloseable {

    /** The {@code code} label values; anything else is {@code Other}. */
    public static final Set<String> CODES = Set.of("RequestLimitExceeded", "InsufficientInstanceCapacity",
            "InvalidParameterValue", "UnauthorizedOperation", "InvalidInstanceID.NotFound", "ServerError", "Other");

    public static final Set<String> ACTIONS = Set.of("RunInstances", "DescribeInstances", "TerminateInstances",
            "CreateTags");

    /** The {@code kind} label values of {@code spot.interruptions}: the api's emergency kinds. */
    public static final Set<String> INTERRUPTION_KINDS = Set.of("SPOT_INTERRUPTION", "REBALANCE_RECOMMENDATION");

    /** The {@code reason} label values of {@code spot.ended.instances}. */
    public static final Set<String> ENDED_REASONS = Set.of("spot_interruption", "terminated_outside");

    public static final String LAUNCH = "launch";
    public static final String TERMINATE = "terminate";

    private final MeterRegistry registry;
    private final AtomicInteger orphans = new AtomicInteger();
    private final Counter orphansTerminated;
    private final List<Meter> gauges = new ArrayList<>();

    public Ec2Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.orphansTerminated = Counter.builder("spot.orphans.terminated")
                .description("Orphans the sweeper terminated").register(registry);
        gauges.add(Gauge.builder("spot.orphan.instances", orphans, AtomicInteger::get)
                .description("Instances with this system's ownership tag and no live row, found by the last sweep")
                .register(registry));
    }

    /** One EC2 API attempt and how it ended ({@code ok} or {@code error}). */
    public void call(String action, boolean ok) {
        registry.counter("spot.ec2.calls", "action", action(action), "outcome", ok ? "ok" : "error").increment();
    }

    /** One EC2 API error; {@code code} is EC2's error code, or null for a call that got no answer. */
    public void error(String action, String code, int httpStatus) {
        registry.counter("spot.ec2.errors", "action", action(action), "code", code(code, httpStatus)).increment();
    }

    /** The instances the watcher holds, per operation ({@link #LAUNCH}, {@link #TERMINATE}). */
    public <T> void inflight(T watcher, ToIntFunction<T> launches, ToIntFunction<T> terminations) {
        gauges.add(Gauge.builder("spot.ec2.inflight.instances", watcher, w -> launches.applyAsInt(w))
                .tag("operation", LAUNCH).description("Instances the agent is watching").register(registry));
        gauges.add(Gauge.builder("spot.ec2.inflight.instances", watcher, w -> terminations.applyAsInt(w))
                .tag("operation", TERMINATE).description("Instances the agent is watching").register(registry));
    }

    public void orphansFound(int count) {
        orphans.set(count);
    }

    public void orphansTerminated(int count) {
        orphansTerminated.increment(count);
    }

    /** An interruption notice seen for the first time on a managed instance ({@code kind}: the emergency kind). */
    public void interruption(String kind) {
        Counter.builder("spot.interruptions").tag("kind", INTERRUPTION_KINDS.contains(kind) ? kind : "Other")
                .description("Interruption notices seen on managed instances, each once per agent process")
                .register(registry).increment();
    }

    /** Instances EC2 shows ended that the api has not acknowledged yet (reported, or still to be). */
    public <T> void endedUnacknowledged(T reporter, ToIntFunction<T> count) {
        gauges.add(Gauge.builder("spot.ended.instances.unacknowledged", reporter, r -> count.applyAsInt(r))
                .description("Instances of this agent EC2 shows ended outside the agent, not yet acknowledged by the api")
                .register(registry));
    }

    /** An instance of this agent seen ended for the first time, not by the agent's own hand. */
    public void endedInstance(String reason) {
        Counter.builder("spot.ended.instances").tag("reason", ENDED_REASONS.contains(reason) ? reason : "Other")
                .description("Instances of this agent EC2 showed ended outside the agent, each once per agent process")
                .register(registry).increment();
    }

    static String action(String action) {
        return action != null && ACTIONS.contains(action) ? action : "Other";
    }

    /** Bounded: the codes an operator alerts on, 5xx as ServerError, the rest as Other. */
    public static String code(String code, int httpStatus) {
        if (code != null && CODES.contains(code)) {
            return code;
        }
        return httpStatus >= 500 ? "ServerError" : "Other";
    }

    @Override
    public void close() {
        gauges.forEach(registry::remove);
        gauges.clear();
    }
}
