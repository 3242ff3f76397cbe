package com.spotoptimizer.ec2sim;

import static com.spotoptimizer.ec2sim.Ec2Clients.launch;
import static com.spotoptimizer.ec2sim.Ec2Clients.onlyInstanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.MarketType;

/** The {@code /_sim} endpoints, for processes that cannot reach the Java API. */
class AdminEndpointTest extends SimulatorTestBase {

    private static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void jsonFaultsInjectCapacityErrorsAndDelays() throws Exception {
        HttpResponse<String> response = post("/_sim/faults",
                "{\"insufficientCapacity\": 1, \"instanceType\": \"t3.micro\", \"launchDelayMs\": 60000}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"launchDelayMs\":60000", "\"errorCode\":\"InsufficientInstanceCapacity\"");
        assertThat(sim.faults().timing().launchDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> ec2NoRetry.runInstances(launch("req-a").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientInstanceCapacity"));
    }

    @Test
    void formFaultsThrottleTheNextCalls() throws Exception {
        assertThat(post("/_sim/faults", "throttleNext=1&throttleAction=DescribeInstances").statusCode())
                .isEqualTo(200);

        assertThatThrownBy(() -> ec2NoRetry.describeInstances())
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded"));
    }

    @Test
    void instancesAndCallsShowGroundTruth() throws Exception {
        String id = onlyInstanceId(ec2.runInstances(launch("req-g").build()));

        HttpResponse<String> instances = get("/_sim/instances");
        assertThat(instances.statusCode()).isEqualTo(200);
        assertThat(instances.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(instances.body()).contains("\"instanceId\":\"" + id + "\"", "\"state\":\"pending\"",
                "\"clientToken\":\"req-g\"");
        assertThat(get("/_sim/calls").body()).contains("\"counts\":{\"RunInstances\":1}");
    }

    @Test
    void resetAndClockStepping() throws Exception {
        String id = onlyInstanceId(ec2.runInstances(launch("req-r").build()));
        assertThat(post("/_sim/clock", "{\"advanceMs\": 2000}").body()).contains("2030-01-01T00:00:02Z");
        assertThat(sim.instance(id).orElseThrow().state()).isEqualTo("running");

        assertThat(post("/_sim/reset", "").statusCode()).isEqualTo(200);
        assertThat(sim.instances()).isEmpty();
        assertThat(sim.callCounts()).isEmpty();
        // Ids are never handed out twice: leftovers from before a reset cannot touch what is launched after it.
        assertThat(onlyInstanceId(ec2.runInstances(launch("req-r").build()))).isNotEqualTo(id);
    }

    @Test
    void interruptGivesASpotInstanceItsNotice() throws Exception {
        String spot = onlyInstanceId(ec2.runInstances(launch("req-s")
                .instanceMarketOptions(m -> m.marketType(MarketType.SPOT)).build()));
        String onDemand = onlyInstanceId(ec2.runInstances(launch("req-o").build()));
        clock.advance(sim.faults().timing().launchDelay());

        HttpResponse<String> response = post("/_sim/interrupt", "{\"instanceId\": \"" + spot + "\", \"noticeMs\": 30000}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"instanceId\":\"" + spot + "\"", "\"state\":\"running\"",
                "\"interruptionActionAt\":\"2030-01-01T00:00:32Z\"");
        assertThat(sim.instance(spot).orElseThrow().interruptionActionAt()).isEqualTo(START.plusSeconds(32));
        assertThat(post("/_sim/interrupt", "instanceId=" + spot).statusCode()).isEqualTo(409); // already
        assertThat(post("/_sim/interrupt", "instanceId=" + onDemand).statusCode()).isEqualTo(409);
        assertThat(post("/_sim/interrupt", "instanceId=i-0123456789abcdef0").statusCode()).isEqualTo(404);
        assertThat(post("/_sim/interrupt", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void terminateEndsInstancesAsAConsoleUserWouldWithEc2sUserInitiatedReason() throws Exception {
        String id = onlyInstanceId(ec2.runInstances(launch("req-t").build()));
        clock.advance(sim.faults().timing().launchDelay());
        long calls = sim.callCount("TerminateInstances");

        HttpResponse<String> response = post("/_sim/terminate", "{\"instanceId\": \"" + id + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"instanceId\":\"" + id + "\"", "\"state\":\"shutting-down\"");
        var seen = ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
        assertThat(seen.state().nameAsString()).isEqualTo("shutting-down");
        assertThat(seen.stateReason().code()).isEqualTo("Client.UserInitiatedShutdown");
        assertThat(seen.stateTransitionReason()).isEqualTo("User initiated (2030-01-01 00:00:02 GMT)");
        assertThat(sim.callCount("TerminateInstances")).isEqualTo(calls); // no agent called EC2
        assertThat(post("/_sim/terminate", "instanceId=i-0123456789abcdef0").statusCode()).isEqualTo(404);
        assertThat(post("/_sim/terminate", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void badInputAndUnknownRoutesAreRejected() throws Exception {
        assertThat(post("/_sim/faults", "{\"throttleNext\": \"many\"}").statusCode()).isEqualTo(400);
        assertThat(post("/_sim/faults", "{\"dropRunInstances\": 1, \"dropMode\": \"sometimes\"}").statusCode())
                .isEqualTo(400);
        assertThat(get("/_sim/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/_sim/health").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return sim.endpoint().resolve(path);
    }
}
