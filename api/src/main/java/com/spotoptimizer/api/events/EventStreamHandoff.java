package com.spotoptimizer.api.events;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Serves an event stream's long life outside WebFlux. The request goes through the whole WebFlux chain
 * as any other (Spring Security, the controller's token or ticket check, admission, problem answers);
 * when the controller accepts it, it leaves the admitted stream on the connection
 * ({@link #handOff}) and completes. The WebFlux chain then ends, and with it every per-request object
 * it held (exchange, filter chain, observations, security context): none of them lives as long as the
 * stream. This decorator, around the whole HTTP handler, then sends the response headers (as committed
 * by WebFlux, chunked) through Reactor Netty and lets the stream's {@link Subscriber} write pre-encoded
 * frames straight into the channel ({@link ChannelOutput}) until the stream ends.
 */
@Component
public class EventStreamHandoff implements HttpHandlerDecoratorFactory {

    static final String PATH_PREFIX = "/api/events/stream/";
    private static final AttributeKey<StreamOpening> OPENING = AttributeKey.valueOf("spot.events.opening");
    private static final MediaType CONTENT_TYPE = new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8);

    private final EventHub hub;

    public EventStreamHandoff(EventHub hub) {
        this.hub = hub;
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

    /** The connection of a request served by Reactor Netty, or null. */
    static Channel connectionOf(ServerWebExchange exchange) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        return request instanceof Connection connection ? connection.channel() : null;
    }

    @Override
    public HttpHandler apply(HttpHandler delegate) {
        return (request, response) -> {
            if (request.getMethod() != HttpMethod.GET || !request.getPath().value().startsWith(PATH_PREFIX)
                    || !(ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse netty)
                    || !(netty instanceof Connection connection)) {
                return delegate.handle(request, response);
            }
            Channel channel = connection.channel();
            return delegate.handle(request, response)
                    .then(Mono.defer(() -> {
                        StreamOpening opening = channel.attr(OPENING).getAndSet(null);
                        return opening == null ? Mono.empty() : serve(netty, channel, opening);
                    }))
                    .doFinally(signal -> {
                        // Admitted but never served (the request failed or was cancelled in between).
                        StreamOpening opening = channel.attr(OPENING).getAndSet(null);
                        if (opening != null) {
                            opening.release();
                        }
                    });
        };
    }

    private Mono<Void> serve(HttpServerResponse netty, Channel channel, StreamOpening opening) {
        if (!channel.isActive()) {
            opening.release();
            return Mono.empty();
        }
        netty.header(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return netty.sendHeaders().then().then(Mono.create(end -> {
            ChannelOutput output = new ChannelOutput(channel, end);
            Subscriber subscriber = hub.subscriber(opening);
            output.onWritable(subscriber::scheduleDrain);
            subscriber.attach(output);
            end.onDispose(() -> hub.detach(subscriber));
            hub.start(subscriber, opening);
        }));
    }
}
