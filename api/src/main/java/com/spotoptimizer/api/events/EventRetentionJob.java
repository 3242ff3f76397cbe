package com.spotoptimizer.api.events;

import com.spotoptimizer.api.system.PeriodicJob;
import com.spotoptimizer.db.account.AgentEmergencies;
import com.spotoptimizer.db.event.EventRetention;
import com.spotoptimizer.db.event.EventTickets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Retention, every {@code spot.events.prune-interval}: events older than {@code spot.events.retention}
 * go (advancing {@code clients.pruned_through_id}, so a resume point among them gets RESYNC), and so do
 * spent tickets and old emergency notices. Every replica runs it; the work is idempotent.
 */
@Component
public class EventRetentionJob extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(EventRetentionJob.class);
    private static final Duration TICKET_GRACE = Duration.ofHours(1);

    private final EventRetention retention;
    private final EventTickets tickets;
    private final AgentEmergencies emergencies;
    private final EventsProperties properties;
    private final Clock clock;

    public EventRetentionJob(EventRetention retention, EventTickets tickets, AgentEmergencies emergencies,
                             EventsProperties properties, Clock clock) {
        this.retention = retention;
        this.tickets = tickets;
        this.emergencies = emergencies;
        this.properties = properties;
        this.clock = clock;
    }

    /** One pass; returns the number of events removed. */
    public Mono<Long> pruneNow() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(properties.retention());
        return retention.pruneBefore(cutoff)
                .flatMap(events -> tickets.deleteExpiredBefore(now.minus(TICKET_GRACE))
                        .then(emergencies.deleteReceivedBefore(cutoff))
                        .thenReturn(events))
                .doOnNext(events -> {
                    if (events > 0) {
                        log.info("Pruned events count={} older_than={}", events, cutoff);
                    }
                });
    }

    @Override
    protected String name() {
        return "event-retention";
    }

    @Override
    protected Duration firstDelay() {
        Duration minute = Duration.ofMinutes(1);
        return properties.pruneInterval().compareTo(minute) < 0 ? properties.pruneInterval() : minute;
    }

    @Override
    protected Duration period() {
        return properties.pruneInterval();
    }

    @Override
    protected Mono<?> runOnce() {
        return pruneNow();
    }
}
