package com.spotoptimizer.agent.pacing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pacer's series: calls queued per action (gauge), the wait for a turn per action and priority (histogram),
 * throttles that got through anyway and calls that never got a turn (counters). Labels: action and priority, both
 * bounded.
 */
public final class PacingMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> gauges = new ArrayList<>();

    public PacingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void queued(Ec2Pacer pacer) {
        for (Ec2Action action : Ec2Action.values()) {
            gauges.add(Gauge.builder("spot.ec2.pacing.queued", pacer, p -> p.queued(action))
                    .tag("action", action.apiName()).description("EC2 calls waiting for their turn")
                    .register(registry));
        }
    }

    void granted(Ec2Action action, int priority, Duration waited) {
        Timer.builder("spot.ec2.pacing.wait").tag("action", action.apiName()).tag("priority", Integer.toString(priority))
                .description("How long an EC2 call waited for its turn").publishPercentileHistogram()
                .register(registry).record(waited);
    }

    void throttled(Ec2Action action) {
        registry.counter("spot.ec2.pacing.throttled", "action", action.apiName()).increment();
    }

    void retryCharged(Ec2Action action) {
        registry.counter("spot.ec2.pacing.retry.charged", "action", action.apiName()).increment();
    }

    void expired(Ec2Action action) {
        registry.counter("spot.ec2.pacing.expired", "action", action.apiName()).increment();
    }

    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }
}
