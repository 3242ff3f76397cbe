package com.spotoptimizer.agent.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pacer's threads: turns run, waiting calls hear where they stand, throttles back off, deadlines hold. */
class Ec2PacerTest {

    private Ec2Pacer pacer;

    @AfterEach
    void close() {
        if (pacer != null) {
            pacer.close();
        }
    }

    private Ec2Pacer start(PacingProperties settings) {
        pacer = new Ec2Pacer(settings, Clock.systemUTC(), new PacingMetrics(new SimpleMeterRegistry())).start();
        return pacer;
    }

    private static PacingProperties fast(double capacity, double refill, Duration maxWait) {
        return new PacingProperties(true, 1.0, new PacingProperties.Bucket(capacity, refill),
                new PacingProperties.Bucket(capacity, refill), new PacingProperties.Bucket(1_000, 1_000), maxWait,
                Duration.ofMillis(20), 4, Duration.ofMillis(20), 1.0);
    }

    @Test
    void criticalCallOvertakesAQueuedBurstAndWaitingCallsHearWhereTheyStand() {
        start(fast(1, 10, Duration.ofMinutes(1)));
        List<String> ran = new CopyOnWriteArrayList<>();
        List<QueueStatus> heard = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
            pacer.submit(new Recorded("burst-" + i, 25, ran, heard));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() >= 2);
        int ranBefore = ran.size();
        pacer.submit(new Recorded("critical", 100, ran, heard));

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains("critical"));
        assertThat(ran.indexOf("critical")).as("at most the one turn already granted goes before it, not the burst")
                .isLessThanOrEqualTo(ranBefore + 1);
        assertThat(ran.size()).isLessThan(20);
        assertThat(heard).anySatisfy(s -> assertThat(s.reason()).startsWith("waiting for RunInstances capacity budget;"));
    }

    @Test
    void theAgentSpendsOnlyItsHeadroomOfEc2sBucket() {
        // EC2's bucket: 10 calls, (almost) no refill. With the default headroom the agent spends 95% of it: 9 calls.
        start(new PacingProperties(true, 1.0, new PacingProperties.Bucket(10, 0.001),
                new PacingProperties.Bucket(10, 0.001), new PacingProperties.Bucket(1_000, 1_000), Duration.ofMinutes(1),
                Duration.ofMillis(20), 4, Duration.ofMillis(20), null));
        List<String> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 12; i++) {
            pacer.submit(new Recorded("call-" + i, 100, ran, null));
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() >= 9);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> ran.size() == 9);
        assertThat(pacer.queued(Ec2Action.RUN_INSTANCES)).isEqualTo(3);
        assertThat(PacingProperties.defaults().headroom()).isEqualTo(PacingProperties.DEFAULT_HEADROOM);
    }

    @Test
    void aCallThatNeverGetsATurnExpiresAtItsDeadline() {
        start(fast(1, 0.001, Duration.ofMillis(300)));
        List<String> ran = new CopyOnWriteArrayList<>();
        List<String> expired = new CopyOnWriteArrayList<>();
        pacer.submit(new Recorded("first", 25, ran, null));
        Recorded starved = new Recorded("starved", 25, ran, null) {
            @Override
            public void expired(String reason) {
                expired.add(reason);
            }
        };
        pacer.submit(starved);

        await().atMost(Duration.ofSeconds(5)).until(() -> !expired.isEmpty());
        assertThat(ran).containsExactly("first");
        assertThat(expired.get(0)).startsWith("never got a RunInstances turn within");
        assertThat(pacer.queued(Ec2Action.RUN_INSTANCES)).isZero();
    }

    @Test
    void aThrottledCallIsRetriedWithBackoffUnderItsDeadline() {
        start(fast(100, 100, Duration.ofSeconds(5)));
        AtomicInteger attempts = new AtomicInteger();
        List<String> ran = new CopyOnWriteArrayList<>();
        pacer.submit(new Recorded("flaky", 100, ran, null) {
            @Override
            public Result call() {
                return attempts.incrementAndGet() < 3 ? Result.THROTTLED : super.call();
            }
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains("flaky"));
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    void aCallNobodyWantsLeavesTheQueue() {
        start(fast(1, 0.001, Duration.ofMinutes(1)));
        List<String> ran = new CopyOnWriteArrayList<>();
        pacer.submit(new Recorded("first", 25, ran, null));
        pacer.submit(new Recorded("cancelled", 25, ran, null) {
            @Override
            public boolean waiting(QueueStatus status) {
                return false;
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> pacer.queued(Ec2Action.RUN_INSTANCES) == 0);
        assertThat(ran).containsExactly("first");
    }

    static class Recorded implements PacedCall {
        private final String name;
        private final int priority;
        private final List<String> ran;
        private final List<QueueStatus> heard;

        Recorded(String name, int priority, List<String> ran, List<QueueStatus> heard) {
            this.name = name;
            this.priority = priority;
            this.ran = ran;
            this.heard = heard;
        }

        @Override
        public Ec2Action action() {
            return Ec2Action.RUN_INSTANCES;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public int cost() {
            return 1;
        }

        @Override
        public boolean waiting(QueueStatus status) {
            if (heard != null) {
                heard.add(status);
            }
            return true;
        }

        @Override
        public Result call() {
            ran.add(name);
            return Result.DONE;
        }

        @Override
        public void expired(String reason) {
        }
    }
}
