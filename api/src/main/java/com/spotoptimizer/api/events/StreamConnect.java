package com.spotoptimizer.api.events;

import com.spotoptimizer.db.account.TokenPrincipal;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The direct connect of an event stream: a plain, well-formed bearer-token request
 * ({@code GET /api/events/stream/{client_id}} with {@code Authorization: Bearer …}, an optional numeric
 * {@code Last-Event-ID} / {@code last_event_id}) is authorized and admitted here, on the connection's
 * event loop, without the WebFlux chain: the token through {@link StreamTokenCache}, the position through
 * the hub's shared reads. Only acceptance is decided here. Everything else goes through WebFlux as before
 * and is answered there, with the same problem documents: a request this class does not recognise as
 * plain ({@link #parse} returns null: a ticket, no or an odd {@code Authorization}, a resume point that
 * is not a plain number, an unusual path, query, {@code Accept} or header, a body), and one it
 * recognises but does not accept ({@link #admit} completes with null: unknown, revoked or agent token,
 * another client's stream, unknown client, over the connection cap).
 */
final class StreamConnect {

    /** What the direct path needs from a request. */
    record Request(String clientId, String token, Long resumeAfter) {
    }

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    /** RFC 6750's b64token, as Spring Security's bearer token converter accepts it. */
    private static final Pattern BEARER = Pattern.compile("Bearer ([A-Za-z0-9._~+/-]+=*)");
    private static final Pattern QUERY = Pattern.compile("[A-Za-z0-9._~=&-]*");

    /**
     * Response headers of an accepted stream, as the WebFlux path sends them (its content type, and the
     * headers Spring Security writes on every response). {@code EventStreamConnectTest} compares them.
     */
    static final Map<String, String> HEADERS = orderedHeaders(
            "Content-Type", "text/event-stream;charset=UTF-8",
            "Cache-Control", "no-cache, no-store, max-age=0, must-revalidate",
            "Pragma", "no-cache",
            "Expires", "0",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "X-XSS-Protection", "0",
            "Referrer-Policy", "no-referrer");

    private final ObjectProvider<EventHub> hub;
    private final StreamTokenCache tokens;
    private final AtomicLong accepted = new AtomicLong();

    StreamConnect(ObjectProvider<EventHub> hub, StreamTokenCache tokens) {
        this.hub = hub;
        this.tokens = tokens;
    }

    /** The request's parts if it is a plain bearer-token stream request, else null (WebFlux handles it). */
    static Request parse(String uri, HttpHeaders headers) {
        if (!uri.startsWith(EventStreamHandoff.PATH_PREFIX)) {
            return null;
        }
        int q = uri.indexOf('?');
        String clientId = uri.substring(EventStreamHandoff.PATH_PREFIX.length(), q < 0 ? uri.length() : q);
        if (!CLIENT_ID.matcher(clientId).matches()) {
            return null;
        }
        String queryResume = null;
        if (q >= 0) {
            String query = uri.substring(q + 1);
            if (!QUERY.matcher(query).matches()) {
                return null;
            }
            for (String part : query.split("&", -1)) {
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq);
                if (key.equals("ticket") || (key.equals("last_event_id") && (eq < 0 || queryResume != null))) {
                    return null;
                }
                if (key.equals("last_event_id")) {
                    queryResume = part.substring(eq + 1);
                }
            }
        }
        List<String> contentLength = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!plainHeaders(headers) || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                || !(contentLength.isEmpty() || contentLength.equals(List.of("0"))) || !acceptsEventStream(headers.getAll(HttpHeaderNames.ACCEPT))) {
            return null;
        }
        List<String> authorization = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (authorization.size() != 1) {
            return null;
        }
        var bearer = BEARER.matcher(authorization.get(0));
        if (!bearer.matches()) {
            return null;
        }
        List<String> lastEventId = headers.getAll("Last-Event-ID");
        if (lastEventId.size() > 1) {
            return null;
        }
        // As the controller: the header wins (an EventSource reconnecting sends it).
        String raw = !lastEventId.isEmpty() && !lastEventId.get(0).isBlank() ? lastEventId.get(0) : queryResume;
        Long resumeAfter = null;
        if (raw != null && !raw.isBlank()) {
            String digits = raw.trim();
            if (digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            resumeAfter = Long.parseLong(digits);
        }
        return new Request(clientId, bearer.group(1), resumeAfter);
    }

    /**
     * The admitted stream, or null if the regular path must answer (the token is not a client token of
     * this client, or the hub does not simply accept the stream).
     */
    CompletableFuture<StreamOpening> admit(Request request) {
        return tokens.verify(request.token())
                .thenCompose(principal -> accepted(principal, request)
                        ? hub.getObject().tryAdmit(request.clientId(), request.resumeAfter())
                        : CompletableFuture.<StreamOpening>completedFuture(null))
                .exceptionally(e -> null)
                .thenApply(opening -> {
                    if (opening != null) {
                        accepted.incrementAndGet();
                    }
                    return opening;
                });
    }

    /** Streams admitted by this path since start (the rest went through WebFlux). */
    long accepted() {
        return accepted.get();
    }

    private static boolean accepted(TokenPrincipal principal, Request request) {
        return principal != null && !principal.isAgent() && request.clientId().equals(principal.clientId());
    }

    /** Printable ASCII only, in every header name and value (what needs no firewall judgement). */
    private static boolean plainHeaders(HttpHeaders headers) {
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            if (!printable(header.getKey()) || !printable(header.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean printable(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** No Accept, or one that plainly takes text/event-stream (no q-values: those go the regular way). */
    private static boolean acceptsEventStream(List<String> accept) {
        if (accept.isEmpty()) {
            return true;
        }
        boolean takes = false;
        for (String header : accept) {
            if (header.contains("q=")) {
                return false;
            }
            for (String range : header.split(",")) {
                int semi = range.indexOf(';');
                String type = (semi < 0 ? range : range.substring(0, semi)).trim();
                if (type.equalsIgnoreCase("text/event-stream") || type.equals("*/*") || type.equalsIgnoreCase("text/*")) {
                    takes = true;
                }
            }
        }
        return takes;
    }

    private static Map<String, String> orderedHeaders(String... pairs) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(headers);
    }
}
