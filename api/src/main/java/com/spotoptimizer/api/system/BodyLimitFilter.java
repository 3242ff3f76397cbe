package com.spotoptimizer.api.system;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a declared body over the limit before anything reads it. Bodies without a length
 * (chunked) are bounded by the codecs' in-memory limit, which answers 413 the same way.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyLimitFilter implements WebFilter {

    private final ApiProperties properties;
    private final ProblemWriter problems;

    public BodyLimitFilter(ApiProperties properties, ProblemWriter problems) {
        this.properties = properties;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > properties.maxBodyBytes()) {
            return problems.write(exchange, HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Body too large",
                    "request body is " + length + " bytes; the limit is " + properties.maxBodyBytes());
        }
        return chain.filter(exchange);
    }
}
