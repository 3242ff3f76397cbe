package com.spotoptimizer.bench;

import com.spotoptimizer.api.ApiApplication;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.springframework.boot.SpringApplication;

/**
 * The API process under test: the real ApiApplication (WebFlux, security, the event hub, LISTEN) on a
 * fresh database, with Temporal's in-process test server so nothing else has to run. One client,
 * {@code bench}, token {@code bench-client-token}; with {@code -Dbench.clients=N}, N clients
 * {@code bench0000…} with tokens {@code bench-client-token-0…} (see {@link #client}, {@link #token}).
 *
 * <p>Usage: {@code BenchServer <port> <database>} (PostgreSQL on 127.0.0.1:5432, trust auth).
 */
public final class BenchServer {

    public static final String CLIENT = "bench";
    public static final String TOKEN = "bench-client-token";

    /** Client {@code i} of {@code clients}: {@code bench} alone, or {@code bench0000}, {@code bench0001}, … */
    public static String client(int i, int clients) {
        return clients == 1 ? CLIENT : String.format("%s%04d", CLIENT, i);
    }

    public static String token(int i, int clients) {
        return clients == 1 ? TOKEN : TOKEN + "-" + i;
    }

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18080;
        String database = args.length > 1 ? args[1] : "spot_bench";
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name: lower case letters, digits, _");
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
        // System properties outrank the api jar's application.yml.
        set("server.port", Integer.toString(port));
        set("server.address", "127.0.0.1");
        set("spring.r2dbc.url", "r2dbc:postgresql://127.0.0.1:5432/" + database);
        set("spring.r2dbc.username", "postgres");
        set("spring.flyway.url", "jdbc:postgresql://127.0.0.1:5432/" + database);
        set("spring.flyway.user", "postgres");
        set("spring.temporal.test-server.enabled", "true");
        set("spring.temporal.connection.target", "");
        int clients = Integer.getInteger("bench.clients", 1);
        for (int i = 0; i < clients; i++) {
            set("spot.accounts.clients[" + i + "].id", client(i, clients));
            set("spot.accounts.clients[" + i + "].name", "Benchmark " + i);
            set("spot.accounts.clients[" + i + "].token", token(i, clients));
        }
        set("spot.events.max-connections", "60000");
        set("logging.level.root", "WARN");
        set("logging.level.org.springframework.boot.web", "INFO");
        SpringApplication.run(ApiApplication.class, args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length) : new String[0]);
        System.out.println("BENCH-SERVER-READY port=" + port + " database=" + database);
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
