package dev.triage.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over Confluent's REST API ({@code application/vnd.schemaregistry.v1+json}),
 * with {@link HttpClient} and Jackson.
 *
 * <p>Caches: id to schema for ever (ids are immutable), (subject, schema) to id once registered or looked
 * up, and a subject's latest version for {@link #getLatestVersion(String, Duration)}. Listing, version and
 * compatibility calls always go to the registry.
 *
 * <p>Failover and retries: each request tries the URLs in turn, starting with the last one that answered.
 * A connect error, timeout or 5xx moves on to the next URL; when a whole round fails it waits
 * ({@code retryBackoff}, doubling each round, at most 10 s) and tries again, {@code retries} more rounds.
 * A 4xx is the request's fault and is thrown at once as a {@link SchemaRegistryException}.
 *
 * <p>Bounded time: a call gives up at {@link RegistryConfig#maxBlock()} ({@code requestTimeout x (retries + 1)}
 * plus the back-offs) however many URLs there are, the last attempt's timeout shortened to fit. A call that
 * fails after every URL and retry starts a pause of the same length during which every call fails at once
 * without asking the registry (the first answer of any kind ends it), so a stream thread reading a backlog
 * during an outage waits once per pause, not once per record, and can commit its transaction in time.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json,"
            + " application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The least time left in a call's budget worth an attempt. */
    private static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One registry URL: where to send requests and the Authorization header to send there, if any. */
    private record Endpoint(String url, String authorization) {}

    private record SubjectSchema(String subject, Schema schema) {}

    private record Latest(RegisteredSchema schema, long fetchedNanos) {}

    /** A call that failed after every URL and retry, and until when later calls fail at once because of it. */
    private record Outage(long untilNanos, SchemaRegistryException failure) {}

    private final RegistryConfig config;
    private final List<Endpoint> endpoints;
    private final String displayUrls;
    private final HttpClient http;
    private final long requestTimeoutNanos;
    private final long maxBlockNanos;
    private final AtomicInteger preferred = new AtomicInteger();
    private volatile Outage outage;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<String, Latest> latestBySubject = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(RegistryConfig config) {
        if (config.isMock()) {
            throw new ConfigException(RegistryConfig.URL, config.urls().get(0),
                    "mock:// URLs are served by MockSchemaRegistryClient (use SchemaRegistryClients.create)");
        }
        this.config = config;
        this.endpoints = config.urls().stream().map(u -> endpoint(u, config)).toList();
        this.displayUrls = endpoints.stream().map(Endpoint::url).collect(Collectors.joining(","));
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.maxBlockNanos = config.maxBlock().toNanos();
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.tls() != null) {
            http.sslContext(config.tls().sslContext());
        }
        this.http = http.build();
    }

    public RegistryConfig config() {
        return config;
    }

    @Override
    public String url() {
        return displayUrls;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = schemaBody(schema);
        body.put("schemaType", "AVRO");
        JsonNode answer = send("POST", "/subjects/" + segment(subject) + "/versions", body, subject, null);
        int id = intField(answer, "id", subject, null);
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + segment(subject), schemaBody(schema), subject, null);
        RegisteredSchema found = registered(answer, subject);
        idsBySubjectSchema.put(new SubjectSchema(subject, schema), found.id());
        schemasById.putIfAbsent(found.id(), found.schema());
        return found;
    }

    @Override
    public int getId(String subject, Schema schema) {
        Integer cached = idsBySubjectSchema.get(new SubjectSchema(subject, schema));
        return cached != null ? cached : lookup(subject, schema).id();
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        String about = "schema id " + id;
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, null, about);
        Schema schema = parseSchema(answer, null, about);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public List<String> getAllSubjects() {
        JsonNode answer = send("GET", "/subjects", null, null, "subject list");
        List<String> subjects = new ArrayList<>();
        answer.forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    @Override
    public List<Integer> getAllVersions(String subject) {
        JsonNode answer = send("GET", "/subjects/" + segment(subject) + "/versions", null, subject, null);
        List<Integer> versions = new ArrayList<>();
        answer.forEach(n -> versions.add(n.asInt()));
        return versions;
    }

    @Override
    public RegisteredSchema getVersion(String subject, int version) {
        return version(subject, Integer.toString(version));
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject) {
        return version(subject, "latest");
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        return compatibility(subject, "latest", schema);
    }

    @Override
    public boolean testCompatibility(String subject, int version, Schema schema) {
        return compatibility(subject, Integer.toString(version), schema);
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject, Duration maxAge) {
        Latest cached = latestBySubject.get(subject);
        if (cached != null && (maxAge == null || System.nanoTime() - cached.fetchedNanos() < maxAge.toNanos())) {
            return cached.schema();
        }
        try {
            RegisteredSchema fetched = getLatestVersion(subject);
            latestBySubject.put(subject, new Latest(fetched, System.nanoTime()));
            return fetched;
        } catch (SchemaRegistryException e) {
            if (cached != null && e.isUnavailable()) {
                log.debug("using the cached latest version of {} (id {}): {}", subject, cached.schema().id(),
                        e.getMessage());
                return cached.schema();
            }
            throw e;
        }
    }

    private RegisteredSchema version(String subject, String version) {
        JsonNode answer = send("GET", "/subjects/" + segment(subject) + "/versions/" + version, null, subject,
                "version " + version);
        RegisteredSchema found = registered(answer, subject);
        schemasById.putIfAbsent(found.id(), found.schema());
        return found;
    }

    private boolean compatibility(String subject, String version, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + segment(subject) + "/versions/" + version,
                schemaBody(schema), subject, "compatibility with version " + version);
        JsonNode flag = answer.get("is_compatible");
        if (flag == null || !flag.isBoolean()) {
            throw malformed(200, "no boolean is_compatible in " + answer, subject, null);
        }
        return flag.booleanValue();
    }

    private RegisteredSchema registered(JsonNode answer, String subject) {
        String about = "version answer";
        return new RegisteredSchema(
                answer.hasNonNull("subject") ? answer.get("subject").asText() : subject,
                intField(answer, "version", subject, about),
                intField(answer, "id", subject, about),
                parseSchema(answer, subject, about));
    }

    private Schema parseSchema(JsonNode answer, String subject, String about) {
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw malformed(200, "registry holds a " + type.asText() + " schema; only AVRO is supported",
                    subject, about);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw malformed(200, "no schema string in " + answer, subject, about);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(200, SchemaRegistryException.NO_ERROR_CODE,
                    "registry returned a schema Avro cannot parse: " + e.getMessage(), displayUrls, subject,
                    about, e);
        }
    }

    private int intField(JsonNode answer, String field, String subject, String about) {
        JsonNode n = answer.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw malformed(200, "no integer '" + field + "' in " + answer, subject, about);
        }
        return n.intValue();
    }

    private SchemaRegistryException malformed(int status, String message, String subject, String about) {
        return new SchemaRegistryException(status, SchemaRegistryException.NO_ERROR_CODE, message, displayUrls,
                subject, about, null);
    }

    private static ObjectNode schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body;
    }

    /** Sends one request with failover and retries, within {@link RegistryConfig#maxBlock()}; the parsed 2xx body. */
    private JsonNode send(String method, String path, JsonNode body, String subject, String about) {
        String payload;
        try {
            payload = body == null ? null : JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        long start = System.nanoTime();
        Outage known = outage;
        if (known != null && start - known.untilNanos() < 0) {
            throw paused(known, start, subject, about);
        }
        long deadline = start + maxBlockNanos;
        int n = endpoints.size();
        int attempts = 0;
        SchemaRegistryException lastFailure = null;
        rounds:
        for (int round = 0; round <= config.retries(); round++) {
            if (round > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    Thread.sleep(Math.min(config.backoff(round).toMillis(), Math.max(1, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw unavailable(attempts, start, "interrupted while waiting to retry after: "
                            + lastFailure.registryMessage(), subject, about, e);
                }
            }
            int first = preferred.get();
            for (int i = 0; i < n; i++) {
                long left = deadline - System.nanoTime();
                if (left < MIN_ATTEMPT_NANOS) {
                    break rounds; // e.g. the part of a millisecond the back-off's sleep leaves: no time to answer
                }
                int index = (first + i) % n;
                Endpoint endpoint = endpoints.get(index);
                Duration timeout = Duration.ofNanos(Math.min(requestTimeoutNanos, left));
                attempts++;
                CompletableFuture<HttpResponse<String>> pending = http.sendAsync(
                        request(endpoint, method, path, payload, timeout),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                try {
                    // the request's own timeout covers connecting and the headers; this bounds the body as well
                    HttpResponse<String> response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    int status = response.statusCode();
                    if (status < 500) {
                        preferred.set(index);
                        if (outage != null) {
                            outage = null;
                        }
                        if (status >= 200 && status < 300) {
                            return parseBody(response.body(), status, subject, about, endpoint);
                        }
                        throw error(status, response.body(), endpoint.url(), subject, about);
                    }
                    lastFailure = error(status, response.body(), endpoint.url(), subject, about);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof IOException io)) {
                        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                    String what = io instanceof java.net.http.HttpTimeoutException
                            ? "no answer within " + timeout.toMillis() + " ms (" + describe(io) + ")" : describe(io);
                    lastFailure = new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE,
                            SchemaRegistryException.NO_ERROR_CODE, what, endpoint.url(), subject, about, io);
                } catch (TimeoutException e) {
                    pending.cancel(true);
                    lastFailure = new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE,
                            SchemaRegistryException.NO_ERROR_CODE, "no answer within " + timeout.toMillis()
                                    + " ms (timeout)", endpoint.url(), subject, about, e);
                } catch (InterruptedException e) {
                    pending.cancel(true);
                    Thread.currentThread().interrupt();
                    throw unavailable(attempts, start, "interrupted", subject, about, e);
                }
                log.debug("{} {}{} failed: {}", method, endpoint.url(), path, lastFailure.getMessage());
            }
        }
        SchemaRegistryException failure = unavailable(attempts, start, lastFailure.registryUrl() + " "
                + statusText(lastFailure) + lastFailure.registryMessage(), subject, about, lastFailure);
        outage = new Outage(System.nanoTime() + maxBlockNanos, failure);
        log.warn("schema registry {} unavailable; calls fail at once for the next {} ms: {}", displayUrls,
                maxBlockNanos / 1_000_000, failure.getMessage());
        throw failure;
    }

    /** The failure of a call made while a recent call's failure still stands: the registry is not asked. */
    private SchemaRegistryException paused(Outage known, long now, String subject, String about) {
        SchemaRegistryException last = known.failure();
        long leftMs = Math.max(0, (known.untilNanos() - now) / 1_000_000);
        return new SchemaRegistryException(last.status(), last.errorCode(),
                "unavailable (not asked: a call failed after every URL and retry, and calls fail at once for "
                        + leftMs + " ms more); that call: " + last.registryMessage(),
                displayUrls, subject, about, last);
    }

    private SchemaRegistryException unavailable(int attempts, long startNanos, String lastError, String subject,
            String about, Throwable cause) {
        // keep the last 5xx status and code, if that is how it failed, so the exception still reads as unavailable
        int status = cause instanceof SchemaRegistryException e ? e.status() : SchemaRegistryException.NO_RESPONSE;
        int code = cause instanceof SchemaRegistryException e ? e.errorCode() : SchemaRegistryException.NO_ERROR_CODE;
        return new SchemaRegistryException(status, code,
                "unavailable after " + attempts + " attempt(s) in " + (System.nanoTime() - startNanos) / 1_000_000
                        + " ms; last error: " + lastError, displayUrls, subject, about, cause);
    }

    private static String statusText(SchemaRegistryException e) {
        return e.status() == SchemaRegistryException.NO_RESPONSE ? "" : "HTTP " + e.status() + ": ";
    }

    /** The I/O failure's type and the first message in its cause chain (HttpClient often leaves them empty). */
    private static String describe(IOException e) {
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause()) {
            message = t.getMessage();
        }
        String what = e instanceof java.net.ConnectException ? "cannot connect (ConnectException)"
                : e.getClass().getSimpleName();
        return message == null ? what : what + ": " + message;
    }

    private HttpRequest request(Endpoint endpoint, String method, String path, String payload, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint.url() + path))
                .timeout(timeout)
                .header("Accept", ACCEPT);
        if (endpoint.authorization() != null) {
            b.header("Authorization", endpoint.authorization());
        }
        if (payload == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private JsonNode parseBody(String body, int status, String subject, String about, Endpoint endpoint) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(status, SchemaRegistryException.NO_ERROR_CODE,
                    "answer is not JSON: " + abbreviate(body), endpoint.url(), subject, about, e);
        }
    }

    /** Parses Confluent's {@code {"error_code": 40401, "message": "..."}}, or keeps the raw body. */
    private static SchemaRegistryException error(int status, String body, String url, String subject,
            String about) {
        int code = SchemaRegistryException.NO_ERROR_CODE;
        String message = abbreviate(body);
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                if (node.path("error_code").canConvertToInt()) {
                    code = node.get("error_code").intValue();
                }
                if (node.hasNonNull("message")) {
                    message = node.get("message").asText();
                }
            }
        } catch (JsonProcessingException ignored) {
            // not Confluent's JSON error body (a proxy's HTML page, say): keep the raw text
        }
        if (message.isEmpty()) {
            message = "(empty body)";
        }
        return new SchemaRegistryException(status, code, message, url, subject, about, null);
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "...";
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Endpoint endpoint(String url, RegistryConfig config) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(RegistryConfig.URL, RegistryConfig.withoutUserInfo(url), e.getMessage());
        }
        if (uri.getHost() == null) {
            throw new ConfigException(RegistryConfig.URL, RegistryConfig.withoutUserInfo(url), "no host");
        }
        String display = RegistryConfig.withoutUserInfo(url);
        String userInfo = switch (config.credentialsSource()) {
            case USER_INFO -> config.userInfo();
            case URL -> uri.getUserInfo();
        };
        String authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        return new Endpoint(display, authorization);
    }
}
