package com.spotoptimizer.api.events;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.MonoSink;

/**
 * A stream written straight into its Netty channel, after Reactor Netty has sent the response headers
 * (chunked): each frame is a {@code duplicate()} of the frame's shared, pre-encoded bytes, written with
 * the channel's void promise, one flush per drain pass. The connection takes frames while it is
 * writable (Netty's outbound high-water mark); when it is not, an empty write is flushed behind the
 * pending ones and its completion (everything before it is on the socket) runs the drain again. The
 * response ends when {@code end} succeeds: Reactor Netty then writes the last chunk.
 *
 * <p>Every method but {@link #complete()}, {@link #closeLater} and {@link #execute} runs on the
 * channel's event loop (the subscriber's drain runs there).
 */
final class ChannelOutput implements StreamOutput {

    private final Channel channel;
    private final MonoSink<Void> end;
    private Runnable onWritable;
    private boolean fenced;
    private boolean written;

    ChannelOutput(Channel channel, MonoSink<Void> end) {
        this.channel = channel;
        this.end = end;
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
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
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
        channel.write(frame.bytes().duplicate(), channel.voidPromise());
        written = true;
    }

    @Override
    public void flush() {
        if (written) {
            written = false;
            channel.flush();
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
