package com.spotoptimizer.api.docs;

import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}) for the people who
 * script against the API. springdoc derives the routes and the record schemas from the controllers; this
 * customizer adds what it cannot know: snake_case names (the JSON is snake_case through Boot's Jackson 3,
 * which springdoc's Jackson 2 model reader does not see), the bearer scheme and the stream's ticket, the
 * problem responses, the examples and the SSE frame format. Both addresses are public (the document
 * holds no data, and a person without a token should be able to read how to get one): the security
 * chain lets {@code /v3/api-docs/**} and everything outside {@code /api/**} through.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {

    static final String BEARER = "bearer";
    static final String TICKET = "stream_ticket";
    static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String PROBLEM_BASE = "https://spot-optimizer.dev/problems/";
    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Pattern PATH_VAR = Pattern.compile("\\{([A-Za-z0-9]+)}");

    @Bean
    OpenAPI spotOptimizerOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Spot Optimizer control plane API")
                        .version("1")
                        .description("""
                                Launch and terminate EC2 instances through per-account agents and watch every state \
                                change live. JSON is snake_case. Authenticate with `Authorization: Bearer <token>`: a \
                                client token for `/api/client/**` and `/api/events/**`, an agent token for \
                                `/api/agents/{agent_id}/**`. Another client's or agent's resources answer 404.

                                Every 4xx/5xx body is an RFC 9457 `application/problem+json` document whose `type` is \
                                one of these stable URIs (under `%s`): `invalid-request`, `malformed-json` (400), \
                                `unauthorized` (401), `forbidden` (403), `not-found` (404), `request-id-reused`, \
                                `transition-not-allowed`, `not-terminating`, `launch-closed` (409), `body-too-large` (413), \
                                `unsupported-media-type` (415), `stream-capacity` (503), `internal-error` (500).

                                Events: `GET /api/events/stream/{client_id}` (Server-Sent Events, resumable with \
                                `Last-Event-ID`)."""
                                .formatted(PROBLEM_BASE)))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("A client or agent token (opaque)."))
                        .addSecuritySchemes(TICKET, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.QUERY).name("ticket")
                                .description("A single-use stream ticket from POST /api/events/tickets (for browsers, "
                                        + "whose EventSource cannot send a header)."))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER))
                .tags(List.of(
                        new Tag().name("instances").description("A client's instances: launch, terminate, list, history."),
                        new Tag().name("client").description("The calling client, its agents and its commands."),
                        new Tag().name("events").description("The live event stream and its statistics."),
                        new Tag().name("agents").description("The seed's HTTP agent protocol.")));
    }

    @Bean
    OpenApiCustomizer spotOptimizerOpenApiCustomizer() {
        return OpenApiConfig::customise;
    }

    static void customise(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(new Components());
        }
        // springdoc builds the components from the controllers; the bean's own schemas do not survive that.
        api.getComponents().addSchemas(PROBLEM, problemSchema());
        snakeCaseSchemas(api);
        describeEnums(api);
        // The stream's frames are described as text/event-stream below, not as a JSON schema.
        api.getComponents().getSchemas().remove("ServerSentEventString");
        api.setPaths(snakeCasePaths(api.getPaths()));
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String key = method.name() + " " + path;
            op.setTags(List.of(tagOf(path)));
            if (path.startsWith("/api/events/stream/")) {
                describeStream(op);
            }
            if (path.startsWith("/api/")) {
                addProblems(op, method, path);
            }
            if (key.equals("POST /api/client/instances/launch")) {
                op.getResponses().remove("200"); // always 202 (a repeat of the same request too)
            }
            String request = OpenApiExamples.REQUESTS.get(key);
            if (request != null && op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                op.getRequestBody().getContent().values().forEach(media -> media.setExample(json(request)));
            }
            OpenApiExamples.RESPONSES.forEach((k, body) -> {
                if (k.startsWith(key + " ")) {
                    ApiResponse response = op.getResponses().computeIfAbsent(k.substring(key.length() + 1),
                            status -> new ApiResponse().description("Accepted"));
                    Content content = response.getContent() != null ? response.getContent() : new Content();
                    if (content.isEmpty()) {
                        content.addMediaType("application/json", new MediaType());
                    }
                    content.values().forEach(media -> media.setExample(json(body)));
                    response.setContent(content);
                }
            });
        }));
    }

    private static String tagOf(String path) {
        if (path.startsWith("/api/client/instances")) {
            return "instances";
        }
        if (path.startsWith("/api/client")) {
            return "client";
        }
        if (path.startsWith("/api/agents")) {
            return "agents";
        }
        return "events";
    }

    private static void describeStream(Operation op) {
        op.setSummary("The client's events as Server-Sent Events");
        op.setDescription("""
                Each frame: `id: <sequence number>`, `event: <TYPE>`, `data: {"type", "data", "timestamp"}`. Types: \
                INSTANCE_LAUNCHING, INSTANCE_RUNNING, INSTANCE_TERMINATING, INSTANCE_TERMINATED, INSTANCE_LAUNCH_FAILED, \
                INSTANCE_LAUNCH_TIMED_OUT, INSTANCE_TERMINATION_FAILED, INSTANCE_TERMINATION_TIMED_OUT, \
                INSTANCE_LAUNCH_QUEUED (still launching; data.launch_queued_reason says why the agent waits for EC2's \
                rate budget), INSTANCE_LAUNCH_CALL_MADE (still launching; the agent made its EC2 call, \
                data.launch_call_at), INSTANCE_LAUNCH_ATTEMPT (still launching; EC2 refused an attempt for capacity and \
                the next alternative runs, data.launched_with, the reason names the skipped one), \
                AGENT_STATUS_CHANGED, EMERGENCY_EVENT, COMMAND_EXECUTED, HEARTBEAT (every 30 s, no id) and RESYNC \
                (the resume point is older than the retention: list again, then subscribe from the list's \
                `last_event_id`). Resume with the `Last-Event-ID` header or `?last_event_id=N`: first every later \
                event, in order, then live. Instance events' `data` carry instance_id, ec2_instance_id, agent_id, \
                instance_type, status, role, request_id, version; INSTANCE_RUNNING adds launch_duration_seconds, \
                INSTANCE_TERMINATED termination_duration_seconds, failures a reason. Authorise with a client bearer \
                token or a single-use `ticket`.""");
        op.setSecurity(List.of(new SecurityRequirement().addList(BEARER), new SecurityRequirement().addList(TICKET)));
        ApiResponse ok = new ApiResponse().description("The event stream (never ends; HEARTBEAT frames keep it open).")
                .content(new Content().addMediaType("text/event-stream",
                        new MediaType().schema(new StringSchema().description("SSE frames"))
                                .example(OpenApiExamples.SSE_FRAMES)));
        op.getResponses().put("200", ok);
    }

    private static void addProblems(Operation op, PathItem.HttpMethod method, String path) {
        ApiResponses responses = op.getResponses();
        boolean write = method == PathItem.HttpMethod.POST;
        boolean hasBody = op.getRequestBody() != null;
        boolean hasPathVar = path.contains("{");
        Map<String, String> problems = new LinkedHashMap<>();
        if (hasBody || (op.getParameters() != null && !op.getParameters().isEmpty())) {
            problems.put("400", "Malformed JSON, a wrong type, a missing required field or a value out of range (`invalid-request`, `malformed-json`); nothing is written.");
        }
        problems.put("401", "No token, or a token the API does not know (`unauthorized`).");
        problems.put("403", "A token of the wrong kind for this endpoint (`forbidden`).");
        if (hasPathVar) {
            problems.put("404", "Unknown id, or another client's or agent's (`not-found`).");
        }
        if (write && (hasBody || path.endsWith("/terminate"))) {
            problems.put("409", "The same request_id with a different body, or a transition the instance does not allow (`request-id-reused`, `transition-not-allowed`, ...); the body carries the recorded values.");
        }
        if (hasBody) {
            problems.put("413", "Body over the limit (64 KiB by default, `body-too-large`).");
            problems.put("415", "Not JSON (`unsupported-media-type`).");
        }
        problems.forEach((status, description) -> responses.put(status, new ApiResponse().description(description)
                .content(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))))));
        // springdoc also turns the problem handler's own methods into responses with a ProblemDetail schema;
        // the ones above replace them, and any other error status gets the same problem schema.
        responses.forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                response.setContent(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
            }
        });
        if (responses.containsKey("400")) {
            responses.get("400").getContent().get(PROBLEM_JSON).setExample(json(OpenApiExamples.PROBLEM));
        }
    }

    private static final List<String> STATUSES = List.of("launching", "running_primary", "running_replica", "promoting",
            "terminating", "terminated", "launch_failed", "launch_timed_out", "termination_failed", "termination_timed_out");

    /** The instance's status and role are strings in the records; their values are part of the contract. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void describeEnums(OpenAPI api) {
        Schema view = api.getComponents().getSchemas().get("InstanceView");
        if (view != null && view.getProperties() != null) {
            Map<String, Schema> properties = view.getProperties();
            Schema status = properties.get("status");
            if (status != null) {
                status.setEnum(new ArrayList<>(STATUSES));
            }
            Schema role = properties.get("role");
            if (role != null) {
                role.setEnum(new ArrayList<>(List.of("primary", "replica")));
            }
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        Schema problem = new ObjectSchema()
                .description("RFC 9457 problem details. Extra members name the offending field (`field`) or the "
                        + "recorded values a request contradicts (e.g. `recorded_ec2_instance_id`).")
                .addProperty("type", new StringSchema().format("uri").example(PROBLEM_BASE + "invalid-request"))
                .addProperty("title", new StringSchema().example("Invalid request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("instance_type: must be an EC2 instance type such as t3.micro"))
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .addProperty("field", new StringSchema().description("The offending field, when there is one."));
        problem.setRequired(List.of("type", "title", "status"));
        problem.setAdditionalProperties(Boolean.TRUE);
        return problem;
    }

    // --- snake_case -------------------------------------------------------------------------------

    static String snake(String camel) {
        return CAMEL.matcher(camel).replaceAll("$1_$2").toLowerCase();
    }

    private static void snakeCaseSchemas(OpenAPI api) {
        if (api.getComponents() == null || api.getComponents().getSchemas() == null) {
            return;
        }
        api.getComponents().getSchemas().values().forEach(OpenApiConfig::snakeCase);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void snakeCase(Schema schema) {
        if (schema == null) {
            return;
        }
        Map<String, Schema> properties = schema.getProperties();
        if (properties != null) {
            Map<String, Schema> renamed = new LinkedHashMap<>();
            properties.forEach((name, property) -> {
                snakeCase(property);
                renamed.put(snake(name), property);
            });
            schema.setProperties(renamed);
        }
        if (schema.getRequired() != null) {
            List<String> required = new ArrayList<>();
            for (Object name : schema.getRequired()) {
                required.add(snake((String) name));
            }
            schema.setRequired(required);
        }
        snakeCase(schema.getItems());
        if (schema.getAdditionalProperties() instanceof Schema additional) {
            snakeCase(additional);
        }
    }

    /** {@code /api/client/instances/{instanceId}} → {@code /api/client/instances/{instance_id}}, as in the contract. */
    private static Paths snakeCasePaths(Paths paths) {
        if (paths == null) {
            return null;
        }
        Paths renamed = new Paths();
        paths.forEach((path, item) -> {
            Matcher m = PATH_VAR.matcher(path);
            String snakePath = m.replaceAll(r -> "{" + snake(r.group(1)) + "}");
            item.readOperations().forEach(op -> {
                if (op.getParameters() != null) {
                    for (Parameter p : op.getParameters()) {
                        if ("path".equals(p.getIn())) {
                            p.setName(snake(p.getName()));
                        }
                    }
                }
            });
            if (item.getParameters() != null) {
                item.getParameters().stream().filter(p -> "path".equals(p.getIn())).forEach(p -> p.setName(snake(p.getName())));
            }
            renamed.addPathItem(snakePath, item);
        });
        return renamed;
    }

    private static Object json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
