package com.spotoptimizer.ec2sim;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON for the admin endpoint: a writer for maps, lists and scalars, and a reader for one
 * flat object. It keeps the simulator free of a JSON library that would clash with its host's.
 */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                out.append(first ? "" : ",");
                first = false;
                write(item, out);
            }
            out.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Instant instant) {
            string(instant.toString(), out);
        } else {
            string(value.toString(), out);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Reads {@code {"key": scalar, …}}; scalars come back as their JSON text (strings unquoted), null as null. */
    static Map<String, String> readFlatObject(String text) {
        Reader reader = new Reader(text);
        Map<String, String> out = new LinkedHashMap<>();
        reader.expect('{');
        if (reader.peek() == '}') {
            reader.pos++;
        } else {
            do {
                String key = reader.string();
                reader.expect(':');
                out.put(key, reader.scalar());
            } while (reader.comma());
            reader.expect('}');
        }
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw new IllegalArgumentException("trailing characters after JSON object");
        }
        return out;
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        char peek() {
            skipSpace();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end of JSON");
            }
            return s.charAt(pos);
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + pos);
            }
            pos++;
        }

        boolean comma() {
            if (peek() == ',') {
                pos++;
                return true;
            }
            return false;
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (pos < s.length() && s.charAt(pos) != '"') {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            expect('"');
            return out.toString();
        }

        String scalar() {
            if (peek() == '"') {
                return string();
            }
            int start = pos;
            while (pos < s.length() && ",} \t\r\n".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            String token = s.substring(start, pos);
            if (token.isEmpty() || token.startsWith("{") || token.startsWith("[")) {
                throw new IllegalArgumentException("only flat objects with scalar values are accepted");
            }
            return token.equals("null") ? null : token;
        }
    }
}
