package com.spotoptimizer.agent.orphan;

import static com.spotoptimizer.agent.testing.AgentTestEnvironment.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.spotoptimizer.agent.ec2.Ec2Errors;
import com.spotoptimizer.agent.ec2.OwnTerminations;
import com.spotoptimizer.agent.pacing.Ec2Action;
import com.spotoptimizer.agent.pacing.Ec2Pacer;
import com.spotoptimizer.agent.pacing.PacedCall;
import com.spotoptimizer.agent.pacing.PacingMetrics;
import com.spotoptimizer.agent.pacing.PacingProperties;
import com.spotoptimizer.agent.pacing.PacingProperties.Bucket;
import com.spotoptimizer.agent.pacing.QueueStatus;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesRequest;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesResponse;

/**
 * The sweep's terminations through the pacer's real threads (as {@code Ec2PacerTest}), against an EC2 that records
 * each TerminateInstances call: batches at the lowest priority, one token an instance, never queued twice.
 */
class OrphanTerminatorTest {

    private final RecordingEc2 ec2 = new RecordingEc2();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final OwnTerminations own = new OwnTerminations(Clock.systemUTC());
    private Ec2Pacer pacer;
    private OrphanTerminator terminator;

    @AfterEach
    void close() {
        if (pacer != null) {
            pacer.close();
        }
    }

    /** A pacer whose TerminateInstances bucket is {@code terminate}; requests are never the limit. */
    private void paced(Bucket terminate, Duration maxQueueWait) {
        PacingProperties settings = new PacingProperties(true, 1.0, new Bucket(1_000, 1_000), terminate,
                new Bucket(1_000, 1_000), maxQueueWait, Duration.ofMillis(20), 4, Duration.ofMillis(20), 1.0);
        pacer = new Ec2Pacer(settings, Clock.systemUTC(), new PacingMetrics(new SimpleMeterRegistry())).start();
        terminator = new OrphanTerminator("a1", ec2, pacer, new Ec2Metrics(meters), own);
    }

    @Test
    void aCriticalTerminateQueuedAfterABigOrphanBatchStillGoesFirst() {
        // 100 tokens refilled at 25/s, none left: the orphans' first batch needs 4 s of refill, a critical call 40 ms.
        paced(new Bucket(100, 25), Duration.ofMinutes(1));
        pacer.charge(Ec2Action.TERMINATE_INSTANCES, 100);
        CompletableFuture<List<String>> reclaimed = terminator.terminate(orphans(1_000), Set.of());
        assertThat(pacer.queued(Ec2Action.TERMINATE_INSTANCES)).as("ten batches of 100").isEqualTo(10);

        pacer.submit(new CriticalTerminate("i-critical"));

        await().atMost(Duration.ofSeconds(20)).until(() -> ec2.calls.size() >= 2);
        assertThat(ec2.calls.get(0)).containsExactly("i-critical");
        assertThat(ec2.calls.get(1)).hasSize(OrphanTerminator.BATCH);
        assertThat(reclaimed).isNotDone();
    }

    @Test
    void aThousandOrphansGoInBatchesOfAHundredEachDrawingOneTokenAnInstance() throws Exception {
        paced(new Bucket(100, 1_000), Duration.ofMinutes(1));
        List<TaggedInstance> due = orphans(1_000);
        long started = System.nanoTime();

        List<String> terminated = terminator.terminate(due, Set.of()).get(30, TimeUnit.SECONDS);

        // The bucket holds 100 and refills 1,000 a second: 900 instances past the first batch take at least 0.9 s.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(terminated).containsExactlyElementsOf(ids(due));
        assertThat(ec2.calls).hasSize(10).allSatisfy(call -> assertThat(call).hasSize(OrphanTerminator.BATCH));
        assertThat(counter(meters, "spot.orphans.terminated")).isEqualTo(1_000);
        assertThat(own.contains(due.get(999).ec2InstanceId())).as("known as the agent's own doing").isTrue();
        assertThat(terminator.queued()).isEmpty();
    }

    @Test
    void aSweepThatFindsOrphansStillWaitingForTheirTurnAwaitsThemInsteadOfQueueingThemAgain() throws Exception {
        paced(new Bucket(100, 50), Duration.ofMinutes(1));
        pacer.charge(Ec2Action.TERMINATE_INSTANCES, 100); // the first turn comes in 2 s
        List<TaggedInstance> due = orphans(3);
        CompletableFuture<List<String>> first = terminator.terminate(due, Set.of());

        CompletableFuture<List<String>> next = terminator.terminate(due, terminator.queued());

        assertThat(pacer.queued(Ec2Action.TERMINATE_INSTANCES)).isEqualTo(1);
        assertThat(next.get(20, TimeUnit.SECONDS)).containsExactlyElementsOf(ids(due));
        assertThat(first.get(1, TimeUnit.SECONDS)).containsExactlyElementsOf(ids(due));
        assertThat(ec2.calls).containsExactly(ids(due));
        assertThat(counter(meters, "spot.orphans.terminated")).isEqualTo(3);
    }

    @Test
    void anOrphanAnsweredWhileTheSweepLookedIsLeftToTheNextSweep() throws Exception {
        paced(new Bucket(100, 1_000), Duration.ofMinutes(1));
        List<TaggedInstance> due = orphans(2);
        // Queued when the sweep began scanning and answered since: the scan may have seen it just before it ended.
        Set<String> queuedBeforeScan = Set.of(due.get(0).ec2InstanceId());

        List<String> terminated = terminator.terminate(due, queuedBeforeScan).get(5, TimeUnit.SECONDS);

        assertThat(terminated).containsExactly(due.get(1).ec2InstanceId());
        assertThat(ec2.calls).containsExactly(List.of(due.get(1).ec2InstanceId()));
    }

    @Test
    void orphansWhoseTurnNeverComesExpireAndTheNextSweepQueuesThemAgain() throws Exception {
        paced(new Bucket(100, 0.001), Duration.ofSeconds(1));
        pacer.charge(Ec2Action.TERMINATE_INSTANCES, 100);
        List<TaggedInstance> due = orphans(2);

        assertThat(terminator.terminate(due, Set.of()).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(terminator.queued()).isEmpty();

        terminator.terminate(due, Set.of());
        assertThat(pacer.queued(Ec2Action.TERMINATE_INSTANCES)).isEqualTo(1);
        assertThat(ec2.calls).isEmpty();
        assertThat(counter(meters, "spot.orphans.terminated")).isZero();
    }

    @Test
    void aThrottledBatchGoesBackInLineAndIsTerminatedOnALaterTurn() throws Exception {
        paced(new Bucket(100, 1_000), Duration.ofSeconds(10));
        AtomicInteger throttles = new AtomicInteger(1);
        ec2.refusal = ids -> throttles.getAndDecrement() > 0 ? Ec2Errors.THROTTLED : null;
        List<TaggedInstance> due = orphans(3);

        assertThat(terminator.terminate(due, Set.of()).get(10, TimeUnit.SECONDS)).containsExactlyElementsOf(ids(due));
        assertThat(ec2.refused).hasValue(1);
        assertThat(ec2.calls).containsExactly(ids(due));
    }

    @Test
    void aBatchRefusedForAVanishedInstanceIsTerminatedOneByOneEachOnItsOwnTurn() throws Exception {
        paced(new Bucket(100, 1_000), Duration.ofSeconds(10));
        List<TaggedInstance> due = orphans(3);
        String gone = due.get(1).ec2InstanceId();
        ec2.refusal = ids -> ids.contains(gone) ? Ec2Errors.NOT_FOUND : null;

        List<String> terminated = terminator.terminate(due, Set.of()).get(10, TimeUnit.SECONDS);

        assertThat(terminated).containsExactly(due.get(0).ec2InstanceId(), due.get(2).ec2InstanceId());
        assertThat(ec2.calls).containsExactlyInAnyOrder(List.of(due.get(0).ec2InstanceId()),
                List.of(due.get(2).ec2InstanceId()));
        assertThat(counter(meters, "spot.orphans.terminated")).isEqualTo(2);
        assertThat(terminator.queued()).isEmpty();
    }

    @Test
    void withoutPacingTheSweepsThreadTerminatesInBatchesAtOnce() {
        terminator = new OrphanTerminator("a1", ec2, null, new Ec2Metrics(meters), own);
        List<TaggedInstance> due = orphans(250);

        CompletableFuture<List<String>> terminated = terminator.terminate(due, Set.of());

        assertThat(terminated).isCompletedWithValue(ids(due));
        assertThat(ec2.calls).extracting(List::size).containsExactly(100, 100, 50);
        assertThat(counter(meters, "spot.orphans.terminated")).isEqualTo(250);
    }

    @Test
    void theSweepsPriorityIsBelowEveryCommandsSoNoCommandQueuesBehindIt() {
        assertThat(OrphanTerminator.PRIORITY).isPositive().isLessThan(CommandPriority.SCHEDULED_MAINTENANCE);
    }

    private static List<TaggedInstance> orphans(int count) {
        return IntStream.range(0, count).mapToObj(i -> new TaggedInstance(String.format("i-%017x", i), "row-" + i,
                "client-1", "req-" + i, "running")).toList();
    }

    private static List<String> ids(List<TaggedInstance> orphans) {
        return orphans.stream().map(TaggedInstance::ec2InstanceId).toList();
    }

    /** A client's priority-100 terminate of one instance, calling the same EC2. */
    private final class CriticalTerminate implements PacedCall {
        private final String ec2InstanceId;

        CriticalTerminate(String ec2InstanceId) {
            this.ec2InstanceId = ec2InstanceId;
        }

        @Override
        public Ec2Action action() {
            return Ec2Action.TERMINATE_INSTANCES;
        }

        @Override
        public int priority() {
            return CommandPriority.CRITICAL;
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
            ec2.terminateInstances(r -> r.instanceIds(ec2InstanceId));
            return Result.DONE;
        }

        @Override
        public void expired(String reason) {
        }
    }

    /** Records each TerminateInstances call's ids in order; {@code refusal} names an EC2 error to answer instead. */
    private static final class RecordingEc2 implements Ec2Client {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger refused = new AtomicInteger();
        volatile Function<List<String>, String> refusal = ids -> null;

        @Override
        public TerminateInstancesResponse terminateInstances(TerminateInstancesRequest request) {
            List<String> ids = List.copyOf(request.instanceIds());
            String code = refusal.apply(ids);
            if (code != null) {
                refused.incrementAndGet();
                throw (Ec2Exception) Ec2Exception.builder()
                        .statusCode(Ec2Errors.THROTTLED.equals(code) ? 503 : 400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
                        .build();
            }
            calls.add(ids);
            return TerminateInstancesResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }
}
