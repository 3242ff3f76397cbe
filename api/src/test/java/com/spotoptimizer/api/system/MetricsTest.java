package com.spotoptimizer.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.lifecycle.FleetGauges;
import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What Prometheus scrapes after a launch and a termination: the seed's histograms, fleet gauges, Temporal's own. */
class MetricsTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Autowired
    private FleetGauges gauges;

    @Test
    void aConfirmedLaunchAndTerminationShowUpInTheScrape() {
        HttpAgent agent = new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN);
        String instanceId = launch("metrics-done");
        agent.confirmLaunched(instanceId, "i-0cccccccccccccc01").expectStatus().isOk();
        post(ACME_TOKEN, "/api/client/instances/{id}/terminate", null, instanceId).exchange().expectStatus().isAccepted();
        agent.confirmTerminated(instanceId, "i-0cccccccccccccc01").expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("terminated");
        launch("metrics-in-flight"); // stays launching: one queued LAUNCH command, one launch in flight
        gauges.refreshNow().block(Duration.ofSeconds(10));

        List<String> scrape = scrape();

        for (String le : List.of("10.0", "30.0", "60.0", "120.0", "300.0", "+Inf")) {
            assertThat(value(scrape, "instance_launch_duration_seconds_bucket", "agent=\"acme-http\"",
                    "instance_type=\"t3.micro\"", "le=\"" + le + "\"")).as("launch bucket le=" + le).isEqualTo(1.0);
        }
        for (String le : List.of("5.0", "15.0", "30.0", "60.0", "180.0", "+Inf")) {
            assertThat(value(scrape, "instance_termination_duration_seconds_bucket", "agent=\"acme-http\"",
                    "instance_type=\"t3.micro\"", "le=\"" + le + "\"")).as("termination bucket le=" + le).isEqualTo(1.0);
        }
        assertThat(value(scrape, "instance_launch_duration_seconds_count", "agent=\"acme-http\"")).isEqualTo(1.0);
        assertThat(value(scrape, "spot_launches_total", "outcome=\"success\"", "agent=\"acme-http\"")).isEqualTo(1.0);
        assertThat(value(scrape, "spot_instances", "status=\"terminated\"")).isEqualTo(1.0);
        assertThat(value(scrape, "spot_instances", "status=\"launching\"")).isEqualTo(1.0);
        assertThat(value(scrape, "spot_instances", "status=\"running_primary\"")).isEqualTo(0.0);
        assertThat(value(scrape, "spot_inflight_oldest_age_seconds", "operation=\"launch\"")).isGreaterThanOrEqualTo(0.0);
        assertThat(value(scrape, "spot_inflight_oldest_age_seconds", "operation=\"terminate\"")).isEqualTo(0.0);
        assertThat(value(scrape, "spot_commands_queued", "priority=\"100\"")).isEqualTo(1.0);
        assertThat(value(scrape, "spot_commands_queued", "priority=\"10\"")).isEqualTo(0.0);
        assertThat(scrape).as("the Temporal SDK's own metrics").anyMatch(line -> line.startsWith("temporal_"));
        assertThat(scrape).as("no instance id as a label").noneMatch(line -> line.contains(instanceId));
    }

    private String launch(String requestId) {
        return (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", "acme-http",
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
    }

    /** The scrape, without a token (Prometheus does not send one), as lines. */
    private List<String> scrape() {
        WebTestClient big = http.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();
        String text = big.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(text).isNotBlank();
        return Arrays.asList(text.split("\n"));
    }

    /** The value of the one series of {@code name} whose labels include every one given. */
    private static double value(List<String> scrape, String name, String... labels) {
        List<String> series = scrape.stream()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .toList();
        assertThat(series).as(name + " " + Arrays.toString(labels)).hasSize(1);
        String line = series.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
