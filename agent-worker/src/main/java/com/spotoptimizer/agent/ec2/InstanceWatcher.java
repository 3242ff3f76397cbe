package com.spotoptimizer.agent.ec2;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Watches every in-flight instance of this agent with one DescribeInstances per poll interval (paged by
 * 1,000), however many launches and terminations are in flight: AWS throttles per account, and a
 * thousand launches must not cost a thousand calls every 5 s. No worker thread waits on an instance;
 * the activities hand their work over here and return (asynchronous completion), and each poll settles
 * what EC2 now shows and heartbeats the rest, on a small pool because both are Temporal calls.
 */
public final class InstanceWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InstanceWatcher.class);
    private static final int SETTLE_THREADS = 8;

    private final InstanceQueries queries;
    private final Duration pollInterval;
    private final Clock clock;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller;
    private final ExecutorService settlers;
    private final AtomicLong polls = new AtomicLong();
    private volatile boolean closed;

    public InstanceWatcher(InstanceQueries queries, Duration pollInterval, Clock clock) {
        this.queries = queries;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.poller = Executors.newSingleThreadScheduledExecutor(daemon("agent-watcher"));
        this.settlers = Executors.newFixedThreadPool(SETTLE_THREADS, daemon("agent-settle"));
    }

    public void start() {
        long millis = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
        log.info("Instance watcher started poll_interval={}", pollInterval);
    }

    /** Takes over a watch; false when shutting down (the caller must not hand its work over). */
    public boolean watch(Watch watch) {
        if (closed) {
            return false;
        }
        watches.add(watch);
        if (closed && watches.remove(watch)) {
            return false; // raced with close(): it will not hand this one back, so the caller keeps it
        }
        return true;
    }

    /** Instances being watched for this operation ({@code launch}, {@code terminate}). */
    public int inflight(String operation) {
        int count = 0;
        for (Watch watch : watches) {
            if (watch.operation().equals(operation)) {
                count += watch.ec2InstanceIds().size();
            }
        }
        return count;
    }

    public Set<String> inflightInstanceIds() {
        Set<String> ids = new LinkedHashSet<>();
        watches.forEach(w -> ids.addAll(w.ec2InstanceIds()));
        return ids;
    }

    /** Polls completed since start; tests compare it with the DescribeInstances calls EC2 saw. */
    public long polls() {
        return polls.get();
    }

    private void pollSafely() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            log.warn("Instance watcher poll failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One poll: one DescribeInstances (nothing when idle; one more per kind while terminations search for an
     * instance by ClientToken or tag), then settle or heartbeat every watch.
     */
    void pollOnce() throws InterruptedException {
        List<Watch> current = List.copyOf(watches);
        if (current.isEmpty()) {
            return;
        }
        Set<String> ids = new LinkedHashSet<>();
        Set<String> tokens = new LinkedHashSet<>();
        Set<String> stableIds = new LinkedHashSet<>();
        current.forEach(w -> {
            ids.addAll(w.ec2InstanceIds());
            tokens.addAll(w.clientTokens());
            stableIds.addAll(w.stableIds());
        });
        Map<String, Instance> seen;
        try {
            seen = new LinkedHashMap<>(queries.byIds(ids));
            if (!tokens.isEmpty() || !stableIds.isEmpty()) {
                // Terminations without an EC2 id: one search for all of them, not one per termination.
                queries.byClientTokensOrStableIds(tokens, stableIds).forEach(seen::putIfAbsent);
            }
        } catch (RuntimeException e) {
            // Throttled or unreachable even after the SDK's retries: skip this round, but keep heartbeating,
            // since the agent is alive and will see the instances on a later poll.
            log.warn("DescribeInstances failed, retrying next poll in_flight={} error={}", ids.size(), e.toString());
            seen = null;
        }
        polls.incrementAndGet();
        Instant now = clock.instant();
        Map<String, Instance> view = seen;
        List<Callable<Void>> work = new ArrayList<>(current.size());
        for (Watch watch : current) {
            work.add(() -> {
                settle(watch, view, now);
                return null;
            });
        }
        settlers.invokeAll(work);
    }

    private void settle(Watch watch, Map<String, Instance> seen, Instant now) {
        if (closed) {
            return; // close() hands it back
        }
        try {
            if (seen != null && watch.observe(seen, now)) {
                watches.remove(watch);
            } else if (!watch.keepAlive(now)) {
                watches.remove(watch);
            }
        } catch (RuntimeException e) {
            log.warn("Watch could not be settled, retrying next poll instances={}", watch.ec2InstanceIds(), e);
        }
    }

    /** Stops polling and hands every watch back, so a live agent resumes it without waiting for a heartbeat timeout. */
    @Override
    public void close() {
        closed = true;
        poller.shutdown();
        try {
            if (!poller.awaitTermination(30, TimeUnit.SECONDS)) {
                poller.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Watch> remaining = List.copyOf(watches);
        watches.clear();
        for (Watch watch : remaining) {
            try {
                watch.handBack("agent shut down");
            } catch (RuntimeException e) {
                log.warn("Watch could not be handed back instances={}", watch.ec2InstanceIds(), e);
            }
        }
        settlers.shutdown();
        log.info("Instance watcher stopped handed_back={}", remaining.size());
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
