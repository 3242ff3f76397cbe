package com.spotoptimizer.agent.ec2;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
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
     * ClientTokens whose instances this watch looks for (a termination whose launch never confirmed); the
     * watcher asks EC2 for all of them in one call per poll and passes what it found to {@link #observe}.
     */
    default Collection<String> clientTokens() {
        return List.of();
    }

    /** Stable instance ids ({@code spot-optimizer:instance-id} tags) looked for, as {@link #clientTokens()}. */
    default Collection<String> stableIds() {
        return List.of();
    }

    /**
     * Called after each successful poll with what EC2 showed for {@link #ec2InstanceIds()} (an id that is
     * missing is not visible), plus what the poll's search found for every watch's {@link #clientTokens()}
     * and {@link #stableIds()}. Returns true when the watch is settled (confirmed or failed) and is dropped.
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
