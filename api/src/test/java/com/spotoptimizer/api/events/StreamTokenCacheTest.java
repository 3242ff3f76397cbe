package com.spotoptimizer.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.account.TokenPrincipal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stream connect's cache of verified bearer tokens: reuse within the TTL, nothing beyond it, bounded. */
class StreamTokenCacheTest {

    private static final TokenPrincipal ACME = new TokenPrincipal(TokenPrincipal.CLIENT, "acme", null);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    /** The token table as the fake lookup sees it: digest → principal. */
    private final Map<ByteBuffer, TokenPrincipal> table = new HashMap<>();
    private final List<CompletableFuture<TokenPrincipal>> pending = new ArrayList<>();
    private int lookups;
    private boolean deferred;

    private StreamTokenCache cache(Duration ttl, int size) {
        return new StreamTokenCache(digest -> {
            lookups++;
            TokenPrincipal found = table.get(ByteBuffer.wrap(digest));
            if (deferred) {
                CompletableFuture<TokenPrincipal> later = new CompletableFuture<>();
                pending.add(later);
                return later.thenApply(ignored -> found);
            }
            return CompletableFuture.completedFuture(found);
        }, ttl, size, now::get);
    }

    private void store(String token, TokenPrincipal principal) {
        table.put(ByteBuffer.wrap(AccountRepository.digest(token)), principal);
    }

    @Test
    void aVerifiedTokenIsReusedWithinTheTtlAndLookedUpAgainAfterIt() {
        StreamTokenCache cache = cache(Duration.ofSeconds(10), 100);
        store("t1", ACME);
        assertThat(cache.verify("t1").join()).isEqualTo(ACME);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(cache.verify("t1").join()).isEqualTo(ACME);
        assertThat(lookups).as("one lookup within the TTL").isEqualTo(1);

        table.clear(); // Revoked.
        assertThat(cache.verify("t1").join()).as("still cached: at most the TTL after the verifying connect").isEqualTo(ACME);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(cache.verify("t1").join()).as("the TTL has passed: looked up again, and revoked").isNull();
        assertThat(lookups).isEqualTo(2);
    }

    @Test
    void anUnknownTokenIsNeverKept() {
        StreamTokenCache cache = cache(Duration.ofSeconds(10), 100);
        assertThat(cache.verify("wrong").join()).isNull();
        assertThat(cache.verify("wrong").join()).isNull();
        assertThat(lookups).isEqualTo(2);
        assertThat(cache.size()).isZero();

        store("wrong", ACME); // Registered since: found at once, not after a TTL.
        assertThat(cache.verify("wrong").join()).isEqualTo(ACME);
    }

    @Test
    void concurrentConnectsWithANewTokenShareOneLookup() {
        deferred = true;
        StreamTokenCache cache = cache(Duration.ofSeconds(10), 100);
        store("t1", ACME);
        List<CompletableFuture<TokenPrincipal>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            burst.add(cache.verify("t1"));
        }
        assertThat(lookups).isEqualTo(1);
        assertThat(burst).noneMatch(CompletableFuture::isDone);
        pending.forEach(p -> p.complete(null));
        assertThat(burst).allSatisfy(f -> assertThat(f.join()).isEqualTo(ACME));
    }

    @Test
    void aFailedLookupIsNotKept() {
        StreamTokenCache cache = new StreamTokenCache(digest -> {
            lookups++;
            return CompletableFuture.failedFuture(new IllegalStateException("database down"));
        }, Duration.ofSeconds(10), 100, now::get);
        assertThat(cache.verify("t1")).isCompletedExceptionally();
        assertThat(cache.verify("t1")).isCompletedExceptionally();
        assertThat(lookups).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void theCacheIsBoundedAndExpiredEntriesMakeRoom() {
        StreamTokenCache cache = cache(Duration.ofSeconds(10), 3);
        for (int i = 0; i < 5; i++) {
            store("t" + i, new TokenPrincipal(TokenPrincipal.CLIENT, "c" + i, null));
            assertThat(cache.verify("t" + i).join().clientId()).isEqualTo("c" + i);
        }
        assertThat(cache.size()).as("full: t3 and t4 were verified without being kept").isEqualTo(3);
        cache.verify("t4").join();
        assertThat(lookups).isEqualTo(6);

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        cache.verify("t4").join();
        assertThat(cache.size()).as("the expired entries went to make room").isEqualTo(1);
    }

    @Test
    void aZeroTtlTurnsTheCacheOff() {
        StreamTokenCache cache = cache(Duration.ZERO, 100);
        store("t1", ACME);
        cache.verify("t1").join();
        cache.verify("t1").join();
        assertThat(lookups).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }
}
