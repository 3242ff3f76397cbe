package com.spotoptimizer.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Assertions on RFC 9457 problem responses, shared by the API's integration tests. */
public final class ProblemResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {
    }

    /**
     * Asserts the status, the {@code application/problem+json} content type, the RFC 9457 members and that
     * no exception class name or stack frame leaks; returns the problem's members.
     */
    public static Map<String, Object> expectProblem(WebTestClient.ResponseSpec response, int status) {
        return expectProblemIn(response, status);
    }

    /** Like {@link #expectProblem}, for refusals where the contract allows either of some statuses. */
    public static Map<String, Object> expectProblemIn(WebTestClient.ResponseSpec response, int... statuses) {
        EntityExchangeResult<byte[]> result = response.expectBody().returnResult();
        byte[] bytes = result.getResponseBodyContent();
        String body = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        String exchange = result.getMethod() + " " + result.getUrl() + " -> " + result.getStatus() + " " + body;
        int status = result.getStatus().value();
        assertThat(statuses).as(exchange).contains(status);
        MediaType contentType = result.getResponseHeaders().getContentType();
        assertThat(contentType != null && contentType.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .as("problem+json content type: " + exchange).isTrue();
        assertThat(body).as("no exception class names or stack traces in " + exchange)
                .doesNotContain("Exception").doesNotContain("java.").doesNotContain("\tat ");
        Map<String, Object> problem = JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
        assertThat(problem).as(body).containsKeys("type", "title", "status", "detail");
        assertThat(problem.get("status")).as(body).isEqualTo(status);
        assertThat((String) problem.get("type")).as(body).isNotBlank();
        assertThat((String) problem.get("title")).as(body).isNotBlank();
        assertThat((String) problem.get("detail")).as(body).isNotBlank();
        return problem;
    }
}
