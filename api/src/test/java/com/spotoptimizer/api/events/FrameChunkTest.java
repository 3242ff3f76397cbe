package com.spotoptimizer.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A frame's pre-framed chunk is byte for byte what Netty's HTTP encoder writes for its bytes in a chunked response. */
class FrameChunkTest {

    @Test
    void theChunkIsWhatTheEncoderWouldWrite() {
        Instant now = Instant.parse("2026-12-08T01:00:00Z");
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            big.append("x");
        }
        List<Frame> frames = List.of(Frame.opened(), Frame.heartbeat(now), Frame.resync(42, "because " + big, now),
                Frame.resync(7, "é – unicode in the frame", now));
        for (Frame frame : frames) {
            EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseEncoder());
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            channel.writeOutbound(response);
            drain(channel).release(); // The headers.
            channel.writeOutbound(new DefaultHttpContent(frame.bytes().duplicate()));
            ByteBuf encoded = drain(channel);
            assertThat(ByteBufUtil.getBytes(encoded)).isEqualTo(ByteBufUtil.getBytes(frame.chunk()));
            assertThat(frame.bytes().readableBytes()).isLessThan(frame.chunk().readableBytes());
            encoded.release();
            channel.finishAndReleaseAll();
        }
    }

    private static ByteBuf drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf part;
        while ((part = channel.readOutbound()) != null) {
            all.writeBytes(part);
            part.release();
        }
        return all;
    }
}
