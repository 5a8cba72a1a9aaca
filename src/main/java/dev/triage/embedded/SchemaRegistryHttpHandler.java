package dev.triage.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.triage.embedded.RegistryRecord.SchemaVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps Confluent Schema Registry REST requests onto a {@link SchemaRegistryService} and its results and
 * {@link RegistryException}s onto JSON responses ({@code {"error_code":N,"message":".."}} for errors).
 */
final class SchemaRegistryHttpHandler implements HttpHandler {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryService service;

    SchemaRegistryHttpHandler(SchemaRegistryService service) {
        this.service = service;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        int status = 200;
        byte[] body;
        try {
            Request request = Request.of(exchange);
            body = dispatch(request);
        } catch (RegistryException e) {
            status = e.httpStatus();
            body = error(e.errorCode(), e.getMessage());
        } catch (JsonProcessingException e) {
            status = 400;
            body = error(400, "Unrecognized JSON in request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            status = 400;
            body = error(400, "Could not read the request: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Schema registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            status = 500;
            body = error(50001, "Internal server error: " + e);
        }
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private byte[] dispatch(Request r) throws IOException {
        List<String> p = r.path;
        if (p.isEmpty()) {
            r.allow("GET");
            return json(JSON.createObjectNode());
        }
        switch (p.get(0)) {
            case "subjects":
                return subjects(r);
            case "schemas":
                return schemas(r);
            case "compatibility":
                return compatibility(r);
            case "config":
                return config(r);
            default:
                throw notFound();
        }
    }

    private byte[] subjects(Request r) throws IOException {
        List<String> p = r.path;
        if (p.size() == 1) {
            r.allow("GET");
            return json(service.subjects());
        }
        String subject = p.get(1);
        if (p.size() == 2) {
            r.allow("POST", "DELETE");
            if (r.method.equals("DELETE")) {
                return json(service.deleteSubject(subject));
            }
            JsonNode body = r.jsonBody();
            return json(versionNode(service.lookup(subject, text(body, "schema"), schemaType(body))));
        }
        if (!p.get(2).equals("versions")) {
            throw notFound();
        }
        if (p.size() == 3) {
            r.allow("GET", "POST");
            if (r.method.equals("GET")) {
                return json(service.versions(subject));
            }
            JsonNode body = r.jsonBody();
            int id = service.register(subject, text(body, "schema"), schemaType(body));
            return json(JSON.createObjectNode().put("id", id));
        }
        if (p.size() == 4) {
            r.allow("GET");
            return json(versionNode(service.version(subject, p.get(3))));
        }
        if (p.size() == 5 && p.get(4).equals("schema")) {
            r.allow("GET");
            return service.version(subject, p.get(3)).schema().getBytes(StandardCharsets.UTF_8);
        }
        throw notFound();
    }

    private byte[] schemas(Request r) throws IOException {
        List<String> p = r.path;
        if (p.size() == 2 && p.get(1).equals("types")) {
            r.allow("GET");
            return json(List.of(SchemaRegistryService.AVRO));
        }
        if (p.size() < 3 || p.size() > 4 || !p.get(1).equals("ids")) {
            throw notFound();
        }
        int id = schemaId(p.get(2));
        if (p.size() == 3) {
            r.allow("GET");
            return json(JSON.createObjectNode().put("schema", service.schemaById(id)));
        }
        if (!p.get(3).equals("versions")) {
            throw notFound();
        }
        r.allow("GET");
        ArrayNode uses = JSON.createArrayNode();
        for (SchemaVersion version : service.versionsUsingId(id)) {
            uses.addObject().put("subject", version.subject()).put("version", version.version());
        }
        return json(uses);
    }

    private byte[] compatibility(Request r) throws IOException {
        List<String> p = r.path;
        if (p.size() < 4 || p.size() > 5 || !p.get(1).equals("subjects") || !p.get(3).equals("versions")) {
            throw notFound();
        }
        r.allow("POST");
        String versionSpec = p.size() == 5 ? p.get(4) : null;
        JsonNode body = r.jsonBody();
        List<String> problems = service.checkCompatibility(p.get(2), versionSpec, text(body, "schema"),
                schemaType(body));
        ObjectNode result = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (Boolean.parseBoolean(r.query.get("verbose"))) {
            ArrayNode messages = result.putArray("messages");
            problems.forEach(messages::add);
        }
        return json(result);
    }

    private byte[] config(Request r) throws IOException {
        List<String> p = r.path;
        if (p.size() > 2) {
            throw notFound();
        }
        String subject = p.size() == 2 ? p.get(1) : null;
        if (subject == null) {
            r.allow("GET", "PUT");
        } else {
            r.allow("GET", "PUT", "DELETE");
        }
        switch (r.method) {
            case "GET": {
                CompatibilityLevel level;
                if (subject == null) {
                    level = service.globalLevel();
                } else if (Boolean.parseBoolean(r.query.get("defaultToGlobal"))) {
                    level = service.effectiveLevel(subject);
                } else {
                    level = service.subjectLevel(subject)
                            .orElseThrow(() -> RegistryException.subjectLevelConfigNotFound(subject));
                }
                return json(JSON.createObjectNode().put("compatibilityLevel", level.name()));
            }
            case "PUT": {
                JsonNode body = r.jsonBody();
                String name = body.hasNonNull("compatibility") ? body.get("compatibility").asText()
                        : body.path("compatibilityLevel").isTextual() ? body.get("compatibilityLevel").asText() : null;
                CompatibilityLevel level = CompatibilityLevel.parse(name);
                if (subject == null) {
                    service.setGlobalLevel(level);
                } else {
                    service.setSubjectLevel(subject, level);
                }
                return json(JSON.createObjectNode().put("compatibility", level.name()));
            }
            default: {
                CompatibilityLevel removed = service.deleteSubjectLevel(subject);
                return json(JSON.createObjectNode().put("compatibilityLevel", removed.name()));
            }
        }
    }

    private static ObjectNode versionNode(SchemaVersion version) {
        return JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema());
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static String schemaType(JsonNode body) {
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw RegistryException.invalidSchema("schema references are not supported");
        }
        return text(body, "schemaType");
    }

    private static int schemaId(String segment) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw notFound();
        }
    }

    private static RegistryException notFound() {
        return new RegistryException(404, 404, "HTTP 404 Not Found");
    }

    private static byte[] error(int code, String message) {
        ObjectNode node = JSON.createObjectNode().put("error_code", code).put("message", message);
        return json(node);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Method, decoded path segments, query parameters and body of one exchange. */
    private static final class Request {
        final String method;
        final List<String> path;
        final Map<String, String> query;
        final HttpExchange exchange;

        private Request(HttpExchange exchange, List<String> path, Map<String, String> query) {
            this.exchange = exchange;
            this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            this.path = path;
            this.query = query;
        }

        static Request of(HttpExchange exchange) {
            List<String> segments = new ArrayList<>();
            for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
                if (!raw.isEmpty()) {
                    segments.add(decode(raw));
                }
            }
            Map<String, String> query = new HashMap<>();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                    } else if (!pair.isEmpty()) {
                        query.put(decode(pair), "");
                    }
                }
            }
            return new Request(exchange, segments, query);
        }

        void allow(String... methods) {
            for (String allowed : methods) {
                if (allowed.equals(method)) {
                    return;
                }
            }
            throw new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
        }

        /** The body as a JSON object. */
        JsonNode jsonBody() throws IOException {
            byte[] bytes;
            try (InputStream in = exchange.getRequestBody()) {
                bytes = in.readAllBytes();
            }
            if (bytes.length == 0) {
                throw new RegistryException(400, 400, "Request body is empty");
            }
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new RegistryException(400, 400, "Request body must be a JSON object");
            }
            return node;
        }

        // '+' stays a plus in paths; URLDecoder alone would turn it into a space.
        private static String decode(String raw) {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
    }
}
