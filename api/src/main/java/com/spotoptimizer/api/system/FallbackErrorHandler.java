package com.spotoptimizer.api.system;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Errors no controller saw (unknown paths, wrong methods) are problem documents too. */
@Component
@Order(-2)
public class FallbackErrorHandler implements ErrorWebExceptionHandler {

    private final ProblemWriter problems;

    public FallbackErrorHandler(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (ex instanceof ResponseStatusException status) {
            HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
            code = code != null ? code : HttpStatus.INTERNAL_SERVER_ERROR;
            String detail = status.getReason() != null ? status.getReason() : code.getReasonPhrase();
            return problems.write(exchange, code, code == HttpStatus.NOT_FOUND ? "not-found" : "http-" + code.value(),
                    code.getReasonPhrase(), detail);
        }
        return problems.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the request could not be completed; it is safe to retry");
    }
}
