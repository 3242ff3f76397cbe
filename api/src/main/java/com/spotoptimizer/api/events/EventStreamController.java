package com.spotoptimizer.api.events;

import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.db.event.EventReader;
import com.spotoptimizer.db.event.EventTickets;
import io.netty.channel.Channel;
import java.time.Instant;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/events/stream/{client_id}}: the client's events as Server-Sent Events, resumable with
 * Last-Event-ID. The path is open in the security chain because a browser's EventSource cannot send a
 * header: the stream accepts a client bearer token, or a single-use ticket from
 * {@code POST /api/events/tickets}.
 */
@RestController
public class EventStreamController {

    private static final SseFrameWriter SSE_WRITER = new SseFrameWriter();
    private static final ResolvableType SSE_TYPE = ResolvableType.forClassWithGenerics(ServerSentEvent.class, String.class);

    private final EventHub hub;
    private final EventTickets tickets;
    private final EventReader reader;
    private final EventMetrics metrics;
    private final EventsProperties properties;

    public EventStreamController(EventHub hub, EventTickets tickets, EventReader reader, EventMetrics metrics,
                                 EventsProperties properties) {
        this.hub = hub;
        this.tickets = tickets;
        this.reader = reader;
        this.metrics = metrics;
        this.properties = properties;
    }

    public record TicketView(String ticket, Instant expiresAt, String clientId) {
    }

    public record ReplicaStats(int openConnections, int maxConnections, long eventsPublished,
                               Map<String, Long> eventsPublishedByType, long eventsDelivered, long cutoffsSlow,
                               long cutoffsCapacity) {
    }

    public record EventStats(String clientId, int openConnections, long lastEventId, ReplicaStats replica) {
    }

    /**
     * Authorizes and admits the stream inside WebFlux (so every failure is a problem answer as for any
     * request), then hands the connection to {@link EventStreamHandoff}, which writes the stream once this
     * request's WebFlux chain has ended. Without a Reactor Netty connection (a mock server), the stream
     * is written through WebFlux instead.
     */
    @GetMapping(path = "/api/events/stream/{clientId}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<Void> stream(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                      @PathVariable String clientId,
                      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
                      @RequestParam(name = "last_event_id", required = false) String lastEventIdQuery,
                      @RequestParam(name = "ticket", required = false) String ticket,
                      ServerWebExchange exchange) {
        // The header wins: an EventSource reconnecting sends it with the newest id it saw.
        Long resumeAfter = resumePoint(lastEventIdHeader != null && !lastEventIdHeader.isBlank() ? lastEventIdHeader
                : lastEventIdQuery);
        Channel connection = EventStreamHandoff.connectionOf(exchange);
        return authorize(principal, clientId, ticket)
                .then(Mono.defer(() -> hub.admit(clientId, resumeAfter)))
                .flatMap(opening -> connection != null ? EventStreamHandoff.handOff(exchange, connection, opening)
                        : SSE_WRITER.write(hub.stream(opening), SSE_TYPE, MediaType.TEXT_EVENT_STREAM, exchange.getResponse(),
                                Map.of()));
    }

    @PostMapping("/api/events/tickets")
    Mono<ResponseEntity<TicketView>> ticket(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal) {
        Caller caller = Caller.of(principal);
        if (caller.isAgent()) {
            throw StreamProblems.clientTokenRequired();
        }
        return tickets.issue(caller.clientId(), properties.ticketTtl())
                .map(issued -> ResponseEntity.status(HttpStatus.CREATED)
                        .body(new TicketView(issued.ticket(), issued.expiresAt(), issued.clientId())));
    }

    @GetMapping("/api/events/stats")
    Mono<EventStats> stats(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal) {
        String clientId = Caller.of(principal).clientId();
        Map<String, Long> published = metrics.publishedByType();
        ReplicaStats replica = new ReplicaStats(hub.openConnections(), properties.maxConnections(),
                published.values().stream().mapToLong(Long::longValue).sum(), published, metrics.deliveredCount(),
                metrics.cutoffCount(EventMetrics.SLOW), metrics.cutoffCount(EventMetrics.CAPACITY));
        return reader.lastEventId(clientId).defaultIfEmpty(0L)
                .map(last -> new EventStats(clientId, hub.openConnections(clientId), last, replica));
    }

    /**
     * This controller's problems carry their content type explicitly: the stream's mapping produces
     * text/event-stream, and without it an EventSource (Accept: text/event-stream) would get the problem
     * encoded as an SSE frame.
     */
    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<ProblemDetail> problem(ErrorResponseException e, ServerWebExchange exchange) {
        ProblemDetail body = e.getBody();
        body.setInstance(exchange.getRequest().getURI());
        return ResponseEntity.status(e.getStatusCode()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    /** A client token for this client, else a ticket issued to it. */
    private Mono<Void> authorize(OAuth2AuthenticatedPrincipal principal, String clientId, String ticket) {
        if (principal != null) {
            Caller caller = Caller.of(principal);
            if (caller.isAgent()) {
                return Mono.error(StreamProblems.clientTokenRequired());
            }
            caller.requireClient(clientId);
            return Mono.empty();
        }
        if (ticket == null || ticket.isBlank()) {
            return Mono.error(StreamProblems.unauthenticated());
        }
        return tickets.redeem(ticket)
                .switchIfEmpty(Mono.error(StreamProblems::badTicket))
                .flatMap(owner -> owner.equals(clientId) ? Mono.<Void>empty()
                        : Mono.error(StreamProblems.unknownClient(clientId)));
    }

    private static Long resumePoint(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < 0) {
                throw StreamProblems.badResumePoint(raw);
            }
            return value;
        } catch (NumberFormatException e) {
            throw StreamProblems.badResumePoint(raw);
        }
    }
}
