package com.spotoptimizer.api.events;


/**
 * Where one stream's frames go: a connection written directly ({@link ChannelOutput}, the HTTP
 * endpoint) or a Reactor sink ({@link SinkOutput}, {@link EventHub#stream(String, Long)} for tests and
 * tools). A {@link Subscriber} drains its queue into it, on {@link #execute} (the connection's event
 * loop), only while {@link #ready()}.
 */
interface StreamOutput {

    /** Whether the connection takes another frame now; if not, the subscriber's drain runs again once it does. */
    boolean ready();

    void write(Frame frame);

    /** The end of a drain pass: send what was written. */
    void flush();

    /** The stream ended (drained to its end, cut off, failed): end the response. */
    void complete();

    /** A connection that has not taken the end of its stream this much later is closed (negative: never). */
    void closeLater(long millis);

    /** Runs a drain on the connection's own thread. */
    void execute(Runnable drain);

}
