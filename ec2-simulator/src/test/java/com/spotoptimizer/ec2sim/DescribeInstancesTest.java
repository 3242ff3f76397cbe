package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

class DescribeInstancesTest extends SimulatorTestBase {

    @Test
    void newInstanceIsNotFoundWithinTheConsistencyWindowThenFound() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-c").build()));

        clock.advance(Duration.ofMillis(999));
        assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds(id)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound");
                    assertThat(e.awsErrorDetails().errorMessage()).contains(id);
                });
        assertThat(sim.instance(id)).isPresent(); // ground truth knows better than the API

        clock.advance(Duration.ofMillis(1));
        assertThat(instances(ec2.describeInstances(r -> r.instanceIds(id))))
                .singleElement().satisfies(i -> {
                    assertThat(i.instanceId()).isEqualTo(id);
                    assertThat(i.clientToken()).isEqualTo("req-c");
                    assertThat(i.privateIpAddress()).startsWith("10.0.");
                    assertThat(i.launchTime()).isEqualTo(START);
                    assertThat(i.placement().availabilityZone()).isEqualTo("us-east-1a");
                });
    }

    @Test
    void filtersByTagAndStateAndMore() {
        String a1 = onlyInstanceId(ec2.runInstances(tagged("a1", "team", "a").build()));
        String a2 = onlyInstanceId(ec2.runInstances(tagged("a2", "team", "a").instanceType("m5.large").build()));
        String a3 = onlyInstanceId(ec2.runInstances(tagged("a3", "team", "a").build()));
        String b1 = onlyInstanceId(ec2.runInstances(tagged("b1", "team", "b").build()));
        passConsistencyWindow();
        ec2.terminateInstances(r -> r.instanceIds(a3));

        assertThat(ids(Filter.builder().name("tag:team").values("a").build(),
                Filter.builder().name("instance-state-name").values("pending", "running").build()))
                .containsExactlyInAnyOrder(a1, a2);
        assertThat(ids(Filter.builder().name("instance-state-name").values("shutting-down").build()))
                .containsExactly(a3);
        assertThat(ids(Filter.builder().name("tag-key").values("team").build())).hasSize(4);
        assertThat(ids(Filter.builder().name("tag:team").values("?").build())).hasSize(4);
        assertThat(ids(Filter.builder().name("client-token").values("b*").build())).containsExactly(b1);
        assertThat(ids(Filter.builder().name("instance-type").values("m5.large").build())).containsExactly(a2);
        assertThat(ids(Filter.builder().name("instance-id").values(a1, b1).build()))
                .containsExactlyInAnyOrder(a1, b1);
    }

    @Test
    void manyInstancesAreDescribedInOneBatchedCall() {
        List<String> ids = ec2.runInstances(launch("req-batch").minCount(50).maxCount(50).build())
                .instances().stream().map(Instance::instanceId).toList();
        passConsistencyWindow();
        long before = sim.callCount("DescribeInstances");

        DescribeInstancesResponse response = ec2.describeInstances(r -> r.instanceIds(ids));

        assertThat(instances(response)).extracting(Instance::instanceId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(sim.callCount("DescribeInstances") - before).isEqualTo(1);
        SimCall call = sim.calls().get(sim.calls().size() - 1);
        assertThat(call.params().keySet()).filteredOn(k -> k.startsWith("InstanceId.")).hasSize(50);
    }

    @Test
    void oneUnknownIdFailsTheWholeCall() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-u").build()));
        passConsistencyWindow();

        assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds(id, "i-0123456789abcdef0")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("i-0123456789abcdef0").doesNotContain(id);
                });
        assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds("not-an-id")))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.Malformed"));
    }

    @Test
    void paginatesWithMaxResultsAndNextToken() {
        ec2.runInstances(launch("req-p").minCount(12).maxCount(12).build());
        passConsistencyWindow();

        List<DescribeInstancesResponse> pages =
                ec2.describeInstancesPaginator(r -> r.maxResults(5)).stream().toList();

        assertThat(pages).hasSize(3);
        assertThat(pages).flatExtracting(DescribeInstancesTest::instances).extracting(Instance::instanceId)
                .hasSize(12).doesNotHaveDuplicates();
        assertThat(sim.callCount("DescribeInstances")).isEqualTo(3);
    }

    @Test
    void terminatedInstanceStaysVisibleForTheRetentionThenIsNotFound() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-t").build()));
        passConsistencyWindow();
        ec2.terminateInstances(r -> r.instanceIds(id));
        clock.advance(sim.faults().timing().terminateDelay());

        clock.advance(Duration.ofMinutes(59));
        assertThat(instances(ec2.describeInstances(r -> r.instanceIds(id)))).singleElement()
                .satisfies(i -> assertThat(i.state().name()).isEqualTo(InstanceStateName.TERMINATED));

        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds(id)))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound"));
        assertThat(ec2.describeInstances().reservations()).isEmpty();
        assertThat(sim.instance(id)).hasValueSatisfying(i -> assertThat(i.state()).isEqualTo("terminated"));
    }

    @Test
    void unknownFilterNameIsRejected() {
        assertThatThrownBy(() -> ec2.describeInstances(r -> r.filters(f -> f.name("instance-state").values("x"))))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void createTagsAddsTagsSeenByDescribeAndGroundTruth() {
        String id = onlyInstanceId(ec2.runInstances(tagged("req-tags", "team", "a").build()));
        passConsistencyWindow();

        ec2.createTags(r -> r.resources(id).tags(Tag.builder().key("owner").value("ops").build()));

        assertThat(instances(ec2.describeInstances(r -> r.instanceIds(id))).get(0).tags())
                .extracting(Tag::key, Tag::value)
                .containsExactly(tuple("team", "a"),
                        tuple("owner", "ops"));
        assertThat(sim.instance(id).orElseThrow().tags()).isEqualTo(Map.of("team", "a", "owner", "ops"));
    }

    @Test
    void spotLaunchInSubnetIsDescribedAsSpot() {
        String id = onlyInstanceId(ec2.runInstances(launch("req-spot").subnetId("subnet-0123456789abcdef0")
                .instanceMarketOptions(m -> m.marketType(MarketType.SPOT)
                        .spotOptions(o -> o.maxPrice("0.05").spotInstanceType(SpotInstanceType.ONE_TIME)))
                .build()));
        ec2.runInstances(launch("req-on-demand").build());
        passConsistencyWindow();

        assertThat(instances(ec2.describeInstances(r -> r.filters(f -> f.name("instance-lifecycle").values("spot")))))
                .singleElement().satisfies(i -> {
                    assertThat(i.instanceId()).isEqualTo(id);
                    assertThat(i.instanceLifecycle()).isEqualTo(InstanceLifecycleType.SPOT);
                    assertThat(i.spotInstanceRequestId()).startsWith("sir-");
                    assertThat(i.subnetId()).isEqualTo("subnet-0123456789abcdef0");
                });
        assertThat(sim.instance(id).orElseThrow().spot()).isTrue();
    }

    private static RunInstancesRequest.Builder tagged(String token, String key, String value) {
        return launch(token).tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                .tags(Tag.builder().key(key).value(value).build()).build());
    }

    private static List<String> ids(Filter... filters) {
        return instances(ec2.describeInstances(r -> r.filters(filters))).stream().map(Instance::instanceId).toList();
    }

    static List<Instance> instances(DescribeInstancesResponse response) {
        return response.reservations().stream().map(Reservation::instances).flatMap(List::stream).toList();
    }
}
