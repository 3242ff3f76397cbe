package com.spotoptimizer.db.account;

import io.r2dbc.spi.Readable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Clients, agents and their tokens. Tokens are only ever stored and looked up as SHA-256 digests. */
@Repository
public class AccountRepository {

    private static final String AGENT_COLUMNS = "agent_id, client_id, name, transport, status, last_heartbeat_at";

    private final DatabaseClient db;

    public AccountRepository(DatabaseClient db) {
        this.db = db;
    }

    public static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }

    public Mono<TokenPrincipal> findByToken(String token) {
        return findByDigest(digest(token));
    }

    /** The principal of a token given by its SHA-256 digest (see {@link #digest}); empty if unknown or revoked. */
    public Mono<TokenPrincipal> findByDigest(byte[] digest) {
        return db.sql("""
                SELECT principal_kind, client_id, agent_id FROM api_tokens
                WHERE token_sha256 = :digest AND revoked_at IS NULL""")
                .bind("digest", digest)
                .map(r -> new TokenPrincipal(r.get("principal_kind", String.class), r.get("client_id", String.class),
                        r.get("agent_id", String.class)))
                .one();
    }

    public Mono<AgentRow> findAgent(String agentId) {
        return db.sql("SELECT " + AGENT_COLUMNS + " FROM agents WHERE agent_id = :agent")
                .bind("agent", agentId).map(AccountRepository::mapAgent).one();
    }

    public Flux<AgentRow> agentsOf(String clientId) {
        return db.sql("SELECT " + AGENT_COLUMNS + " FROM agents WHERE client_id = :client ORDER BY agent_id")
                .bind("client", clientId).map(AccountRepository::mapAgent).all();
    }

    public Flux<AgentRow> allAgents() {
        return db.sql("SELECT " + AGENT_COLUMNS + " FROM agents ORDER BY agent_id").map(AccountRepository::mapAgent).all();
    }

    public Mono<String> clientName(String clientId) {
        return db.sql("SELECT name FROM clients WHERE client_id = :client")
                .bind("client", clientId).map(r -> r.get("name", String.class)).one();
    }

    /** Creates or renames a client. Used by provisioning (operator command, local demo data). */
    public Mono<Void> upsertClient(String clientId, String name) {
        return db.sql("""
                INSERT INTO clients (client_id, name) VALUES (:id, :name)
                ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name""")
                .bind("id", clientId).bind("name", name).then();
    }

    public Mono<Void> upsertAgent(String agentId, String clientId, String name, String transport) {
        return db.sql("""
                INSERT INTO agents (agent_id, client_id, name, transport) VALUES (:id, :client, :name, :transport)
                ON CONFLICT (agent_id) DO UPDATE SET name = EXCLUDED.name, transport = EXCLUDED.transport
                WHERE agents.client_id = EXCLUDED.client_id""")
                .bind("id", agentId).bind("client", clientId).bind("name", name).bind("transport", transport).then();
    }

    /** Registers a token (idempotent); the token itself is never stored. */
    public Mono<Void> upsertToken(String token, String kind, String clientId, String agentId, String description) {
        var spec = db.sql("""
                INSERT INTO api_tokens (token_sha256, principal_kind, client_id, agent_id, description)
                VALUES (:digest, :kind, :client, :agent, :description)
                ON CONFLICT (token_sha256) DO UPDATE SET revoked_at = NULL""")
                .bind("digest", digest(token)).bind("kind", kind).bind("client", clientId)
                .bind("description", description == null ? "" : description);
        spec = agentId == null ? spec.bindNull("agent", String.class) : spec.bind("agent", agentId);
        return spec.then();
    }

    static AgentRow mapAgent(Readable r) {
        return new AgentRow(
                r.get("agent_id", String.class),
                r.get("client_id", String.class),
                r.get("name", String.class),
                r.get("transport", String.class),
                r.get("status", String.class),
                r.get("last_heartbeat_at", Instant.class));
    }
}
