package com.spotoptimizer.db.event;

import com.spotoptimizer.db.account.AccountRepository;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Stream tickets: a browser's EventSource cannot send an Authorization header, so a client trades its
 * bearer token for a random, single-use, short-lived ticket and puts that in the stream URL. Only the
 * SHA-256 digest is stored; redeeming is one conditional UPDATE, so a ticket opens exactly one stream
 * across all replicas. Expiry is judged by the database clock, which every replica shares.
 */
@Repository
public class EventTickets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseClient db;

    public EventTickets(DatabaseClient db) {
        this.db = db;
    }

    public record Issued(String ticket, String clientId, Instant expiresAt) {
    }

    public Mono<Issued> issue(String clientId, Duration ttl) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return db.sql("""
                INSERT INTO event_tickets (ticket_sha256, client_id, expires_at)
                VALUES (:digest, :client, now() + make_interval(secs => :ttl))
                RETURNING expires_at""")
                .bind("digest", AccountRepository.digest(ticket)).bind("client", clientId)
                .bind("ttl", ttl.toMillis() / 1000.0)
                .map(r -> new Issued(ticket, clientId, r.get("expires_at", Instant.class)))
                .one();
    }

    /** The client the ticket was issued to, if the ticket exists, is unspent and unexpired; spends it. */
    public Mono<String> redeem(String ticket) {
        return db.sql("""
                UPDATE event_tickets SET used_at = now()
                WHERE ticket_sha256 = :digest AND used_at IS NULL AND expires_at > now()
                RETURNING client_id""")
                .bind("digest", AccountRepository.digest(ticket))
                .map(r -> r.get("client_id", String.class))
                .one();
    }

    /** Forgets tickets that expired before {@code before}. */
    public Mono<Long> deleteExpiredBefore(Instant before) {
        return db.sql("DELETE FROM event_tickets WHERE expires_at < :before").bind("before", before)
                .fetch().rowsUpdated();
    }
}
