package com.spotoptimizer.api.events;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerSentEvent;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes {@code ServerSentEvent<String>} streams, one buffer per frame, in the SSE wire format of
 * Spring's own writer. Spring's writer builds a small reactive pipeline per frame (three buffers, a
 * concat and a flush group); at ten thousand subscribers that per-frame overhead, not the network, was
 * what delayed delivery. Here each frame is one buffer in one plain stream, and Reactor Netty flushes
 * whenever the frames queued for a connection have been written (at once for a single frame, in one go
 * for a burst). The hub hands one {@code ServerSentEvent} instance to every subscriber of an event, so
 * the bytes of recently written frames are remembered by identity: a frame going to ten thousand
 * connections is encoded once, not ten thousand times. Registered as a custom codec, so it is asked
 * before the default SSE writer; anything it does not take (other payload types) still goes to the
 * default.
 */
final class SseFrameWriter implements HttpMessageWriter<ServerSentEvent<String>> {

    /** Direct-mapped, by identity; a stale or racing entry only costs an extra encode. */
    private static final int CACHE_SIZE = 1024;

    private final Encoded[] cache = new Encoded[CACHE_SIZE];

    private record Encoded(ServerSentEvent<String> event, byte[] bytes) {
    }

    private static final List<MediaType> TYPES = List.of(MediaType.TEXT_EVENT_STREAM);
    private static final MediaType CONTENT_TYPE = new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8);

    @Override
    public List<MediaType> getWritableMediaTypes() {
        return TYPES;
    }

    @Override
    public boolean canWrite(ResolvableType elementType, MediaType mediaType) {
        return ServerSentEvent.class.isAssignableFrom(elementType.toClass())
                && String.class.equals(elementType.resolveGeneric(0))
                && (mediaType == null || MediaType.TEXT_EVENT_STREAM.includes(mediaType));
    }

    @Override
    public Mono<Void> write(Publisher<? extends ServerSentEvent<String>> input, ResolvableType elementType,
                            MediaType mediaType, ReactiveHttpOutputMessage message, Map<String, Object> hints) {
        message.getHeaders().setContentType(CONTENT_TYPE);
        DataBufferFactory buffers = message.bufferFactory();
        return message.writeWith(Flux.from(input).map(event -> buffers.wrap(bytes(event))));
    }

    private byte[] bytes(ServerSentEvent<String> event) {
        int slot = System.identityHashCode(event) & (CACHE_SIZE - 1);
        Encoded hit = cache[slot];
        if (hit != null && hit.event() == event) {
            return hit.bytes();
        }
        byte[] bytes = encode(event);
        cache[slot] = new Encoded(event, bytes);
        return bytes;
    }

    static byte[] encode(ServerSentEvent<String> event) {
        String data = event.data();
        StringBuilder frame = new StringBuilder(64 + (data == null ? 0 : data.length()));
        if (event.id() != null) {
            frame.append("id:").append(event.id()).append('\n');
        }
        if (event.event() != null) {
            frame.append("event:").append(event.event()).append('\n');
        }
        if (event.retry() != null) {
            frame.append("retry:").append(event.retry().toMillis()).append('\n');
        }
        if (event.comment() != null) {
            frame.append(':').append(event.comment().replace("\n", "\n:")).append('\n');
        }
        if (data != null) {
            frame.append("data:").append(data.replace("\n", "\ndata:")).append('\n');
        }
        frame.append('\n');
        return frame.toString().getBytes(StandardCharsets.UTF_8);
    }
}
