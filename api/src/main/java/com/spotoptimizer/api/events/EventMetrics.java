package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.EventPublishedListener;
import com.spotoptimizer.db.event.EventRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The SSE series of docs/METRICS.md. {@code spot_events_published_total{type}} counts event rows
 * whose transaction committed through this replica (the appender calls {@link #published} after
 * commit), so the sum over replicas is the number of events written.
 */
@Component
public class EventMetrics implements EventPublishedListener {

    public static final String SLOW = "slow";
    public static final String CAPACITY = "capacity";

    private static final Duration[] LAG_BUCKETS = {
            Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Map<String, Counter> published = new ConcurrentHashMap<>();
    private final Counter delivered;
    private final Counter cutoffSlow;
    private final Counter cutoffCapacity;
    private final Timer lag;
    private final AtomicInteger connections = new AtomicInteger();

    public EventMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.delivered = Counter.builder("spot.events.delivered").description("SSE event frames written to subscribers")
                .register(registry);
        this.cutoffSlow = cutoff(SLOW);
        this.cutoffCapacity = cutoff(CAPACITY);
        this.lag = Timer.builder("spot.event.delivery.lag").description("Event commit to SSE frame written (live frames)")
                .serviceLevelObjectives(LAG_BUCKETS).register(registry);
        Gauge.builder("spot.sse.connections", connections, AtomicInteger::get)
                .description("Open SSE subscriptions on this replica").register(registry);
    }

    private Counter cutoff(String reason) {
        return Counter.builder("spot.sse.cutoffs").description("Subscribers cut off").tag("reason", reason).register(registry);
    }

    @Override
    public void published(EventRow event) {
        published.computeIfAbsent(event.eventType(), type -> Counter.builder("spot.events.published")
                .description("Event rows written (the outbox)").tag("type", type).register(registry)).increment();
    }

    void delivered(Instant occurredAt, boolean live, long nowMillis) {
        delivered.increment();
        if (live && occurredAt != null) {
            lag.record(Math.max(0, nowMillis - occurredAt.toEpochMilli()), TimeUnit.MILLISECONDS);
        }
    }

    void cutOff(String reason) {
        (CAPACITY.equals(reason) ? cutoffCapacity : cutoffSlow).increment();
    }

    AtomicInteger connections() {
        return connections;
    }

    public int openConnections() {
        return connections.get();
    }

    public long deliveredCount() {
        return (long) delivered.count();
    }

    public long cutoffCount(String reason) {
        return (long) (CAPACITY.equals(reason) ? cutoffCapacity : cutoffSlow).count();
    }

    public Map<String, Long> publishedByType() {
        Map<String, Long> counts = new TreeMap<>();
        published.forEach((type, counter) -> counts.put(type, (long) counter.count()));
        return counts;
    }

    /** Commit-to-write lag of live frames ({@code spot_event_delivery_lag_seconds}). */
    public Timer lag() {
        return lag;
    }
}
