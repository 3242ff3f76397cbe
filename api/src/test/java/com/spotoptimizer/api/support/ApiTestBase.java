package com.spotoptimizer.api.support;

import com.spotoptimizer.api.ApiApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A running API (real HTTP on a random port) with its own fresh database and Temporal's in-process
 * test server. Accounts: client {@code acme} with HTTP agents {@code acme-http} and
 * {@code acme-http-2}; client {@code rival} with HTTP agent {@code rival-http}.
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Closed after each class, so the next class starts a new context and with it a new database.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class ApiTestBase {

    public static final String ACME_TOKEN = "acme-client-token";
    public static final String ACME_AGENT_TOKEN = "acme-http-agent-token";
    public static final String ACME_AGENT_2_TOKEN = "acme-http-2-agent-token";
    public static final String RIVAL_TOKEN = "rival-client-token";
    public static final String RIVAL_AGENT_TOKEN = "rival-http-agent-token";

    @LocalServerPort
    protected int port;

    protected WebTestClient http;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        // Runs once per context, and every test class gets its own context (see @DirtiesContext).
        String name = TestDatabases.create(ApiTestBase.class);
        registry.add("spring.r2dbc.url", () -> TestDatabases.r2dbcUrl(name));
        registry.add("spring.r2dbc.username", () -> TestDatabases.USER);
        registry.add("spring.flyway.url", () -> TestDatabases.jdbcUrl(name));
        registry.add("spring.flyway.user", () -> TestDatabases.USER);
        registry.add("spot.test.database", () -> name);
        registry.add("spring.temporal.test-server.enabled", () -> "true");
        registry.add("spring.temporal.connection.target", () -> "");
        List<Object[]> accounts = List.of(
                new Object[] {"acme", ACME_TOKEN, List.of(new String[] {"acme-http", ACME_AGENT_TOKEN},
                        new String[] {"acme-http-2", ACME_AGENT_2_TOKEN})},
                new Object[] {"rival", RIVAL_TOKEN, List.<String[]>of(new String[] {"rival-http", RIVAL_AGENT_TOKEN})});
        for (int c = 0; c < accounts.size(); c++) {
            Object[] client = accounts.get(c);
            String prefix = "spot.accounts.clients[" + c + "].";
            registry.add(prefix + "id", () -> client[0]);
            registry.add(prefix + "name", () -> client[0] + " Inc");
            registry.add(prefix + "token", () -> client[1]);
            @SuppressWarnings("unchecked")
            List<String[]> agents = (List<String[]>) client[2];
            for (int a = 0; a < agents.size(); a++) {
                String[] agent = agents.get(a);
                String agentPrefix = prefix + "agents[" + a + "].";
                registry.add(agentPrefix + "id", () -> agent[0]);
                registry.add(agentPrefix + "token", () -> agent[1]);
                registry.add(agentPrefix + "transport", () -> "HTTP");
            }
        }
    }

    @org.springframework.beans.factory.annotation.Value("${spot.test.database}")
    protected String database;

    @BeforeEach
    void httpClient() {
        http = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    protected WebTestClient.RequestHeadersSpec<?> get(String token, String path, Object... vars) {
        return http.get().uri(path, vars).headers(h -> h.setBearerAuth(token));
    }

    protected WebTestClient.RequestHeadersSpec<?> post(String token, String path, Object body, Object... vars) {
        var spec = http.post().uri(path, vars).headers(h -> {
            if (token != null) {
                h.setBearerAuth(token);
            }
        });
        return body == null ? spec : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    protected long count(String sql) {
        return TestDatabases.count(database, sql);
    }

    /** A fingerprint of everything the API can write, to prove a refused request wrote nothing. */
    protected String tables() {
        return count("SELECT count(*) FROM instances") + "/" + count("SELECT count(*) FROM commands") + "/"
                + count("SELECT count(*) FROM events") + "/" + count("SELECT coalesce(sum(version), 0) FROM instances");
    }
}
