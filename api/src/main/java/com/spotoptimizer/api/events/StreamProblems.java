package com.spotoptimizer.api.events;

import com.spotoptimizer.api.system.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** The stream's own problem answers (RFC 9457), with stable type URIs like the rest of the API. */
final class StreamProblems {

    private StreamProblems() {
    }

    static ErrorResponseException overCapacity(int max) {
        return new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, Problems.detail(HttpStatus.SERVICE_UNAVAILABLE,
                "stream-capacity", "Too many streams", "this replica holds its maximum of " + max
                        + " open streams; retry shortly (another replica may have room)"), null);
    }

    static ErrorResponseException unknownClient(String clientId) {
        return Problems.notFound("client " + clientId);
    }

    static ErrorResponseException badTicket() {
        return new ErrorResponseException(HttpStatus.UNAUTHORIZED, Problems.detail(HttpStatus.UNAUTHORIZED,
                "invalid-ticket", "Invalid ticket", "the stream ticket is unknown, already used or expired;"
                        + " get a new one with POST /api/events/tickets"), null);
    }

    static ErrorResponseException unauthenticated() {
        return new ErrorResponseException(HttpStatus.UNAUTHORIZED, Problems.detail(HttpStatus.UNAUTHORIZED,
                "unauthorized", "Unauthorized", "a client bearer token or a stream ticket (?ticket=) is required"), null);
    }

    static ErrorResponseException clientTokenRequired() {
        return new ErrorResponseException(HttpStatus.FORBIDDEN, Problems.detail(HttpStatus.FORBIDDEN,
                "forbidden", "Forbidden", "event streams and tickets need a client token"), null);
    }

    static ErrorResponseException badResumePoint(String value) {
        return Problems.invalid("last_event_id", "Last-Event-ID / last_event_id must be a non-negative integer, not '"
                + value + "'");
    }
}
