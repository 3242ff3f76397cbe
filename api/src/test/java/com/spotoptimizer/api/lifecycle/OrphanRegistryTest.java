package com.spotoptimizer.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import com.spotoptimizer.api.support.HttpAgent;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;

/** The control plane's answer to an agent's orphan sweep: only that agent's own dead rows make orphans. */
class OrphanRegistryTest extends ApiTestBase {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Autowired
    InstanceRegistryActivitiesImpl registry;

    @Test
    void anotherAgentsInstanceIsNeverAnOrphanEvenWhenItsTagsPointAtThisAgentsSweep() {
        String instanceId = launch("acme-http", "registry-running");
        new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN).confirmLaunched(instanceId, "i-0d00000000000000a")
                .expectStatus().isOk();
        TaggedInstance seenByOther = new TaggedInstance("i-0d00000000000000a", instanceId, "acme", "registry-running",
                "running");

        assertThat(registry.findOrphans("acme-http-2", List.of(seenByOther))).isEmpty();
        assertThat(registry.findOrphans("acme-http", List.of(seenByOther))).as("its own live row owns it").isEmpty();
    }

    @Test
    void anInstanceOfThisAgentWithoutALiveRowOrNamingAnotherIdIsAnOrphan() {
        String instanceId = launch("acme-http", "registry-duplicate");
        new HttpAgent(http, "acme-http", ACME_AGENT_TOKEN).confirmLaunched(instanceId, "i-0d00000000000000b")
                .expectStatus().isOk();
        TaggedInstance duplicate = new TaggedInstance("i-0d00000000000000c", instanceId, "acme", "registry-duplicate",
                "running");
        TaggedInstance unknown = new TaggedInstance("i-0d00000000000000d", "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b",
                "acme", "never-launched", "running");

        assertThat(registry.findOrphans("acme-http", List.of(duplicate, unknown)))
                .extracting(TaggedInstance::ec2InstanceId)
                .containsExactly("i-0d00000000000000c", "i-0d00000000000000d");
    }

    private String launch(String agentId, String requestId) {
        return (String) post(ACME_TOKEN, "/api/client/instances/launch", Map.of("agent_id", agentId,
                "instance_type", "t3.micro", "request_id", requestId)).exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("instance_id");
    }
}
