package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.EventRow;
import com.spotoptimizer.db.event.EventTypes;
import com.spotoptimizer.db.system.JsonText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.codec.ServerSentEvent;

/**
 * One SSE frame, built once and shared by every subscriber it goes to. {@code id} is the event's
 * sequence number (0 for frames that carry none: heartbeats and the opening comment); {@code live}
 * marks frames of the live fan-out, whose commit-to-write lag is measured (replayed frames are not:
 * their age is the resume distance, not a delay).
 *
 * <p>{@code bytes} is the frame on the wire, encoded once when the frame is built, in a direct buffer
 * that every connection it goes to writes from (a {@code duplicate()} each: own indexes, shared bytes,
 * no copy). It is never released by hand: it is freed with the frame, by the garbage collector.
 * {@code chunk} is the same memory with the HTTP chunk's framing around it, for connections that write
 * straight below the HTTP encoder ({@link ChannelOutput}).
 */
record Frame(long id, ServerSentEvent<String> sse, Instant occurredAt, boolean event, boolean live, ByteBuf bytes,
             ByteBuf chunk) {

    Frame(long id, ServerSentEvent<String> sse, Instant occurredAt, boolean event, boolean live) {
        this(id, sse, occurredAt, event, live, chunked(SseFrameWriter.encode(sse)));
    }

    private Frame(long id, ServerSentEvent<String> sse, Instant occurredAt, boolean event, boolean live, ByteBuf chunk) {
        this(id, sse, occurredAt, event, live, frameOf(chunk), chunk);
    }

    /**
     * The frame as one HTTP/1.1 chunk ({@code <size in hex>\r\n<frame>\r\n}), byte for byte what Netty's
     * HTTP encoder makes of it in a chunked response, in one direct buffer.
     */
    private static ByteBuf chunked(byte[] encoded) {
        byte[] head = (Integer.toHexString(encoded.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer direct = ByteBuffer.allocateDirect(head.length + encoded.length + 2).put(head).put(encoded)
                .put((byte) '\r').put((byte) '\n').flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
    }

    /** The frame itself inside its chunk (the same memory). */
    private static ByteBuf frameOf(ByteBuf chunk) {
        int start = chunk.indexOf(0, chunk.writerIndex(), (byte) '\n') + 1;
        return Unpooled.unreleasableBuffer(chunk.slice(start, chunk.writerIndex() - start - 2));
    }

    /** An outbox row as {@code id:}, {@code event:} and {@code data: {"type","data","timestamp"}}. */
    static Frame of(EventRow row, boolean live) {
        String json = "{\"type\":" + JsonText.of(row.eventType()) + ",\"data\":" + row.dataJson()
                + ",\"timestamp\":\"" + row.occurredAt() + "\"}";
        return new Frame(row.eventId(), ServerSentEvent.builder(json).id(Long.toString(row.eventId())).event(row.eventType())
                .build(), row.occurredAt(), true, live);
    }

    /** HEARTBEAT: no {@code id:}, so it never moves a client's resume point. */
    static Frame heartbeat(Instant now) {
        String json = "{\"type\":\"" + EventTypes.HEARTBEAT + "\",\"data\":{},\"timestamp\":\"" + now + "\"}";
        return new Frame(0, ServerSentEvent.builder(json).event(EventTypes.HEARTBEAT).build(), now, false, false);
    }

    /**
     * RESYNC: the resume point cannot be served (pruned by retention, or ahead of the stream). Its id is
     * the current position, from which the stream continues.
     */
    static Frame resync(long lastEventId, String reason, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        data.put("last_event_id", lastEventId);
        String json = "{\"type\":\"" + EventTypes.RESYNC + "\",\"data\":" + JsonText.of(data) + ",\"timestamp\":\"" + now + "\"}";
        return new Frame(lastEventId, ServerSentEvent.builder(json).id(Long.toString(lastEventId)).event(EventTypes.RESYNC)
                .build(), now, true, false);
    }

    /** A comment written at once, so the response headers (and EventSource's open) do not wait for an event. */
    static Frame opened() {
        return OPENED;
    }

    private static final Frame OPENED = new Frame(0, ServerSentEvent.<String>builder().comment("stream open").build(), null,
            false, false);
}
