package com.spotoptimizer.api.events;

import com.spotoptimizer.db.account.AccountRepository;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Registers the one-buffer-per-frame SSE writer (see {@link SseFrameWriter}), and keeps event streams
 * out of the HTTP request observation: a stream is a connection that lasts hours, not a request to time
 * (its own series are {@code spot_sse_*}), and observing its short WebFlux phase costs every connect.
 */
@Configuration(proxyBeanMethods = false)
public class EventsWebConfig implements WebFluxConfigurer {

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.customCodecs().register(new SseFrameWriter());
    }

    @Bean
    EventStreamHandoff eventStreamHandoff(ObjectProvider<EventHub> hub, ObjectProvider<HttpHandler> webFlux,
                                          AccountRepository accounts, EventsProperties properties) {
        StreamTokenCache tokens = new StreamTokenCache(accounts, properties.tokenCacheTtl(), properties.tokenCacheSize());
        return new EventStreamHandoff(hub, webFlux, new StreamConnect(hub, tokens));
    }

    /** Event streams get their own Reactor Netty route, which still runs them through WebFlux first. */
    @Bean
    NettyRouteProvider eventStreamRoute(EventStreamHandoff handoff) {
        return handoff::route;
    }

    @Bean
    ObservationPredicate eventStreamsAreNotObservedAsRequests() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier().getPath().value().startsWith(EventStreamHandoff.PATH_PREFIX));
    }
}
