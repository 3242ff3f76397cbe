package com.spotoptimizer.api.events;

import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.account.TokenPrincipal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Bearer tokens verified by a stream connect on this replica, for the connects that follow within
 * {@code spot.events.token-cache-ttl}: a burst of streams for one client (a reconnect storm, a
 * dashboard opening many) hashes its token once per connect but queries {@code api_tokens} once per
 * TTL, not once per stream. Concurrent connects with a token not yet verified share one lookup.
 *
 * <p>Keyed by the token's SHA-256 digest (the token itself is not kept), holding only what the lookup
 * returned. Only tokens that were found are kept: an unknown or revoked token is looked up again on
 * every connect (and answered 401 by the regular path). A token revoked in the table keeps opening
 * streams on this replica for at most the TTL after the connect that verified it (streams already open
 * are not affected either way: the stream checks its token once, at connect). At most
 * {@code token-cache-size} entries; when full, expired entries go first, and if none has expired the
 * new token is verified without being kept.
 */
final class StreamTokenCache {

    private final Function<byte[], CompletableFuture<TokenPrincipal>> lookup;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final Map<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(CompletableFuture<TokenPrincipal> principal, long expiresAt) {
    }

    StreamTokenCache(AccountRepository accounts, Duration ttl, int maxEntries) {
        this(digest -> accounts.findByDigest(digest).toFuture(), ttl, maxEntries, System::nanoTime);
    }

    StreamTokenCache(Function<byte[], CompletableFuture<TokenPrincipal>> lookup, Duration ttl, int maxEntries,
                     LongSupplier nanoTime) {
        this.lookup = lookup;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The token's principal (null if the token is unknown or revoked), from the cache or one lookup. */
    CompletableFuture<TokenPrincipal> verify(String token) {
        byte[] digest = AccountRepository.digest(token);
        if (ttlNanos <= 0 || maxEntries <= 0) {
            return lookup.apply(digest);
        }
        ByteBuffer key = ByteBuffer.wrap(digest);
        long now = nanoTime.getAsLong();
        Entry cached = entries.get(key);
        if (cached != null && now - cached.expiresAt() < 0) {
            return cached.principal();
        }
        if (cached == null && entries.size() >= maxEntries) {
            entries.values().removeIf(e -> now - e.expiresAt() >= 0);
            if (entries.size() >= maxEntries) {
                return lookup.apply(digest);
            }
        }
        CompletableFuture<TokenPrincipal> mine = new CompletableFuture<>();
        Entry fresh = new Entry(mine, now + ttlNanos);
        Entry winner = entries.compute(key, (k, e) -> e != null && now - e.expiresAt() < 0 ? e : fresh);
        if (winner != fresh) {
            return winner.principal();
        }
        lookup.apply(digest).whenComplete((principal, error) -> {
            if (error != null || principal == null) {
                entries.remove(key, fresh); // Not kept: the next connect looks it up again.
            }
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(principal);
            }
        });
        return mine;
    }

    int size() {
        return entries.size();
    }
}
