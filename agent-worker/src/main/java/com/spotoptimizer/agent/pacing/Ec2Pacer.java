package com.spotoptimizer.agent.pacing;

import com.spotoptimizer.agent.pacing.PacedCall.Result;
import com.spotoptimizer.agent.pacing.TurnQueue.Ticket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out RunInstances and TerminateInstances turns under buckets that mirror EC2's, highest priority first and
 * oldest first within one, so the agent spends EC2's budget on what matters and never finds the limit by hitting
 * it. A call waits without holding a worker thread (the activity is completed later by its task token); while it
 * waits it is told where it stands every {@code statusInterval} (it heartbeats and reports why it waits). A
 * RequestLimitExceeded that gets through anyway (another client in the account, a restarted agent) empties our
 * buckets and the call goes back to its place after a backoff; nothing waits past {@code maxQueueWait}.
 */
public final class Ec2Pacer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ec2Pacer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration IDLE_WAKE = Duration.ofSeconds(1);
    private static final int STATUS_THREADS = 8;

    private final PacingProperties settings;
    private final Clock clock;
    private final Map<Ec2Action, TurnQueue> queues = new EnumMap<>(Ec2Action.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ExecutorService calls;
    private final ScheduledExecutorService status;
    /** Runs the waiting calls' callbacks (heartbeat RPCs, signals) in parallel, so a long queue is not told serially. */
    private final ExecutorService statusCalls;
    private final Thread dispatcher;
    private final PacingMetrics metrics;
    private volatile boolean closed;

    public Ec2Pacer(PacingProperties settings, Clock clock, PacingMetrics metrics) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        Instant now = clock.instant();
        for (Ec2Action action : Ec2Action.values()) {
            PacingProperties.Bucket request = settings.paced(settings.mutatingRequests());
            PacingProperties.Bucket resource = settings.paced(settings.resource(action));
            queues.put(action, new TurnQueue(action,
                    new PacingBucket(request.capacity(), request.refillPerSecond(), now),
                    new PacingBucket(resource.capacity(), resource.refillPerSecond(), now)));
        }
        AtomicInteger n = new AtomicInteger();
        this.calls = Executors.newFixedThreadPool(settings.callThreads(), r -> daemon(r, "ec2-pacer-call-" + n.incrementAndGet()));
        this.status = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ec2-pacer-status"));
        AtomicInteger s = new AtomicInteger();
        this.statusCalls = Executors.newFixedThreadPool(STATUS_THREADS, r -> daemon(r, "ec2-pacer-status-" + s.incrementAndGet()));
        this.dispatcher = daemon(this::dispatch, "ec2-pacer");
        metrics.queued(this);
    }

    public Ec2Pacer start() {
        dispatcher.start();
        long every = settings.statusInterval().toMillis();
        status.scheduleWithFixedDelay(this::reportSafely, every, every, TimeUnit.MILLISECONDS);
        log.info("EC2 pacer started time_scale={} run_instances={} terminate_instances={} requests={} max_queue_wait={}",
                settings.timeScale(), settings.runInstances(), settings.terminateInstances(),
                settings.mutatingRequests(), settings.maxQueueWait());
        return this;
    }

    /** Queues the call; it runs when its turn comes, or expires after {@code maxQueueWait}. */
    public void submit(PacedCall call) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("pacer is closed");
            }
            Instant now = clock.instant();
            queues.get(call.action()).add(call, now, now.plus(settings.maxQueueWait()));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * An attempt EC2 will meter that the pacer did not hand out (the SDK sent a call again): its tokens are taken
     * now, into debt if need be, so the turns that follow wait for them.
     */
    public void charge(Ec2Action action, int cost) {
        lock.lock();
        try {
            queues.get(action).charge(cost, clock.instant());
        } finally {
            lock.unlock();
        }
        metrics.retryCharged(action);
    }

    /** Calls waiting for a turn of this action. */
    public int queued(Ec2Action action) {
        lock.lock();
        try {
            return queues.get(action).size();
        } finally {
            lock.unlock();
        }
    }

    private void dispatch() {
        while (!closed) {
            List<Ticket> granted = new ArrayList<>();
            List<Ticket> expired = new ArrayList<>();
            lock.lock();
            try {
                Instant now = clock.instant();
                Duration sleep = IDLE_WAKE;
                for (TurnQueue queue : queues.values()) {
                    expired.addAll(queue.expire(now));
                    granted.addAll(queue.grant(now));
                    Duration next = queue.untilNextGrant(now);
                    if (next != null && next.compareTo(sleep) < 0) {
                        sleep = next;
                    }
                }
                if (granted.isEmpty() && expired.isEmpty()) {
                    changed.awaitNanos(Math.max(sleep.toNanos(), 1_000_000));
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            for (Ticket ticket : expired) {
                expire(ticket, "never got a " + ticket.call.action().apiName() + " turn within "
                        + settings.maxQueueWait().toSeconds() + "s" + (ticket.throttles > 0
                        ? " (" + ticket.throttles + " RequestLimitExceeded answers)" : ""));
            }
            for (Ticket ticket : granted) {
                Instant now = clock.instant();
                metrics.granted(ticket.call.action(), ticket.call.priority(), Duration.between(ticket.enqueuedAt, now));
                try {
                    calls.execute(() -> run(ticket));
                } catch (RejectedExecutionException e) {
                    expire(ticket, "agent is shutting down");
                }
            }
        }
    }

    private void run(Ticket ticket) {
        Result result;
        try {
            result = ticket.call.call();
        } catch (RuntimeException e) {
            log.warn("Paced call failed action={} error={}", ticket.call.action(), e.toString());
            return;
        }
        if (result != Result.THROTTLED) {
            return;
        }
        metrics.throttled(ticket.call.action());
        lock.lock();
        Instant now = clock.instant();
        boolean requeued;
        try {
            TurnQueue queue = queues.get(ticket.call.action());
            queue.throttled(now);
            Duration backoff = backoff(ticket.throttles);
            requeued = !closed && now.plus(backoff).isBefore(ticket.deadline);
            if (requeued) {
                queue.requeue(ticket, now.plus(backoff));
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        log.warn("EC2 answered RequestLimitExceeded; buckets emptied action={} priority={} throttles={} requeued={}",
                ticket.call.action().apiName(), ticket.call.priority(), ticket.throttles, requeued);
        if (!requeued) {
            expire(ticket, ticket.call.action().apiName() + " kept answering RequestLimitExceeded until the deadline");
        }
    }

    private Duration backoff(int throttlesSoFar) {
        long factor = 1L << Math.min(throttlesSoFar, 10);
        Duration d = settings.throttleBackoff().multipliedBy(factor);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private void expire(Ticket ticket, String reason) {
        metrics.expired(ticket.call.action());
        try {
            ticket.call.expired(reason);
        } catch (RuntimeException e) {
            log.warn("Expiring a paced call failed action={} error={}", ticket.call.action(), e.toString());
        }
    }

    /** Tells every waiting call where it stands; those nobody wants any more leave the queue. */
    private void reportSafely() {
        try {
            report();
        } catch (RuntimeException e) {
            log.warn("Pacer status round failed error={}", e.toString());
        }
    }

    void report() {
        record Waiting(Ticket ticket, QueueStatus status) {
        }
        List<Waiting> waiting = new ArrayList<>();
        lock.lock();
        try {
            Instant now = clock.instant();
            for (TurnQueue queue : queues.values()) {
                queue.forEachWaiting((t, ahead) -> waiting.add(new Waiting(t, new QueueStatus(queue.action(),
                        t.call.priority(), ahead, t.backingOff(now)))));
            }
        } finally {
            lock.unlock();
        }
        List<java.util.concurrent.Future<?>> told = new ArrayList<>(waiting.size());
        for (Waiting w : waiting) {
            try {
                told.add(statusCalls.submit(() -> tell(w.ticket, w.status)));
            } catch (RejectedExecutionException closing) {
                return;
            }
        }
        for (java.util.concurrent.Future<?> f : told) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                log.debug("Pacer status callback failed error={}", e.getCause().toString());
            }
        }
    }

    private void tell(Ticket ticket, QueueStatus status) {
        boolean wanted;
        try {
            wanted = ticket.call.waiting(status);
        } catch (RuntimeException e) {
            wanted = true;
        }
        if (!wanted) {
            lock.lock();
            try {
                queues.get(ticket.call.action()).remove(ticket);
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Where {@code call} would stand if queued now: empty when the buckets would give it a turn at once (nobody
     * ahead and tokens there), so a caller reports "queued" only when the call will really wait.
     */
    public java.util.Optional<QueueStatus> wouldWait(PacedCall call) {
        lock.lock();
        try {
            return queues.get(call.action()).wouldWait(call, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /** Stops handing out turns; calls still queued are expired (their activities retry on a live agent). */
    @Override
    public void close() {
        List<Ticket> left = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (TurnQueue queue : queues.values()) {
                queue.forEachWaiting((t, ahead) -> left.add(t));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        dispatcher.interrupt();
        status.shutdownNow();
        statusCalls.shutdownNow();
        calls.shutdown();
        try {
            calls.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        left.forEach(t -> expire(t, "agent is shutting down"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
