package com.spotoptimizer.api.presence;

import com.spotoptimizer.api.events.EventsProperties;
import com.spotoptimizer.api.system.PeriodicJob;
import com.spotoptimizer.db.account.AgentPresence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code spot.events.agent-sweep-interval}: each online agent whose last heartbeat is older than
 * {@code spot.events.agent-offline-after} goes offline, one transaction per agent with its
 * AGENT_STATUS_CHANGED. The update is conditional and skips rows another replica holds, so replicas
 * sweeping together announce each agent once.
 */
@Component
public class AgentOfflineSweeper extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(AgentOfflineSweeper.class);
    private static final int MAX_PER_SWEEP = 10_000;

    private final AgentPresence presence;
    private final EventsProperties properties;
    private final Clock clock;

    public AgentOfflineSweeper(AgentPresence presence, EventsProperties properties, Clock clock) {
        this.presence = presence;
        this.properties = properties;
        this.clock = clock;
    }

    /** One sweep; returns how many agents went offline. */
    public Mono<Long> sweepNow() {
        Instant now = clock.instant();
        Instant staleBefore = now.minus(properties.agentOfflineAfter());
        return markUntilNone(staleBefore, now, MAX_PER_SWEEP)
                .doOnNext(agentId -> log.info("Marked agent offline agent_id={} no_heartbeat_since_before={}", agentId, staleBefore))
                .count();
    }

    private Flux<String> markUntilNone(Instant staleBefore, Instant now, int left) {
        if (left == 0) {
            return Flux.empty();
        }
        return presence.markOneOffline(staleBefore, now)
                .flatMapMany(agentId -> Flux.just(agentId).concatWith(Flux.defer(() -> markUntilNone(staleBefore, now, left - 1))));
    }

    @Override
    protected String name() {
        return "agent-offline-sweep";
    }

    @Override
    protected Duration firstDelay() {
        return properties.agentSweepInterval();
    }

    @Override
    protected Duration period() {
        return properties.agentSweepInterval();
    }

    @Override
    protected Mono<?> runOnce() {
        return sweepNow();
    }
}
