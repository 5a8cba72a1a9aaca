package dev.triage.serde;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted HTTP server on 127.0.0.1 standing in for a schema registry; records every request (when it arrives,
 * before answering). Each request is handled on its own thread, so one that {@link #hang hangs} holds up no other.
 */
public final class FakeRegistryServer implements AutoCloseable {

    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    public record Response(int status, String body) {
        public static Response ok(String body) {
            return new Response(200, body);
        }

        public static Response error(int status, int errorCode, String message) {
            return new Response(status, "{\"error_code\": " + errorCode + ", \"message\": \"" + message + "\"}");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> handler = r -> Response.error(404, 40401, "no route");

    public FakeRegistryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** What the server answers from now on. */
    public void answer(Function<Request, Response> newHandler) {
        this.handler = newHandler;
    }

    /** From now on every request is taken and never answered (until {@link #close}): a registry that hangs. */
    public void hang() {
        answer(r -> {
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.error(503, 50003, "hung");
        });
    }

    /**
     * From now on a minimal registry: {@code POST /subjects/<s>/versions} registers (one id per distinct schema
     * text), {@code GET /schemas/ids/<id>} answers with it; anything else is 404.
     */
    public void registerAndServe() {
        Map<String, Integer> ids = new ConcurrentHashMap<>();
        Map<Integer, String> bodies = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger(1);
        answer(r -> {
            if (r.method().equals("POST") && r.path().matches("/subjects/[^/]+/versions")) {
                int id = ids.computeIfAbsent(schemaText(r.body()), s -> next.getAndIncrement());
                bodies.putIfAbsent(id, r.body());
                return Response.ok("{\"id\": " + id + "}");
            }
            if (r.method().equals("GET") && r.path().startsWith("/schemas/ids/")) {
                String body = bodies.get(Integer.parseInt(r.path().substring("/schemas/ids/".length())));
                return body != null ? Response.ok(body) : Response.error(404, 40403, "Schema not found");
            }
            return Response.error(404, 40401, "no route");
        });
    }

    private static String schemaText(String body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("schema").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                Map.copyOf(exchange.getRequestHeaders()), body);
        requests.add(request);
        Response response = handler.apply(request);
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** A loopback URL with nothing listening (the port was free a moment ago). */
    public static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
