package com.spotoptimizer.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageWriter;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;

/** The one-buffer-per-frame writer puts exactly Spring's SSE bytes on the wire. */
class SseFrameWriterTest {

    private static final ResolvableType TYPE = ResolvableType.forClassWithGenerics(ServerSentEvent.class, String.class);

    @Test
    void writesTheSameBytesAsSpringsServerSentEventWriter() {
        List<ServerSentEvent<String>> frames = List.of(
                ServerSentEvent.<String>builder().comment("stream open").build(),
                ServerSentEvent.builder("{\"type\":\"INSTANCE_RUNNING\",\"data\":{\"a\":1},\"timestamp\":\"t\"}")
                        .id("42").event("INSTANCE_RUNNING").build(),
                ServerSentEvent.builder("{\"type\":\"HEARTBEAT\",\"data\":{}}").event("HEARTBEAT").build(),
                ServerSentEvent.builder("line one\nline two").id("43").event("X").retry(Duration.ofSeconds(3))
                        .comment("two\nlines").build());

        SseFrameWriter writer = new SseFrameWriter();
        MockServerHttpResponse ours = new MockServerHttpResponse();
        writer.write(Flux.fromIterable(frames), TYPE, MediaType.TEXT_EVENT_STREAM, ours, Map.of()).block();
        // The same event instances again (as for a second subscriber): served from the writer's cache.
        MockServerHttpResponse again = new MockServerHttpResponse();
        writer.write(Flux.fromIterable(frames), TYPE, MediaType.TEXT_EVENT_STREAM, again, Map.of()).block();
        MockServerHttpResponse spring = new MockServerHttpResponse();
        new ServerSentEventHttpMessageWriter().write(Flux.fromIterable(frames), TYPE, MediaType.TEXT_EVENT_STREAM, spring,
                Map.of()).block();

        String expected = spring.getBodyAsString().block();
        assertThat(ours.getBodyAsString().block()).isEqualTo(expected);
        assertThat(again.getBodyAsString().block()).isEqualTo(expected);
        assertThat(ours.getHeaders().getContentType()).isEqualTo(spring.getHeaders().getContentType());
    }

    @Test
    void takesOnlyStringEventStreams() {
        SseFrameWriter writer = new SseFrameWriter();
        assertThat(writer.canWrite(TYPE, MediaType.TEXT_EVENT_STREAM)).isTrue();
        assertThat(writer.canWrite(TYPE, null)).isTrue();
        assertThat(writer.canWrite(ResolvableType.forClassWithGenerics(ServerSentEvent.class, Map.class),
                MediaType.TEXT_EVENT_STREAM)).isFalse();
        assertThat(writer.canWrite(ResolvableType.forClass(String.class), MediaType.TEXT_EVENT_STREAM)).isFalse();
        assertThat(writer.canWrite(TYPE, MediaType.APPLICATION_JSON)).isFalse();
    }
}
