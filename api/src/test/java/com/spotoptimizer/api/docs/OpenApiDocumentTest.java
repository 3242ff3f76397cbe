package com.spotoptimizer.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.api.support.ApiTestBase;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI document: public, parses, lists every route the running app serves (derived from its
 * handler mapping, so endpoints added later must be documented too), snake_case schemas, the bearer
 * scheme, problem responses, the SSE endpoint, and a launch example the API accepts as it is.
 */
class OpenApiDocumentTest extends ApiTestBase {

    static final String DEMO_TOKEN = "demo-client-token";

    /** The examples name the local mode's client and agent: provide them here too. */
    @DynamicPropertySource
    static void demoAccount(DynamicPropertyRegistry registry) {
        registry.add("spot.accounts.clients[2].id", () -> "demo");
        registry.add("spot.accounts.clients[2].name", () -> "Demo");
        registry.add("spot.accounts.clients[2].token", () -> DEMO_TOKEN);
        registry.add("spot.accounts.clients[2].agents[0].id", () -> "demo-agent");
        registry.add("spot.accounts.clients[2].agents[0].token", () -> "demo-agent-token");
        registry.add("spot.accounts.clients[2].agents[0].transport", () -> "HTTP");
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private String document() {
        return http.get().uri("/v3/api-docs").accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private OpenAPI parsed() throws Exception {
        String document = document();
        // Kept for people (and reviews) to read: api/target/openapi.json.
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), document);
        return Json.mapper().readValue(document, OpenAPI.class);
    }

    @Test
    void documentIsPublicAndParsesAsOpenApi3() throws Exception {
        OpenAPI api = parsed();
        assertThat(api.getOpenapi()).startsWith("3.");
        assertThat(api.getInfo().getTitle()).isEqualTo("Spot Optimizer control plane API");
        assertThat(api.getComponents().getSecuritySchemes().get("bearer").getScheme()).isEqualTo("bearer");
        assertThat(api.getSecurity()).anySatisfy(r -> assertThat(r).containsKey("bearer"));
        // With a token too (any token, even an agent's): the document does not depend on who asks.
        http.get().uri("/v3/api-docs").headers(h -> h.setBearerAuth(ACME_AGENT_TOKEN)).exchange().expectStatus().isOk();
        http.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        http.get().uri("/webjars/swagger-ui/index.html").exchange().expectStatus().isOk();
    }

    @Test
    void documentListsEveryRouteTheApiServes() throws Exception {
        OpenAPI api = parsed();
        Set<String> documented = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, op) -> documented.add(method.name() + " " + normalise(path))));

        Set<String> served = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            if (!e.getValue().getBeanType().getPackageName().startsWith("com.spotoptimizer")) {
                continue; // springdoc's own endpoints, Boot's error handling
            }
            RequestMappingInfo info = e.getKey();
            for (var pattern : info.getPatternsCondition().getPatterns()) {
                for (var method : info.getMethodsCondition().getMethods()) {
                    served.add(method.name() + " " + normalise(pattern.getPatternString()));
                }
            }
        }
        assertThat(served).as("routes the running API serves").isNotEmpty()
                .contains("POST /api/client/instances/launch", "GET /api/events/stream/{}");
        assertThat(documented).as("every served route is documented").containsAll(served);
    }

    @Test
    void schemasAreSnakeCaseAndErrorsAreProblems() throws Exception {
        OpenAPI api = parsed();
        for (Map.Entry<String, Schema> e : api.getComponents().getSchemas().entrySet()) {
            if (e.getValue().getProperties() != null) {
                for (Object name : e.getValue().getProperties().keySet()) {
                    assertThat((String) name).as("property of %s", e.getKey()).matches("^[a-z0-9_$@]+$");
                }
            }
        }
        Operation launch = api.getPaths().get("/api/client/instances/launch").getPost();
        assertThat(launch.getResponses()).containsKeys("202", "400", "401", "409", "413", "415");
        assertThat(launch.getResponses().get("400").getContent()).containsKey("application/problem+json");
        assertThat(api.getComponents().getSchemas().get("Problem").getProperties()).containsKeys("type", "title", "status", "detail");
        Operation terminate = api.getPaths().get("/api/client/instances/{instance_id}/terminate").getPost();
        assertThat(terminate.getParameters()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("instance_id"));
        assertThat(terminate.getResponses()).containsKey("404");
    }

    @Test
    void streamIsDescribedAsServerSentEvents() throws Exception {
        OpenAPI api = parsed();
        PathItem stream = api.getPaths().get("/api/events/stream/{client_id}");
        Operation get = stream.getGet();
        assertThat(get.getResponses().get("200").getContent()).containsKey("text/event-stream");
        assertThat(get.getDescription()).contains("Last-Event-ID", "HEARTBEAT", "RESYNC");
        assertThat(get.getParameters()).extracting(p -> p.getName()).contains("Last-Event-ID", "last_event_id", "ticket");
        assertThat(get.getSecurity()).hasSize(2);
    }

    @Test
    void launchExampleIsAcceptedByTheApi() throws Exception {
        OpenAPI api = parsed();
        Object example = api.getPaths().get("/api/client/instances/launch").getPost().getRequestBody().getContent()
                .get("application/json").getExample();
        assertThat(example).as("the launch example").isNotNull();
        String body = Json.mapper().writeValueAsString(example);
        post(DEMO_TOKEN, "/api/client/instances/launch", body).exchange()
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.status").isEqualTo("launching").jsonPath("$.agent_id").isEqualTo("demo-agent");
    }

    /** {@code /a/{instanceId}/b} and {@code /a/{instance_id}/b} are the same route. */
    private static String normalise(String path) {
        return path.replaceAll("\\{[^}]+}", "{}");
    }
}
