package com.spotoptimizer.api.system;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Problems the API answers with. Each has a stable {@code type} URI that clients can match on; the
 * detail says what to fix.
 */
public final class Problems {

    private static final String BASE = "https://spot-optimizer.dev/problems/";

    private Problems() {
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " not found", null);
    }

    public static ProblemException conflict(String slug, String title, String detail) {
        return new ProblemException(HttpStatus.CONFLICT, slug, title, detail, null);
    }

    /** The service could not answer in time; the same request again is safe. */
    public static ProblemException unavailable(String slug, String title, String detail) {
        return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, slug, title, detail, null);
    }

    public static ProblemException invalid(String field, String detail) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, field);
    }

    /** The stable {@code type} URI of a problem. */
    public static URI type(String slug) {
        return URI.create(BASE + slug);
    }

    public static ProblemDetail detail(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }

    /** An exception that already knows its problem response. */
    public static final class ProblemException extends ErrorResponseException {

        ProblemException(HttpStatus status, String slug, String title, String detail, String field) {
            super(status, withField(detail(status, slug, title, detail), field), null);
        }

        private static ProblemDetail withField(ProblemDetail problem, String field) {
            if (field != null) {
                problem.setProperty("field", field);
            }
            return problem;
        }

        /** Adds a member to the problem body (snake_case name), e.g. the recorded value a request contradicts. */
        public ProblemException with(String name, Object value) {
            getBody().setProperty(name, value);
            return this;
        }

        @Override
        public String getMessage() {
            return getBody().getDetail();
        }
    }
}
