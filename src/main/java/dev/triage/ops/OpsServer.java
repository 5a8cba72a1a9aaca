package dev.triage.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.triage.config.TriageConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoint: {@code /metrics} (Prometheus text), {@code /health/live} (the process answers) and
 * {@code /health/ready} (200 when Kafka Streams is RUNNING and the model is loaded, 503 with the reason otherwise).
 */
public final class OpsServer implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts the endpoint on {@code triage.http.host}:{@code triage.http.port}, or returns null when the port is 0
     * (turned off).
     */
    public static OpsServer fromConfig(TriageConfig config, Supplier<String> metrics, Supplier<Health> readiness) {
        int port = config.getInt(TriageConfig.HTTP_PORT);
        return port == 0 ? null : start(config.getString(TriageConfig.HTTP_HOST), port, metrics, readiness);
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one) and starts serving.
     *
     * @throws UncheckedIOException with a one-line cause when the address cannot be bound
     */
    public static OpsServer start(String host, int port, Supplier<String> metrics, Supplier<Health> readiness) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /metrics and /health on " + host + ":" + port + " ("
                    + e.getMessage() + "); set triage.http.port to a free port, or 0 to turn the endpoint off", e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "triage-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, metrics.get()));
        server.createContext("/health/live", exchange -> respond(exchange, 200, "application/json",
                JSON.writeValueAsString(Map.of("status", "UP"))));
        server.createContext("/health/ready", exchange -> {
            Health health = readiness.get();
            respond(exchange, health.isUp() ? 200 : 503, "application/json", JSON.writeValueAsString(health));
        });
        server.start();
        return new OpsServer(server);
    }

    /** One line for the console: where to find the metrics and the health checks. */
    public String describe() {
        return "metrics at " + url() + "/metrics · health at " + url() + "/health/live and " + url() + "/health/ready";
    }

    /** The bound address, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
