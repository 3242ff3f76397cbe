package com.spotoptimizer.api.system;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/** Bounds what a request body can buffer, so an oversize chunked body is refused too. */
@Configuration(proxyBeanMethods = false)
public class CodecConfig implements WebFluxConfigurer {

    private final ApiProperties properties;

    public CodecConfig(ApiProperties properties) {
        this.properties = properties;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(properties.maxBodyBytes());
    }
}
