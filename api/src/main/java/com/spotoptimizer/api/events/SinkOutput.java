package com.spotoptimizer.api.events;

import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.FluxSink;

/** A stream as a {@code Flux<ServerSentEvent<String>>}: frames go out as far as the subscriber has asked. */
final class SinkOutput implements StreamOutput {

    private final FluxSink<ServerSentEvent<String>> sink;

    SinkOutput(FluxSink<ServerSentEvent<String>> sink) {
        this.sink = sink;
    }

    @Override
    public boolean ready() {
        return sink.requestedFromDownstream() > 0;
    }

    @Override
    public void write(Frame frame) {
        sink.next(frame.sse());
    }

    @Override
    public void flush() {
    }

    @Override
    public void complete() {
        sink.complete();
    }

    @Override
    public void closeLater(long millis) {
    }

    @Override
    public void execute(Runnable drain) {
        drain.run();
    }

}
