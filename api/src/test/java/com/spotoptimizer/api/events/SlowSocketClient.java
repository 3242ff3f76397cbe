package com.spotoptimizer.api.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SSE client that stops reading: a raw socket with a tiny receive buffer that reads the response
 * head and then nothing, so the server's writes back up. It can resume reading later to see what the
 * server sent before it gave up on it.
 */
final class SlowSocketClient implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("(?m)^id:(\\d+)$");

    private final Socket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    SlowSocketClient(int port, String path, String token) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        // Read just the head (and the opening comment), then stop.
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[256];
        while (!new String(received.toByteArray(), StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("closed before the response head");
            }
            received.write(buffer, 0, n);
        }
    }

    String head() {
        String text = new String(received.toByteArray(), StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n"));
    }

    /** Reads everything the server still sends until it ends the response (or goes quiet). */
    void readToEnd(long quietMillis) throws IOException {
        socket.setSoTimeout((int) quietMillis);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                received.write(buffer, 0, n);
                if (new String(buffer, 0, n, StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n")) {
                    return; // The last chunk: the stream completed.
                }
            }
        } catch (SocketTimeoutException e) {
            // Quiet: whatever was sent has arrived.
        }
    }

    /** Reads until the server closes the connection; true if it did within {@code millis}. */
    boolean closedByServerWithin(long millis) throws IOException {
        socket.setSoTimeout((int) millis);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            while (System.nanoTime() < deadline) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true; // Connection reset: closed with data still unread.
        }
    }

    boolean ended() {
        return new String(received.toByteArray(), StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n");
    }

    /** The body so far, de-chunked (HTTP/1.1 chunked transfer coding). */
    String body() {
        byte[] all = received.toByteArray();
        String raw = new String(all, StandardCharsets.ISO_8859_1);
        int pos = raw.indexOf("\r\n\r\n") + 4;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (pos < all.length) {
            int eol = raw.indexOf("\r\n", pos);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(raw.substring(pos, eol).trim(), 16);
            if (size == 0 || eol + 2 + size > all.length) {
                break;
            }
            body.write(all, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** The highest event id among the complete frames received. */
    long lastId() {
        String text = body();
        int end = text.lastIndexOf("\n\n");
        Matcher m = ID.matcher(end < 0 ? "" : text.substring(0, end));
        long last = -1;
        while (m.find()) {
            last = Math.max(last, Long.parseLong(m.group(1)));
        }
        return last;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
