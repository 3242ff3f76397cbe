package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.api.system.PeriodicJob;
import com.spotoptimizer.db.command.CommandRepository;
import com.spotoptimizer.db.command.CommandType;
import com.spotoptimizer.db.instance.FleetStatsRepository;
import com.spotoptimizer.db.instance.InstanceStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Fleet-wide gauges, refreshed from the database on a schedule: every replica reports the same
 * numbers, so dashboards take max() across replicas. "Stuck" alerts use the oldest in-flight age, not
 * a series per instance.
 */
@Component
public class FleetGauges extends PeriodicJob {

    private final FleetStatsRepository stats;
    private final CommandRepository commands;
    private final Clock clock;
    private final Map<String, AtomicLong> instancesByStatus = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> commandsByPriority = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> agentsByStatus = new ConcurrentHashMap<>();
    private final AtomicLong oldestLaunchSeconds = new AtomicLong();
    private final AtomicLong oldestTerminationSeconds = new AtomicLong();

    private final Duration refresh;

    public FleetGauges(FleetStatsRepository stats, CommandRepository commands, Clock clock, MeterRegistry registry,
                       @Value("${spot.metrics.fleet-refresh:15s}") Duration refresh) {
        this.refresh = refresh;
        this.stats = stats;
        this.commands = commands;
        this.clock = clock;
        for (InstanceStatus status : InstanceStatus.values()) {
            AtomicLong value = instancesByStatus.computeIfAbsent(status.value(), s -> new AtomicLong());
            Gauge.builder("spot.instances", value, AtomicLong::get).description("Instances per state")
                    .tag("status", status.value()).register(registry);
        }
        Arrays.stream(CommandType.values()).map(CommandType::priority).distinct().forEach(priority -> {
            AtomicLong value = commandsByPriority.computeIfAbsent(priority, p -> new AtomicLong());
            Gauge.builder("spot.commands.queued", value, AtomicLong::get).description("Commands waiting for an agent")
                    .tag("priority", String.valueOf(priority)).register(registry);
        });
        for (String status : new String[] {"online", "offline"}) {
            AtomicLong value = agentsByStatus.computeIfAbsent(status, s -> new AtomicLong());
            Gauge.builder("spot.agents", value, AtomicLong::get).description("Agents by status")
                    .tag("status", status).register(registry);
        }
        Gauge.builder("spot.agents.online", agentsByStatus.get("online"), AtomicLong::get)
                .description("Agents whose heartbeat is fresh").register(registry);
        Gauge.builder("spot.inflight.oldest.age", oldestLaunchSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest launch or termination in flight").tag("operation", "launch").register(registry);
        Gauge.builder("spot.inflight.oldest.age", oldestTerminationSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest launch or termination in flight").tag("operation", "terminate").register(registry);
    }

    @Override
    protected String name() {
        return "fleet-gauges";
    }

    @Override
    protected Duration firstDelay() {
        return refresh;
    }

    @Override
    protected Duration period() {
        return refresh;
    }

    @Override
    protected Mono<Void> runOnce() {
        return refreshNow();
    }

    public Mono<Void> refreshNow() {
        Mono<Void> instances = stats.countByStatus().doOnNext(counts ->
                instancesByStatus.forEach((status, value) -> value.set(counts.getOrDefault(status, 0L)))).then();
        Mono<Void> queued = commands.countWaitingByPriority().doOnNext(counts ->
                commandsByPriority.forEach((priority, value) -> value.set(counts.getOrDefault(priority, 0L)))).then();
        Mono<Void> agents = stats.agentsByStatus().doOnNext(counts ->
                agentsByStatus.forEach((status, value) -> value.set(counts.getOrDefault(status, 0L)))).then();
        Mono<Void> oldestLaunch = stats.oldestLaunching().map(this::ageSeconds).defaultIfEmpty(0L)
                .doOnNext(oldestLaunchSeconds::set).then();
        Mono<Void> oldestTermination = stats.oldestTerminating().map(this::ageSeconds).defaultIfEmpty(0L)
                .doOnNext(oldestTerminationSeconds::set).then();
        return Mono.when(instances, queued, agents, oldestLaunch, oldestTermination);
    }

    private long ageSeconds(java.time.Instant since) {
        return Math.max(0, Duration.between(since, clock.instant()).toSeconds());
    }
}
