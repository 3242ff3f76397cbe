package com.spotoptimizer.api.support;

import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Plays the seed's HTTP agent: poll pending-commands, confirm launches and terminations. */
public final class HttpAgent {

    private final WebTestClient http;
    private final String agentId;
    private final String token;

    public HttpAgent(WebTestClient http, String agentId, String token) {
        this.http = http;
        this.agentId = agentId;
        this.token = token;
    }

    public String agentId() {
        return agentId;
    }

    public List<Map<String, Object>> poll() {
        return http.get().uri("/api/agents/{id}/pending-commands", agentId)
                .headers(h -> h.setBearerAuth(token))
                .exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() { })
                .returnResult().getResponseBody();
    }

    public WebTestClient.ResponseSpec confirmLaunched(String instanceId, String ec2InstanceId) {
        return http.post().uri("/api/agents/{id}/instance-launched", agentId)
                .headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("instance_id", instanceId, "ec2_instance_id", ec2InstanceId, "state", "running"))
                .exchange();
    }

    public WebTestClient.ResponseSpec confirmTerminated(String instanceId, String ec2InstanceId) {
        return http.post().uri("/api/agents/{id}/instance-terminated", agentId)
                .headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ec2InstanceId == null ? Map.of("instance_id", instanceId)
                        : Map.of("instance_id", instanceId, "ec2_instance_id", ec2InstanceId))
                .exchange();
    }
}
