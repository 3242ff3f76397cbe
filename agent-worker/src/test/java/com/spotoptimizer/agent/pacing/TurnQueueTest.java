package com.spotoptimizer.agent.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.pacing.TurnQueue.Ticket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pacer's order and budget on a stepped clock: no threads, no sleeps. */
class TurnQueueTest {

    private Instant now = Instant.parse("2030-01-01T00:00:00Z");

    /** RunInstances as EC2 meters it: 1,000 instances refilled at 2/s; a request bucket out of the way. */
    private TurnQueue ec2Figures() {
        return new TurnQueue(Ec2Action.RUN_INSTANCES, new PacingBucket(10_000, 10_000, now),
                new PacingBucket(1_000, 2, now));
    }

    @Test
    void higherPriorityFirstThenOldestFirst() {
        TurnQueue queue = new TurnQueue(Ec2Action.RUN_INSTANCES, new PacingBucket(100, 100, now),
                new PacingBucket(4, 1, now));
        List<String> order = new ArrayList<>();
        queue.add(call("p25-a", 25, order), now, now.plusSeconds(600));
        queue.add(call("p10", 10, order), now, now.plusSeconds(600));
        queue.add(call("p100", 100, order), now, now.plusSeconds(600));
        queue.add(call("p25-b", 25, order), now, now.plusSeconds(600));
        queue.add(call("p75", 75, order), now, now.plusSeconds(600));

        assertThat(names(queue.grant(now))).containsExactly("p100", "p75", "p25-a", "p25-b");
        assertThat(queue.grant(now)).as("bucket empty").isEmpty();
        now = now.plusSeconds(1);
        assertThat(names(queue.grant(now))).containsExactly("p10");
    }

    @Test
    void criticalLaunchArrivingBehindABurstTakesTheNextToken() {
        TurnQueue queue = ec2Figures();
        for (int i = 0; i < 3_000; i++) {
            queue.add(call("burst-" + i, 25, null), now, now.plusSeconds(3_600));
        }
        assertThat(queue.grant(now)).hasSize(1_000);

        now = now.plusSeconds(10);
        Ticket critical = queue.add(call("critical", 100, null), now, now.plusSeconds(3_600));
        assertThat(names(queue.grant(now))).as("20 refilled tokens: the critical one first")
                .hasSize(20).first().isEqualTo("critical");

        now = now.plusSeconds(1);
        queue.add(call("critical-2", 100, null), now, now.plusSeconds(3_600));
        assertThat(queue.untilNextGrant(now)).isEqualTo(Duration.ZERO);
        assertThat(names(queue.grant(now))).first().isEqualTo("critical-2");
        assertThat(critical).isNotNull();
    }

    @Test
    void aheadCountsOnlyTurnsAtTheSameOrHigherPriority() {
        TurnQueue queue = ec2Figures();
        List<String> seen = new ArrayList<>();
        queue.add(call("p25-1", 25, null), now, now.plusSeconds(60));
        queue.add(call("p25-2", 25, null), now, now.plusSeconds(60));
        queue.add(call("p100", 100, null), now, now.plusSeconds(60));
        queue.forEachWaiting((t, ahead) -> seen.add(((Named) t.call).name + ":" + ahead));
        assertThat(seen).containsExactly("p100:0", "p25-1:1", "p25-2:2");
    }

    @Test
    void wouldWaitOnlyWhenSomeoneIsAheadOrTheBucketIsEmpty() {
        TurnQueue queue = new TurnQueue(Ec2Action.RUN_INSTANCES, new PacingBucket(100, 100, now),
                new PacingBucket(1, 1, now));
        assertThat(queue.wouldWait(call("free", 25, null), now)).isEmpty();
        queue.add(call("queued-25", 25, null), now, now.plusSeconds(60));
        assertThat(queue.wouldWait(call("behind", 25, null), now)).hasValueSatisfying(s -> assertThat(s.ahead()).isEqualTo(1));
        assertThat(queue.wouldWait(call("critical", 100, null), now)).as("nobody ahead, tokens there").isEmpty();
        queue.grant(now);
        assertThat(queue.wouldWait(call("critical", 100, null), now)).as("bucket empty")
                .hasValueSatisfying(s -> assertThat(s.ahead()).isZero());
    }

    @Test
    void aRetriedAttemptOfTheSameWorkTakesTheEarlierPlaceInsteadOfQueueingTwice() {
        TurnQueue queue = new TurnQueue(Ec2Action.RUN_INSTANCES, new PacingBucket(100, 100, now),
                new PacingBucket(1, 1, now));
        queue.add(new Keyed("first", "launch/a"), now, now.plusSeconds(60));
        queue.add(new Keyed("other", "launch/b"), now, now.plusSeconds(60));
        queue.add(new Keyed("first-retry", "launch/a"), now, now.plusSeconds(60));

        assertThat(queue.size()).isEqualTo(2);
        assertThat(names(queue.grant(now))).containsExactly("first-retry");
        queue.add(new Keyed("first-again", "launch/a"), now, now.plusSeconds(60));
        assertThat(queue.size()).as("granted work submitted again queues anew").isEqualTo(2);
    }

    record Keyed(String name, String key) implements PacedCall {
        @Override
        public Ec2Action action() {
            return Ec2Action.RUN_INSTANCES;
        }

        @Override
        public int priority() {
            return 100;
        }

        @Override
        public int cost() {
            return 1;
        }

        @Override
        public boolean waiting(QueueStatus status) {
            return true;
        }

        @Override
        public Result call() {
            return Result.DONE;
        }

        @Override
        public void expired(String reason) {
        }
    }

    @Test
    void waitsNeverOutliveTheirDeadline() {
        TurnQueue queue = new TurnQueue(Ec2Action.RUN_INSTANCES, new PacingBucket(1, 0.001, now),
                new PacingBucket(1, 0.001, now));
        queue.add(call("first", 25, null), now, now.plusSeconds(60));
        queue.add(call("starved", 25, null), now, now.plusSeconds(60));
        assertThat(queue.grant(now)).hasSize(1);

        now = now.plusSeconds(59);
        assertThat(queue.expire(now)).isEmpty();
        now = now.plusSeconds(1);
        assertThat(names(queue.expire(now))).containsExactly("starved");
        assertThat(queue.size()).isZero();
    }

    @Test
    void aThrottledTurnBacksOffInItsPlaceWhileOthersGo() {
        TurnQueue queue = new TurnQueue(Ec2Action.RUN_INSTANCES, new PacingBucket(100, 100, now),
                new PacingBucket(10, 10, now));
        Ticket first = queue.add(call("first", 100, null), now, now.plusSeconds(60));
        queue.add(call("second", 100, null), now, now.plusSeconds(60));
        assertThat(names(queue.grant(now))).containsExactly("first", "second");

        queue.throttled(now);
        queue.requeue(first, now.plusSeconds(2));
        queue.add(call("third", 25, null), now, now.plusSeconds(60));
        now = now.plusSeconds(1);
        assertThat(names(queue.grant(now))).as("first backs off; third may go meanwhile").containsExactly("third");
        now = now.plusSeconds(1);
        assertThat(names(queue.grant(now))).containsExactly("first");
        assertThat(first.throttles).isEqualTo(1);
    }

    @Test
    void untilNextGrantIsTheRefillTimeOfTheHeadsCost() {
        TurnQueue queue = new TurnQueue(Ec2Action.TERMINATE_INSTANCES, new PacingBucket(100, 100, now),
                new PacingBucket(20, 20, now));
        queue.add(call("twenty", 100, null, 20), now, now.plusSeconds(60));
        queue.add(call("ten", 100, null, 10), now, now.plusSeconds(60));
        assertThat(names(queue.grant(now))).containsExactly("twenty");
        assertThat(queue.untilNextGrant(now)).isEqualTo(Duration.ofMillis(500));
    }

    private static List<String> names(List<Ticket> tickets) {
        return tickets.stream().map(t -> t.call instanceof Keyed k ? k.name() : ((Named) t.call).name).toList();
    }

    private static Named call(String name, int priority, List<String> order) {
        return new Named(name, priority, 1);
    }

    private static Named call(String name, int priority, List<String> order, int cost) {
        return new Named(name, priority, cost);
    }

    record Named(String name, int priority, int cost) implements PacedCall {
        @Override
        public Ec2Action action() {
            return Ec2Action.RUN_INSTANCES;
        }

        @Override
        public boolean waiting(QueueStatus status) {
            return true;
        }

        @Override
        public Result call() {
            return Result.DONE;
        }

        @Override
        public void expired(String reason) {
        }
    }
}
