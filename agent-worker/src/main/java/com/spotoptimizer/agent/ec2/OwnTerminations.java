package com.spotoptimizer.agent.ec2;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The EC2 ids this agent itself asked EC2 to terminate (a termination command, an orphan), remembered
 * for a while, so the ended-instance report never calls the agent's own work "terminated outside". EC2
 * lists a terminated instance for about an hour; it is remembered for {@link #REMEMBER} and at most
 * {@link #MAX_REMEMBERED} ids (oldest forgotten first). After a restart the memory is empty: the api takes
 * such a report as a no-op, since the row is already terminating or terminated.
 */
public final class OwnTerminations {

    public static final Duration REMEMBER = Duration.ofHours(2);
    static final int MAX_REMEMBERED = 100_000;

    private final Clock clock;
    private final LinkedHashMap<String, Instant> requested = new LinkedHashMap<>();

    public OwnTerminations(Clock clock) {
        this.clock = clock;
    }

    /** Called before TerminateInstances, so no poll can see the shutdown before it is known to be ours. */
    public synchronized void record(Collection<String> ec2InstanceIds) {
        Instant now = clock.instant();
        for (String id : ec2InstanceIds) {
            requested.remove(id); // re-inserted at the end: insertion order is expiry order
            requested.put(id, now);
        }
        expire(now);
    }

    public synchronized boolean contains(String ec2InstanceId) {
        expire(clock.instant());
        return requested.containsKey(ec2InstanceId);
    }

    public synchronized int size() {
        return requested.size();
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(REMEMBER);
        Iterator<Map.Entry<String, Instant>> oldest = requested.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<String, Instant> entry = oldest.next();
            if (requested.size() > MAX_REMEMBERED || entry.getValue().isBefore(cutoff)) {
                oldest.remove();
            } else {
                break;
            }
        }
    }
}
