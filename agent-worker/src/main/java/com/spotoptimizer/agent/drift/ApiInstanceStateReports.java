package com.spotoptimizer.agent.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.spotoptimizer.agent.system.ApiClient;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/agents/{agent_id}/instance-state} with
 * {@code {"ec2_instance_id":"i-…","state":"shutting-down|terminated","reason":"spot_interruption|terminated_outside"}}.
 * 2xx: acknowledged ({@code changed} says whether a row moved); 404: no instance of this agent has that EC2 id,
 * done; 408/429/5xx or no answer: retry later; any other 4xx: refused.
 */
public final class ApiInstanceStateReports implements InstanceStateReports {

    public static final String PATH = "instance-state";
    private static final Logger log = LoggerFactory.getLogger(ApiInstanceStateReports.class);

    private final ApiClient api;
    private final ObjectMapper json;

    public ApiInstanceStateReports(ApiClient api, ObjectMapper json) {
        this.api = api;
        this.json = json;
    }

    static String body(ObjectMapper json, InstanceStateReport report) {
        ObjectNode body = json.createObjectNode()
                .put("ec2_instance_id", report.ec2InstanceId())
                .put("state", report.state())
                .put("reason", report.reason());
        return body.toString();
    }

    @Override
    public Outcome report(InstanceStateReport report) {
        try {
            ApiClient.Response response = api.postJson(PATH, body(json, report));
            if (response.ok()) {
                log.info("Ended instance reported agent_id={} ec2_instance_id={} state={} reason={} instance_id={} "
                                + "changed={}", api.agentId(), report.ec2InstanceId(), report.state(), report.reason(),
                        field(response.body(), "instance_id"), field(response.body(), "changed"));
                return Outcome.ACKNOWLEDGED;
            }
            if (response.status() == 404) {
                log.debug("Ended instance unknown to the api agent_id={} ec2_instance_id={}", api.agentId(),
                        report.ec2InstanceId());
                return Outcome.UNKNOWN;
            }
            if (response.retryable()) {
                log.warn("Ended instance report failed, retrying next poll agent_id={} ec2_instance_id={} status={}",
                        api.agentId(), report.ec2InstanceId(), response.status());
                return Outcome.RETRY;
            }
            log.error("Ended instance report refused agent_id={} ec2_instance_id={} status={} body={}", api.agentId(),
                    report.ec2InstanceId(), response.status(), response.body());
            return Outcome.REFUSED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.RETRY;
        } catch (IOException | RuntimeException e) {
            log.warn("Ended instance report failed, retrying next poll agent_id={} ec2_instance_id={} error={}",
                    api.agentId(), report.ec2InstanceId(), e.toString());
            return Outcome.RETRY;
        }
    }

    /** A field of the api's answer, for the log only; null when the answer is not the expected JSON. */
    private String field(String body, String name) {
        try {
            JsonNode node = json.readTree(body == null ? "" : body).get(name);
            return node == null || node.isNull() ? null : node.asText();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
