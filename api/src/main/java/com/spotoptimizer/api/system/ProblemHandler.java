package com.spotoptimizer.api.system;

import com.spotoptimizer.db.instance.TransitionNotAllowedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import tools.jackson.core.exc.StreamReadException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.DatabindException;

/**
 * The one place errors become RFC 9457 problem documents. Details say what to fix and never carry
 * exception class names or stack traces.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(TransitionNotAllowedException.class)
    Mono<ResponseEntity<ProblemDetail>> transitionNotAllowed(TransitionNotAllowedException e) {
        return respond(Problems.detail(HttpStatus.CONFLICT, "transition-not-allowed", "Transition not allowed", e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<ProblemDetail>> unexpected(Exception e, ServerWebExchange exchange) {
        log.error("Request failed path={}", exchange.getRequest().getPath(), e);
        return respond(Problems.detail(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the request could not be completed; it is safe to retry"));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
            WebExchangeBindException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, String>> errors = ex.getFieldErrors().stream()
                .map(f -> {
                    Map<String, String> error = new LinkedHashMap<>();
                    error.put("field", SnakeCase.of(f.getField()));
                    error.put("message", f.getDefaultMessage());
                    return error;
                })
                .toList();
        ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                errors.isEmpty() ? "the request is invalid" : errors.get(0).get("field") + ": " + errors.get(0).get("message"));
        if (!errors.isEmpty()) {
            problem.setProperty("field", errors.get(0).get("field"));
            problem.setProperty("errors", errors);
        }
        return respondObject(problem);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        if (causedBy(ex, DataBufferLimitException.class) != null) {
            return respondObject(Problems.detail(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Body too large",
                    "request body exceeds the limit"));
        }
        DatabindException binding = causedBy(ex, DatabindException.class);
        if (binding != null) {
            String field = binding.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse(null);
            ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    field == null ? "the body is not valid JSON for this endpoint"
                            : "field " + field + " is missing, unknown, or of the wrong type");
            if (field != null) {
                problem.setProperty("field", field);
            }
            return respondObject(problem);
        }
        StreamReadException read = causedBy(ex, StreamReadException.class);
        if (read != null && read.getOriginalMessage() != null && read.getOriginalMessage().startsWith("Duplicate")) {
            return respondObject(Problems.detail(HttpStatus.BAD_REQUEST, "duplicate-key", "Duplicate key",
                    "a key appears twice in the JSON body: " + read.getOriginalMessage()));
        }
        if (causedBy(ex, DecodingException.class) != null) {
            return respondObject(Problems.detail(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                    "the body is not well-formed JSON"));
        }
        String reason = ex.getReason() != null ? ex.getReason() : "the request is invalid";
        return respondObject(Problems.detail(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", reason));
    }

    /**
     * Problems the framework builds itself (415, 405, 413 while decoding, 404 for unknown paths) carry
     * {@code about:blank} and sometimes no detail: give them a stable type and a detail like ours.
     */
    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        if (body instanceof ProblemDetail problem) {
            HttpStatus code = HttpStatus.resolve(problem.getStatus());
            if (code != null && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
                problem.setType(Problems.type(slug(code)));
            }
            if (code != null && (problem.getDetail() == null || problem.getDetail().isBlank())) {
                problem.setDetail(code == HttpStatus.CONTENT_TOO_LARGE ? "request body exceeds the limit"
                        : code.getReasonPhrase());
            }
        }
        return super.createResponseEntity(body, headers, status, exchange);
    }

    private static String slug(HttpStatus code) {
        return switch (code) {
            case BAD_REQUEST -> "invalid-request";
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case NOT_ACCEPTABLE -> "not-acceptable";
            case CONTENT_TOO_LARGE -> "body-too-large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            default -> "http-" + code.value();
        };
    }

    private static <T extends Throwable> T causedBy(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Mono<ResponseEntity<ProblemDetail>> respond(ProblemDetail problem) {
        return Mono.just(ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem));
    }

    private static Mono<ResponseEntity<Object>> respondObject(ProblemDetail problem) {
        return Mono.just(ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem));
    }
}
