package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.db.instance.InstanceRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Launch and termination outcomes and durations (the seed's histograms). Labels are bounded:
 * agent, instance type, outcome — never an instance id.
 */
@Component
public class LifecycleMetrics {

    public static final String SUCCESS = "success";
    public static final String TIMEOUT = "timeout";
    public static final String EC2_ERROR = "ec2_error";
    public static final String CANCELLED = "cancelled";

    private static final Duration[] LAUNCH_BUCKETS = seconds(10, 30, 60, 120, 300);
    private static final Duration[] TERMINATION_BUCKETS = seconds(5, 15, 30, 60, 180);

    private final MeterRegistry registry;

    public LifecycleMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void launchSucceeded(InstanceRow row) {
        if (row.launchDurationSeconds() != null) {
            Timer.builder("instance.launch.duration")
                    .description("Launch request to AWS-confirmed running")
                    .tags("agent", row.agentId(), "instance_type", row.instanceType())
                    .serviceLevelObjectives(LAUNCH_BUCKETS)
                    .register(registry)
                    .record(Duration.ofMillis(Math.round(row.launchDurationSeconds() * 1000)));
        }
        launchEnded(row, SUCCESS);
    }

    void launchEnded(InstanceRow row, String outcome) {
        Counter.builder("spot.launches").description("Launches by how they ended")
                .tags("agent", row.agentId(), "outcome", outcome).register(registry).increment();
    }

    void terminationSucceeded(InstanceRow row) {
        if (row.terminationDurationSeconds() != null) {
            Timer.builder("instance.termination.duration")
                    .description("Termination request to AWS-confirmed terminated")
                    .tags("agent", row.agentId(), "instance_type", row.instanceType())
                    .serviceLevelObjectives(TERMINATION_BUCKETS)
                    .register(registry)
                    .record(Duration.ofMillis(Math.round(row.terminationDurationSeconds() * 1000)));
        }
        terminationEnded(row, SUCCESS);
    }

    void terminationEnded(InstanceRow row, String outcome) {
        Counter.builder("spot.terminations").description("Terminations by how they ended")
                .tags("agent", row.agentId(), "outcome", outcome).register(registry).increment();
    }

    private static Duration[] seconds(long... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofSeconds(values[i]);
        }
        return durations;
    }
}
