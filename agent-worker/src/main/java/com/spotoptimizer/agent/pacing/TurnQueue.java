package com.spotoptimizer.agent.pacing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The turns of one EC2 action, highest priority first and oldest first within one, and the two buckets they
 * draw on (the action's request bucket, one token a call, and its resource bucket, one token an instance).
 * Only the first turn that may go now is served: a lower turn never overtakes it, so a priority-100 launch that
 * arrives behind a thousand priority-25 ones takes the very next tokens. Non-blocking and clock-free (time is
 * passed in), so tests step time; {@link Ec2Pacer} drives it and locks around it.
 */
final class TurnQueue {

    /** A queued call. {@code seq} is its arrival order; a throttled call keeps it, and so its place. */
    static final class Ticket {
        PacedCall call;
        final long seq;
        final Instant enqueuedAt;
        final Instant deadline;
        Instant notBefore;
        int throttles;

        Ticket(PacedCall call, long seq, Instant enqueuedAt, Instant deadline) {
            this.call = call;
            this.seq = seq;
            this.enqueuedAt = enqueuedAt;
            this.deadline = deadline;
            this.notBefore = enqueuedAt;
        }

        boolean backingOff(Instant now) {
            return notBefore.isAfter(now);
        }
    }

    private static final Comparator<Ticket> ORDER = Comparator.<Ticket>comparingInt(t -> -t.call.priority())
            .thenComparingLong(t -> t.seq);

    private final Ec2Action action;
    private final PacingBucket request;
    private final PacingBucket resource;
    private final TreeSet<Ticket> queue = new TreeSet<>(ORDER);
    private final java.util.Map<String, Ticket> byKey = new java.util.HashMap<>();
    private long nextSeq;

    TurnQueue(Ec2Action action, PacingBucket request, PacingBucket resource) {
        this.action = action;
        this.request = request;
        this.resource = resource;
    }

    Ec2Action action() {
        return action;
    }

    /**
     * Queues the call. One whose key is already queued (a retried activity attempt of the same work) takes the
     * earlier one's place and deadline; the earlier call is answered by {@code replaced} (it is no longer wanted).
     */
    Ticket add(PacedCall call, Instant now, Instant deadline) {
        Ticket earlier = call.key() == null ? null : byKey.get(call.key());
        if (earlier != null && queue.contains(earlier) && earlier.call.priority() == call.priority()) {
            earlier.call = call;
            return earlier;
        }
        Ticket ticket = new Ticket(call, nextSeq++, now, deadline);
        queue.add(ticket);
        if (call.key() != null) {
            byKey.put(call.key(), ticket);
        }
        return ticket;
    }

    /** A throttled call goes back to its old place, not before {@code notBefore}. */
    void requeue(Ticket ticket, Instant notBefore) {
        ticket.notBefore = notBefore;
        ticket.throttles++;
        queue.add(ticket);
        if (ticket.call.key() != null) {
            byKey.putIfAbsent(ticket.call.key(), ticket);
        }
    }

    void remove(Ticket ticket) {
        queue.remove(ticket);
        forget(ticket);
    }

    private void forget(Ticket ticket) {
        if (ticket.call.key() != null && byKey.get(ticket.call.key()) == ticket) {
            byKey.remove(ticket.call.key());
        }
    }

    int size() {
        return queue.size();
    }

    /**
     * The turns that may go now, in order, their tokens taken. Stops at the first turn the buckets cannot pay for;
     * a turn backing off after a throttle is passed over (it is not eligible, it does not hold the line).
     */
    List<Ticket> grant(Instant now) {
        List<Ticket> granted = new ArrayList<>();
        Iterator<Ticket> it = queue.iterator();
        while (it.hasNext()) {
            Ticket ticket = it.next();
            if (ticket.backingOff(now)) {
                continue;
            }
            if (!request.canPay(1, now) || !resource.canPay(ticket.call.cost(), now)) {
                break;
            }
            request.take(1, now);
            resource.take(ticket.call.cost(), now);
            it.remove();
            forget(ticket);
            granted.add(ticket);
        }
        return granted;
    }

    /** Turns whose deadline passed while they waited, removed. */
    List<Ticket> expire(Instant now) {
        List<Ticket> expired = new ArrayList<>();
        queue.removeIf(t -> {
            if (!t.deadline.isAfter(now)) {
                expired.add(t);
                forget(t);
                return true;
            }
            return false;
        });
        return expired;
    }

    /** When {@link #grant} may next hand out a turn (null: nothing queued). */
    Duration untilNextGrant(Instant now) {
        Duration soonest = null;
        for (Ticket ticket : queue) {
            if (ticket.backingOff(now)) {
                Duration d = Duration.between(now, ticket.notBefore);
                soonest = soonest == null || d.compareTo(soonest) < 0 ? d : soonest;
                continue;
            }
            Duration tokens = max(request.until(1, now), resource.until(ticket.call.cost(), now));
            return soonest == null || tokens.compareTo(soonest) < 0 ? tokens : soonest;
        }
        return soonest;
    }

    /** Each queued turn with how many are ahead of it (each of those at its priority or higher). */
    void forEachWaiting(BiConsumer<Ticket, Integer> visitor) {
        int ahead = 0;
        for (Ticket ticket : queue) {
            visitor.accept(ticket, ahead++);
        }
    }

    /** Where {@code call} would stand if added now; empty when it would be granted at once. */
    java.util.Optional<QueueStatus> wouldWait(PacedCall call, Instant now) {
        int ahead = 0;
        for (Ticket ticket : queue) {
            if (ORDER_KEY.compare(ticket.call, call) <= 0) {
                ahead++;
            }
        }
        if (ahead == 0 && request.canPay(1, now) && resource.canPay(call.cost(), now)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new QueueStatus(action, call.priority(), ahead, false));
    }

    /** A newcomer goes behind every queued call of its priority or higher. */
    private static final Comparator<PacedCall> ORDER_KEY = (queued, newcomer) ->
            queued.priority() >= newcomer.priority() ? -1 : 1;

    /** EC2 answered RequestLimitExceeded: its buckets are emptier than ours; start from empty. */
    void throttled(Instant now) {
        request.drain(now);
        resource.drain(now);
    }

    /** Tokens spent outside a turn (an SDK retry): taken now, into debt if need be. */
    void charge(int cost, Instant now) {
        request.take(1, now);
        resource.take(cost, now);
    }

    double resourceTokens(Instant now) {
        return resource.tokens(now);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
