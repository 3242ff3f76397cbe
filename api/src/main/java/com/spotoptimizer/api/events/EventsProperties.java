package com.spotoptimizer.api.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Real-time events and agent presence ({@code spot.events.*}).
 *
 * @param heartbeatInterval   how often every open stream gets a HEARTBEAT frame (also what reaps dead clients)
 * @param pollInterval        the polling backstop: how often a replica checks its streams' clients for new
 *                            events without waiting for a NOTIFY
 * @param maxConnections      open streams one replica accepts; above it a new stream gets 503
 * @param subscriberQueue     frames one subscriber may have waiting (its memory bound). A live subscriber
 *                            whose queue cannot take a batch leaves the shared fan-out and reads on from
 *                            the table at its own pace
 * @param slowSubscriberTimeout a subscriber with frames waiting that the connection has not taken for this
 *                            long is cut off as slow (its stream completes; it resumes with Last-Event-ID
 *                            and loses nothing)
 * @param fetchBatch          rows per read of the events table (live fan-out and per-subscriber replay)
 * @param retention           how long events are kept; older ones are pruned and a resume point among them
 *                            gets RESYNC
 * @param pruneInterval       how often retention runs (expired tickets and old emergency notices go too)
 * @param ticketTtl           how long a stream ticket stays redeemable
 * @param agentOfflineAfter   an online agent whose last heartbeat is older than this is marked offline
 * @param agentSweepInterval  how often the offline sweep runs
 * @param listenReconnectMax  the longest wait between attempts to re-open the LISTEN connection
 * @param listenCheckInterval how often the LISTEN connection is probed (a half-open TCP connection
 *                            otherwise looks healthy and silent)
 * @param tokenCacheTtl       how long a stream connect may reuse a bearer token verified by an earlier connect
 *                            on this replica (its digest and principal, not the token). A revoked token still
 *                            opens streams for at most this long; zero turns the cache off
 * @param tokenCacheSize      how many verified token digests the stream connect keeps at most
 */
@ConfigurationProperties("spot.events")
public record EventsProperties(
        Duration heartbeatInterval,
        Duration pollInterval,
        Integer maxConnections,
        Integer subscriberQueue,
        Duration slowSubscriberTimeout,
        Integer fetchBatch,
        Duration retention,
        Duration pruneInterval,
        Duration ticketTtl,
        Duration agentOfflineAfter,
        Duration agentSweepInterval,
        Duration listenReconnectMax,
        Duration listenCheckInterval,
        Duration tokenCacheTtl,
        Integer tokenCacheSize) {

    public EventsProperties {
        heartbeatInterval = heartbeatInterval != null ? heartbeatInterval : Duration.ofSeconds(30);
        pollInterval = pollInterval != null ? pollInterval : Duration.ofSeconds(1);
        maxConnections = maxConnections != null ? maxConnections : 20_000;
        subscriberQueue = subscriberQueue != null ? subscriberQueue : 256;
        slowSubscriberTimeout = slowSubscriberTimeout != null ? slowSubscriberTimeout : Duration.ofSeconds(30);
        fetchBatch = fetchBatch != null ? fetchBatch : 500;
        retention = retention != null ? retention : Duration.ofDays(7);
        pruneInterval = pruneInterval != null ? pruneInterval : Duration.ofHours(1);
        ticketTtl = ticketTtl != null ? ticketTtl : Duration.ofSeconds(60);
        agentOfflineAfter = agentOfflineAfter != null ? agentOfflineAfter : Duration.ofSeconds(90);
        agentSweepInterval = agentSweepInterval != null ? agentSweepInterval : Duration.ofSeconds(15);
        listenReconnectMax = listenReconnectMax != null ? listenReconnectMax : Duration.ofSeconds(5);
        listenCheckInterval = listenCheckInterval != null ? listenCheckInterval : Duration.ofSeconds(30);
        tokenCacheTtl = tokenCacheTtl != null ? tokenCacheTtl : Duration.ofSeconds(10);
        tokenCacheSize = tokenCacheSize != null ? tokenCacheSize : 10_000;
    }

    /** Defaults for everything: for running the stream components outside Spring (tests, benchmarks). */
    public static EventsProperties defaults() {
        return new EventsProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The stream settings that matter outside Spring; everything else at its default. */
    public static EventsProperties streams(Duration heartbeatInterval, Duration pollInterval, int maxConnections,
                                           int subscriberQueue, Duration slowSubscriberTimeout) {
        return new EventsProperties(heartbeatInterval, pollInterval, maxConnections, subscriberQueue, slowSubscriberTimeout,
                null, null, null, null, null, null, null, null, null, null);
    }
}
