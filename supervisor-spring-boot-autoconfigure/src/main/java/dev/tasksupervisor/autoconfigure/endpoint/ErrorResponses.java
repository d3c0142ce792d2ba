package dev.tasksupervisor.autoconfigure.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;

/**
 * Writes the endpoint's error bodies where no endpoint operation runs (a refused write, a refused request),
 * in the fields of its other errors and of Spring Boot's: {@code {"status":..,"error":..,"message":..}}.
 */
final class ErrorResponses {

    /** The most characters of a caller's value an error message repeats: enough to recognise it. */
    static final int ECHOED_CHARS = 100;

    private ErrorResponses() {
    }

    static void write(HttpServletResponse response, int status, String phrase, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"status\":" + status + ",\"error\":\"" + phrase + "\",\"message\":\""
                + json(message) + "\"}");
    }

    /** A caller's value as a message shows it: cut to {@value #ECHOED_CHARS} characters, control characters escaped. */
    static String echo(String value) {
        String cut = value.length() <= ECHOED_CHARS ? value : value.substring(0, ECHOED_CHARS) + "...";
        StringBuilder shown = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                shown.append(String.format("\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        return shown.toString();
    }

    private static String json(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
