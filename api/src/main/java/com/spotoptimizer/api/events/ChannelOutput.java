package com.spotoptimizer.api.events;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.MonoSink;
import reactor.netty.NettyPipeline;

/**
 * A stream written straight into its Netty channel, after Reactor Netty has sent the response headers
 * (chunked): each frame is a {@code duplicate()} of the frame's shared, pre-encoded chunk (framing
 * included), written below the HTTP encoder with the channel's void promise, one flush per drain pass.
 * The connection takes frames while it is
 * writable (Netty's outbound high-water mark); when it is not, an empty write is flushed behind the
 * pending ones and its completion (everything before it is on the socket) runs the drain again. The
 * response ends when {@code end} succeeds: Reactor Netty then writes the last chunk.
 *
 * <p>Every method but {@link #complete()}, {@link #closeLater} and {@link #execute} runs on the
 * channel's event loop (the subscriber's drain runs there).
 */
final class ChannelOutput implements StreamOutput {

    private final Channel channel;
    /**
     * Where frames are written: the HTTP codec's context, so that a pre-framed chunk goes straight to the
     * socket's outbound buffer (one buffer per frame instead of the encoder's three, no encoder work per
     * frame); the channel itself (through the encoder) if the pipeline is not the plain HTTP/1.1 one.
     */
    private final ChannelHandlerContext codec;
    private final MonoSink<Void> end;
    private Runnable onWritable;
    private boolean fenced;
    private boolean written;

    ChannelOutput(Channel channel, MonoSink<Void> end) {
        this.channel = channel;
        this.end = end;
        ChannelPipeline pipeline = channel.pipeline();
        // Anything that transforms the body above the codec (compression) must see the frames.
        this.codec = pipeline.get(NettyPipeline.CompressionHandler) == null ? pipeline.context(NettyPipeline.HttpCodec) : null;
    }

    /** What runs when a connection that was not writable has drained (the subscriber's drain). */
    void onWritable(Runnable drain) {
        this.onWritable = drain;
    }

    @Override
    public boolean ready() {
        if (!channel.isActive()) {
            return false;
        }
        if (channel.isWritable()) {
            return true;
        }
        if (!fenced) {
            fenced = true;
            (codec != null ? codec.writeAndFlush(Unpooled.EMPTY_BUFFER) : channel.writeAndFlush(Unpooled.EMPTY_BUFFER)).addListener(f -> {
                fenced = false;
                Runnable r = onWritable;
                if (r != null && f.isSuccess()) {
                    r.run();
                }
            });
            written = false;
        }
        return false;
    }

    @Override
    public void write(Frame frame) {
        if (codec != null) {
            codec.write(frame.chunk().duplicate(), channel.voidPromise());
        } else {
            channel.write(frame.bytes().duplicate(), channel.voidPromise());
        }
        written = true;
    }

    @Override
    public void flush() {
        if (written) {
            written = false;
            if (codec != null) {
                codec.flush();
            } else {
                channel.flush();
            }
        }
    }

    @Override
    public void complete() {
        if (channel.eventLoop().inEventLoop()) {
            end.success();
        } else {
            execute(end::success);
        }
    }

    @Override
    public void closeLater(long millis) {
        if (millis >= 0) {
            channel.eventLoop().schedule(() -> {
                if (channel.isActive()) {
                    channel.close();
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }


    @Override
    public void execute(Runnable drain) {
        try {
            channel.eventLoop().execute(drain);
        } catch (RuntimeException rejected) {
            drain.run(); // The event loop is shutting down.
        }
    }
}
