package com.spotoptimizer.agent.ec2;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * One piece of in-flight work the {@link InstanceWatcher} polls for: a launch waiting for {@code running}
 * or a termination waiting for {@code terminated}. Methods are called from the watcher's pool, never
 * concurrently for the same watch.
 */
public interface Watch {

    /** {@code launch} or {@code terminate}: the gauge's label. */
    String operation();

    /** The EC2 instances this watch waits on. */
    Collection<String> ec2InstanceIds();

    /**
     * Called after each successful poll with what EC2 showed for {@link #ec2InstanceIds()} (an id that is
     * missing is not visible). Returns true when the watch is settled (confirmed or failed) and is dropped.
     */
    boolean observe(Map<String, Instance> seen, Instant now);

    /**
     * Called each poll while the watch stays, whether or not EC2 answered: heartbeats when one is due.
     * Returns false when the work is no longer wanted (cancelled, timed out, completed elsewhere).
     */
    boolean keepAlive(Instant now);

    /** The watcher is shutting down: hand the work back so a live agent takes it over. */
    void handBack(String reason);
}
