package com.spotoptimizer.agent.drift;

import com.spotoptimizer.agent.system.ApiClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
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

    public ApiInstanceStateReports(ApiClient api) {
        this.api = api;
    }

    static Map<String, String> body(InstanceStateReport report) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("ec2_instance_id", report.ec2InstanceId());
        body.put("state", report.state());
        body.put("reason", report.reason());
        return body;
    }

    @Override
    public Outcome report(InstanceStateReport report) {
        try {
            ApiClient.Response response = api.post(PATH, body(report));
            if (response.ok()) {
                log.info("Ended instance reported agent_id={} ec2_instance_id={} state={} reason={} instance_id={} "
                                + "changed={}", api.agentId(), report.ec2InstanceId(), report.state(), report.reason(),
                        ApiClient.field(response.body(), "instance_id"), ApiClient.field(response.body(), "changed"));
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
}
