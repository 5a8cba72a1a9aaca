package dev.triage.embedded;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * HTTP basic authentication for one {@code user:password}: any other request gets 401 with {@code WWW-Authenticate}
 * and Confluent's JSON error body ({@code {"error_code":401,"message":"Unauthorized"}}).
 */
final class BasicAuthFilter extends Filter {
    private static final byte[] UNAUTHORIZED =
            "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);

    private final byte[] expected;

    BasicAuthFilter(String userInfo) {
        this.expected = ("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        if (given != null && MessageDigest.isEqual(expected, given.strip().getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(exchange);
            return;
        }
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
            exchange.getResponseHeaders().set("Content-Type", SchemaRegistryHttpHandler.CONTENT_TYPE);
            exchange.sendResponseHeaders(401, UNAUTHORIZED.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(UNAUTHORIZED);
            }
        }
    }

    @Override
    public String description() {
        return "HTTP basic authentication";
    }
}
