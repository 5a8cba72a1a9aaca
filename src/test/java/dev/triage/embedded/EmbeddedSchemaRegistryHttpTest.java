package dev.triage.embedded;

import static dev.triage.embedded.Schemas.OTHER;
import static dev.triage.embedded.Schemas.USER_V1;
import static dev.triage.embedded.Schemas.USER_V2_OPTIONAL_FIELD;
import static dev.triage.embedded.Schemas.USER_V2_REQUIRED_FIELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry's REST API over real HTTP, on the in-memory store. */
class EmbeddedSchemaRegistryHttpTest {

    private EmbeddedSchemaRegistry registry;
    private RegistryHttp http;

    @BeforeEach
    void start() {
        registry = new EmbeddedSchemaRegistry(SchemaRegistryConfig.inMemory()).start();
        http = new RegistryHttp(registry.url());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void registerReturnsIdAndIsIdempotent() {
        RegistryHttp.Response first = http.postSchema("/subjects/users-value/versions", USER_V1);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.contentType()).isEqualTo(RegistryHttp.CONTENT_TYPE);
        int id = first.json().get("id").asInt();
        assertThat(first.json().size()).isEqualTo(1);

        assertThat(http.postSchema("/subjects/users-value/versions", USER_V1).json().get("id").asInt()).isEqualTo(id);
        assertThat(http.postSchema("/subjects/copy-value/versions", USER_V1).json().get("id").asInt()).isEqualTo(id);
        assertThat(http.postSchema("/subjects/other-value/versions", OTHER).json().get("id").asInt()).isEqualTo(id + 1);
        assertThat(http.get("/subjects/users-value/versions").json()).hasSize(1);
    }

    @Test
    void acceptsPlainJsonContentTypeAndSchemaTypeAvro() {
        String body = "{\"schema\":" + quoted(USER_V1) + ",\"schemaType\":\"AVRO\"}";
        RegistryHttp.Response response = http.send("POST", "/subjects/s/versions", body, "application/json");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("id").asInt()).isPositive();
    }

    @Test
    void listsSubjectsAndVersionsAndFetchesVersions() {
        int v1 = register("b-value", USER_V1);
        int v2 = register("b-value", USER_V2_OPTIONAL_FIELD);
        register("a-value", OTHER);

        assertThat(texts(http.get("/subjects").json())).containsExactly("a-value", "b-value");
        assertThat(http.get("/subjects/b-value/versions").json().toString()).isEqualTo("[1,2]");

        JsonNode first = http.get("/subjects/b-value/versions/1").json();
        assertThat(first.get("subject").asText()).isEqualTo("b-value");
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(first.get("id").asInt()).isEqualTo(v1);
        assertThat(first.get("schema").asText()).isEqualTo(canonical(USER_V1));

        for (String latest : List.of("latest", "-1")) {
            JsonNode node = http.get("/subjects/b-value/versions/" + latest).json();
            assertThat(node.get("version").asInt()).isEqualTo(2);
            assertThat(node.get("id").asInt()).isEqualTo(v2);
        }
        RegistryHttp.Response raw = http.get("/subjects/b-value/versions/1/schema");
        assertThat(new Schema.Parser().parse(raw.text())).isEqualTo(new Schema.Parser().parse(USER_V1));
    }

    @Test
    void looksUpSchemaUnderSubject() {
        int id = register("s", USER_V1);
        register("s", USER_V2_OPTIONAL_FIELD);

        JsonNode found = http.postSchema("/subjects/s", USER_V1).json();
        assertThat(found.get("subject").asText()).isEqualTo("s");
        assertThat(found.get("version").asInt()).isEqualTo(1);
        assertThat(found.get("id").asInt()).isEqualTo(id);
        assertThat(found.get("schema").asText()).isEqualTo(canonical(USER_V1));

        assertError(http.postSchema("/subjects/s", OTHER), 404, 40403, "Schema not found");
        assertError(http.postSchema("/subjects/nope", USER_V1), 404, 40401, "Subject 'nope' not found.");
    }

    @Test
    void fetchesSchemaByIdAndItsSubjectVersions() {
        int id = register("s1", USER_V1);
        register("s2", USER_V1);

        RegistryHttp.Response byId = http.get("/schemas/ids/" + id);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().get("schema").asText()).isEqualTo(canonical(USER_V1));

        JsonNode uses = http.get("/schemas/ids/" + id + "/versions").json();
        assertThat(uses.toString()).isEqualTo("[{\"subject\":\"s1\",\"version\":1},{\"subject\":\"s2\",\"version\":1}]");

        assertError(http.get("/schemas/ids/999"), 404, 40403, "Schema 999 not found");
        assertError(http.get("/schemas/ids/999/versions"), 404, 40403, "Schema 999 not found");
        assertThat(texts(http.get("/schemas/types").json())).containsExactly("AVRO");
    }

    @Test
    void subjectAndVersionErrors() {
        register("s", USER_V1);
        assertError(http.get("/subjects/missing/versions"), 404, 40401, "Subject 'missing' not found.");
        assertError(http.get("/subjects/missing/versions/1"), 404, 40401, "Subject 'missing' not found.");
        assertError(http.get("/subjects/missing/versions/latest"), 404, 40401, "Subject 'missing' not found.");
        assertError(http.get("/subjects/s/versions/9"), 404, 40402, "Version 9 not found.");
        assertError(http.get("/subjects/s/versions/abc"), 422, 42202, "'abc' is not a valid version id");
    }

    @Test
    void backwardCompatibilityRejectsWith409AndAcceptsOptionalFieldWithDefault() {
        register("s", USER_V1);
        RegistryHttp.Response rejected = http.postSchema("/subjects/s/versions", USER_V2_REQUIRED_FIELD);
        assertError(rejected, 409, 409, "Schema being registered is incompatible with an earlier schema for subject \"s\"");
        assertThat(rejected.json().get("message").asText()).contains("age");

        RegistryHttp.Response accepted = http.postSchema("/subjects/s/versions", USER_V2_OPTIONAL_FIELD);
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[1,2]");
    }

    @Test
    void compatibilityEndpoint() {
        register("s", USER_V1);
        JsonNode ok = http.postSchema("/compatibility/subjects/s/versions/latest", USER_V2_OPTIONAL_FIELD).json();
        assertThat(ok.toString()).isEqualTo("{\"is_compatible\":true}");

        JsonNode bad = http.postSchema("/compatibility/subjects/s/versions/1", USER_V2_REQUIRED_FIELD).json();
        assertThat(bad.toString()).isEqualTo("{\"is_compatible\":false}");

        JsonNode verbose = http.postSchema("/compatibility/subjects/s/versions/1?verbose=true", USER_V2_REQUIRED_FIELD)
                .json();
        assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");

        assertThat(http.postSchema("/compatibility/subjects/s/versions", USER_V2_OPTIONAL_FIELD).json()
                .get("is_compatible").asBoolean()).isTrue();
        assertError(http.postSchema("/compatibility/subjects/nope/versions/latest", USER_V1), 404, 40401,
                "Subject 'nope' not found.");
        assertError(http.postSchema("/compatibility/subjects/s/versions/5", USER_V1), 404, 40402, "Version 5 not found.");
    }

    @Test
    void globalConfig() {
        assertThat(http.get("/config").json().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        RegistryHttp.Response put = http.put("/config", "{\"compatibility\":\"FULL\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().toString()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("FULL");

        assertError(http.put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203, "Invalid compatibility level");
        assertError(http.put("/config", "{}"), 422, 42203, "Invalid compatibility level");
    }

    @Test
    void subjectConfigOverridesGlobalAndCanBeDeleted() {
        register("s", USER_V1);
        assertError(http.get("/config/s"), 404, 40408, "does not have subject-level compatibility configured");
        assertThat(http.get("/config/s?defaultToGlobal=true").json().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");

        assertThat(http.put("/config/s", "{\"compatibility\":\"NONE\"}").json().toString())
                .isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(http.get("/config/s").json().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(http.postSchema("/subjects/s/versions", OTHER).status()).isEqualTo(200);

        assertThat(http.delete("/config/s").json().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertError(http.postSchema("/subjects/s/versions", USER_V2_REQUIRED_FIELD), 409, 409, "incompatible");
        assertError(http.delete("/config/s"), 404, 40401, "Subject 's' not found.");
    }

    @Test
    void deletesSubject() {
        int id = register("s", USER_V1);
        register("s", USER_V2_OPTIONAL_FIELD);
        RegistryHttp.Response deleted = http.delete("/subjects/s");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().toString()).isEqualTo("[1,2]");
        assertError(http.get("/subjects/s/versions"), 404, 40401, "Subject 's' not found.");
        assertThat(http.get("/subjects").json()).isEmpty();
        assertThat(http.get("/schemas/ids/" + id).status()).isEqualTo(200);
        assertError(http.delete("/subjects/s"), 404, 40401, "Subject 's' not found.");
    }

    @Test
    void invalidSchemasAre42201() {
        assertError(http.postSchema("/subjects/s/versions", "{\"type\":\"record\",\"name\":\"X\"}"), 422, 42201,
                "Invalid schema");
        assertError(http.postSchema("/subjects/s/versions", "not json"), 422, 42201, "Invalid schema");
        assertError(http.post("/subjects/s/versions", "{}"), 422, 42201, "Invalid schema");
        String protobuf = "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}";
        assertError(http.post("/subjects/s/versions", protobuf), 422, 42201, "only AVRO");
        String withReferences = "{\"schema\":" + quoted(USER_V1)
                + ",\"references\":[{\"name\":\"x\",\"subject\":\"y\",\"version\":1}]}";
        assertError(http.post("/subjects/s/versions", withReferences), 422, 42201, "references");
    }

    @Test
    void malformedRequestsUnknownPathsAndMethods() {
        assertError(http.post("/subjects/s/versions", "{not json"), 400, 400, "Unrecognized JSON");
        assertError(http.get("/nothing/here"), 404, 404, "HTTP 404 Not Found");
        assertError(http.get("/schemas/ids/abc"), 404, 404, "HTTP 404 Not Found");
        assertError(http.put("/subjects/s/versions", "{}"), 405, 405, "HTTP 405 Method Not Allowed");
        assertThat(http.get("/").json().toString()).isEqualTo("{}");
    }

    @Test
    void subjectNamesAreUrlDecoded() {
        int id = register("topic%2Bwith%3Aodd.chars-value", USER_V1);
        assertThat(texts(http.get("/subjects").json())).containsExactly("topic+with:odd.chars-value");
        assertThat(http.get("/subjects/topic%2Bwith%3Aodd.chars-value/versions/1").json().get("id").asInt())
                .isEqualTo(id);
    }

    @Test
    void storeFailureIs50001() {
        SchemaStore failing = new SchemaStore() {
            @Override
            public List<RegistryRecord> readAll() {
                return List.of();
            }

            @Override
            public void append(RegistryRecord record) {
                throw new IllegalStateException("broker unreachable");
            }

            @Override
            public void close() {
            }
        };
        try (EmbeddedSchemaRegistry broken = new EmbeddedSchemaRegistry(SchemaRegistryConfig.inMemory(), failing).start()) {
            RegistryHttp.Response response = new RegistryHttp(broken.url()).postSchema("/subjects/s/versions", USER_V1);
            assertError(response, 500, 50001, "broker unreachable");
        }
    }

    @Test
    void bindsLoopbackOnly() throws Exception {
        assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.port());
        assertThat(registry.address().getAddress().isLoopbackAddress()).isTrue();
        Optional<InetAddress> other = NonLoopbackAddress.find();
        assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address to probe");
        assertThat(NonLoopbackAddress.accepts(other.get(), registry.port())).isFalse();
    }

    @Test
    void restartOnSameStoreKeepsIds() {
        InMemorySchemaStore store = new InMemorySchemaStore();
        int id;
        try (EmbeddedSchemaRegistry first = new EmbeddedSchemaRegistry(SchemaRegistryConfig.inMemory(), store).start()) {
            new RegistryHttp(first.url()).postSchema("/subjects/x/versions", OTHER);
            id = new RegistryHttp(first.url()).postSchema("/subjects/s/versions", USER_V1).json().get("id").asInt();
        }
        try (EmbeddedSchemaRegistry second = new EmbeddedSchemaRegistry(SchemaRegistryConfig.inMemory(), store).start()) {
            RegistryHttp again = new RegistryHttp(second.url());
            assertThat(again.get("/schemas/ids/" + id).json().get("schema").asText()).isEqualTo(canonical(USER_V1));
            assertThat(again.postSchema("/subjects/s/versions", USER_V1).json().get("id").asInt()).isEqualTo(id);
        }
    }

    private int register(String subject, String schema) {
        RegistryHttp.Response response = http.postSchema("/subjects/" + subject + "/versions", schema);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("id").asInt();
    }

    private static void assertError(RegistryHttp.Response response, int status, int errorCode, String messagePart) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo(RegistryHttp.CONTENT_TYPE);
        JsonNode body = response.json();
        assertThat(body.get("error_code").asInt()).as(response.text()).isEqualTo(errorCode);
        assertThat(body.get("message").asText()).contains(messagePart);
        assertThat(body.size()).isEqualTo(2);
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static String canonical(String schema) {
        return new Schema.Parser().parse(schema).toString();
    }

    private static String quoted(String text) {
        return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("x", text).get("x").toString();
    }
}
