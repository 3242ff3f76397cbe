package com.spotoptimizer.api.events;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/** Registers the one-buffer-per-frame SSE writer (see {@link SseFrameWriter}). */
@Configuration(proxyBeanMethods = false)
public class EventsWebConfig implements WebFluxConfigurer {

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.customCodecs().register(new SseFrameWriter());
    }
}
