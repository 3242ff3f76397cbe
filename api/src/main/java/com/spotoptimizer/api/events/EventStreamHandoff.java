package com.spotoptimizer.api.events;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Serves an event stream's long life outside WebFlux. A plain bearer-token request is authorized and
 * admitted by this route itself ({@link StreamConnect}), without the WebFlux chain, and served at once
 * with the headers the WebFlux path would send. Every other request, and every one the direct path
 * does not simply accept, goes through the whole WebFlux chain as any other (Spring Security, the
 * controller's token or ticket check, admission, problem answers); when the controller accepts it, it leaves the admitted stream on the connection ({@link #handOff})
 * and completes. The WebFlux chain then ends, and with it every per-request object it held (exchange
 * and its attributes, filter chain, observations, security context): none of them stays reachable for
 * the life of the stream. This Reactor Netty route (ahead of Spring's own handler, for
 * {@code GET /api/events/stream/**} only) then sends the response headers (as committed by WebFlux,
 * chunked) and lets the stream's {@link Subscriber} write pre-encoded frames straight into the channel
 * ({@link ChannelOutput}) until the stream ends.
 *
 * <p>Why a route and not an {@code HttpHandler} decorator: Spring's Reactor Netty adapter keeps its
 * request object (and through it the exchange's attributes: observations and all) reachable from the
 * subscription for as long as the handler it calls runs; here that adapter's part ends with the
 * WebFlux phase.
 */
public class EventStreamHandoff {

    static final String PATH_PREFIX = "/api/events/stream/";
    private static final AttributeKey<StreamOpening> OPENING = AttributeKey.valueOf("spot.events.opening");
    /** Set while this route runs the request: only then may the controller hand the stream over. */
    private static final AttributeKey<Boolean> ROUTED = AttributeKey.valueOf("spot.events.routed");
    private static final MediaType CONTENT_TYPE = new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8);

    private final ObjectProvider<EventHub> hub;
    private final ObjectProvider<HttpHandler> webFlux;
    private final StreamConnect connect;
    private volatile ReactorHttpHandlerAdapter adapter;

    /** {@code connect}: the direct connect for plain bearer-token requests, or null for WebFlux only. */
    EventStreamHandoff(ObjectProvider<EventHub> hub, ObjectProvider<HttpHandler> webFlux, StreamConnect connect) {
        this.hub = hub;
        this.webFlux = webFlux;
        this.connect = connect;
    }

    /** The direct connect path (null if off). */
    StreamConnect connect() {
        return connect;
    }

    /** The route: event streams, ahead of Spring's handler for everything else. */
    public HttpServerRoutes route(HttpServerRoutes routes) {
        return routes.route(request -> request.method() == io.netty.handler.codec.http.HttpMethod.GET
                && request.uri().startsWith(PATH_PREFIX), this::handle);
    }
    /** The controller's last step: the response is an event stream, written by this decorator. */
    static Mono<Void> handOff(ServerWebExchange exchange, Channel connection, StreamOpening opening) {
        exchange.getResponse().getHeaders().setContentType(CONTENT_TYPE);
        StreamOpening stale = connection.attr(OPENING).getAndSet(opening);
        if (stale != null) {
            stale.release();
        }
        return Mono.empty();
    }

    /** The connection of a request that came through this route (which will serve the stream), or null. */
    static Channel connectionOf(ServerWebExchange exchange) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        return request instanceof Connection connection && connection.channel().hasAttr(ROUTED)
                && Boolean.TRUE.equals(connection.channel().attr(ROUTED).get()) ? connection.channel() : null;
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        if (!(request instanceof Connection connection)) {
            return webFlux().apply(request, response);
        }
        Channel channel = connection.channel();
        StreamConnect.Request direct = connect != null ? StreamConnect.parse(request.uri(), request.requestHeaders()) : null;
        if (direct == null) {
            return throughWebFlux(request, response, channel);
        }
        // Accepted directly, or else handed to WebFlux, which answers it as before; the rest of the stream's
        // set-up runs on the connection's own event loop, not on the database driver's.
        CompletableFuture<StreamOpening> admitted = connect.admit(direct);
        return Mono.fromFuture(admitted.thenApplyAsync(Optional::ofNullable, channel.eventLoop()), true)
                .flatMap(opening -> {
                    if (opening.isEmpty()) {
                        return throughWebFlux(request, response, channel);
                    }
                    StreamConnect.HEADERS.forEach(response::header);
                    return serve(response, channel, opening.get());
                })
                // Cancelled or failed before the stream started: give the slot back (a no-op once the
                // stream's own end has released it).
                .doFinally(signal -> admitted.thenAccept(opening -> {
                    if (opening != null) {
                        opening.release();
                    }
                }));
    }

    /** The regular way: Spring's handler (security, the controller) first, then the stream if it admitted one. */
    private Mono<Void> throughWebFlux(HttpServerRequest request, HttpServerResponse response, Channel channel) {
        channel.attr(ROUTED).set(Boolean.TRUE);
        return Mono.defer(new Once(webFlux(), request, response))
                .then(Mono.defer(() -> {
                    channel.attr(ROUTED).set(null);
                    StreamOpening opening = channel.attr(OPENING).getAndSet(null);
                    return opening == null ? Mono.empty() : serve(response, channel, opening);
                }))
                .doFinally(signal -> {
                    channel.attr(ROUTED).set(null);
                    // Admitted but never served (the request failed or was cancelled in between).
                    StreamOpening opening = channel.attr(OPENING).getAndSet(null);
                    if (opening != null) {
                        opening.release();
                    }
                });
    }

    private ReactorHttpHandlerAdapter webFlux() {
        ReactorHttpHandlerAdapter a = adapter;
        if (a == null) {
            a = new ReactorHttpHandlerAdapter(webFlux.getObject());
            adapter = a;
        }
        return a;
    }

    /**
     * The WebFlux handling of the request, assembled when subscribed and then forgotten: neither the
     * assembled chain nor the request and response objects (whose commit actions reach the exchange) stay
     * reachable from the stream's own, long-lived subscription once WebFlux has finished.
     */
    private static final class Once implements Supplier<Mono<Void>> {

        private ReactorHttpHandlerAdapter delegate;
        private HttpServerRequest request;
        private HttpServerResponse response;

        Once(ReactorHttpHandlerAdapter delegate, HttpServerRequest request, HttpServerResponse response) {
            this.delegate = delegate;
            this.request = request;
            this.response = response;
        }

        @Override
        public synchronized Mono<Void> get() {
            if (delegate == null) {
                return Mono.error(new IllegalStateException("the request was already handled"));
            }
            Mono<Void> handled = delegate.apply(request, response);
            delegate = null;
            request = null;
            response = null;
            return handled;
        }
    }

    private Mono<Void> serve(HttpServerResponse netty, Channel channel, StreamOpening opening) {
        if (!channel.isActive()) {
            opening.release();
            return Mono.empty();
        }
        netty.header(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return netty.sendHeaders().then().then(Mono.create(end -> {
            ChannelOutput output = new ChannelOutput(channel, end);
            EventHub hub = this.hub.getObject();
            Subscriber subscriber = hub.subscriber(opening);
            output.onWritable(subscriber::scheduleDrain);
            subscriber.attach(output);
            end.onDispose(() -> hub.detach(subscriber));
            hub.start(subscriber, opening);
        }));
    }
}
