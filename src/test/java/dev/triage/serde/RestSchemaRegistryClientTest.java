package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.serde.FakeRegistryServer.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = SchemaBuilder.record("Thing").namespace("t")
            .fields().requiredString("name").endRecord();

    private FakeRegistryServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeRegistryServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RestSchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> configs = new HashMap<>(extra);
        configs.putIfAbsent(RegistryConfig.URL, server.url());
        configs.putIfAbsent(RegistryConfig.RETRIES, 2);
        configs.putIfAbsent(RegistryConfig.RETRY_BACKOFF_MS, 1);
        return new RestSchemaRegistryClient(RegistryConfig.fromMap(configs));
    }

    private static String versionBody(String subject, int version, int id, Schema schema) throws Exception {
        return JSON.writeValueAsString(Map.of("subject", subject, "version", version, "id", id,
                "schema", schema.toString()));
    }

    @Test
    void registerPostsTheSchemaWithConfluentContentTypeAndBasicAuthAndCachesTheId() throws Exception {
        server.answer(r -> Response.ok("{\"id\": 42}"));
        RestSchemaRegistryClient client = client(Map.of(
                RegistryConfig.CREDENTIALS_SOURCE, "USER_INFO",
                RegistryConfig.USER_INFO, "alice:s3cret"));

        assertThat(client.register("text-value", SCHEMA)).isEqualTo(42);
        assertThat(client.register("text-value", SCHEMA)).isEqualTo(42);

        assertThat(server.requests()).hasSize(1);
        FakeRegistryServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/subjects/text-value/versions");
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Accept")).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Authorization")).isEqualTo(
                "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("schemaType").asText()).isEqualTo("AVRO");
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(SCHEMA);
        // a registered schema's id is known without asking
        assertThat(client.getSchemaById(42)).isEqualTo(SCHEMA);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void credentialsCanComeFromTheUrlAndNeverAppearInMessages() {
        server.answer(r -> Response.error(404, 40401, "Subject 'x-value' not found."));
        String url = server.url().replace("http://", "http://bob:hunter2@");
        RestSchemaRegistryClient client = client(Map.of(RegistryConfig.URL, url));

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.getLatestVersion("x-value"));

        assertThat(server.requests().get(0).header("Authorization")).isEqualTo(
                "Basic " + Base64.getEncoder().encodeToString("bob:hunter2".getBytes(StandardCharsets.UTF_8)));
        assertThat(client.url()).isEqualTo(server.url());
        assertThat(e.getMessage()).doesNotContain("hunter2").contains(server.url());
        assertThat(client.config().toString()).doesNotContain("hunter2");
    }

    @Test
    void noAuthorizationHeaderWithoutCredentials() {
        server.answer(r -> Response.ok("[]"));
        client(Map.of()).getAllSubjects();
        assertThat(server.requests().get(0).header("Authorization")).isNull();
    }

    @Test
    void schemaByIdIsFetchedOnceAndCachedForever() throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", SCHEMA.toString()));
        server.answer(r -> Response.ok(body));
        RestSchemaRegistryClient client = client(Map.of());

        assertThat(client.getSchemaById(7)).isEqualTo(SCHEMA);
        assertThat(client.getSchemaById(7)).isEqualTo(SCHEMA);

        assertThat(server.requests()).extracting(FakeRegistryServer.Request::method, FakeRegistryServer.Request::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/schemas/ids/7"));
    }

    @Test
    void lookupPostsToTheSubjectAndCachesTheId() throws Exception {
        String body = versionBody("text-value", 3, 11, SCHEMA);
        server.answer(r -> Response.ok(body));
        RestSchemaRegistryClient client = client(Map.of());

        RegisteredSchema found = client.lookup("text-value", SCHEMA);

        assertThat(found).isEqualTo(new RegisteredSchema("text-value", 3, 11, SCHEMA));
        assertThat(client.getId("text-value", SCHEMA)).isEqualTo(11);
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0).method()).isEqualTo("POST");
        assertThat(server.requests().get(0).path()).isEqualTo("/subjects/text-value");
        assertThat(JSON.readTree(server.requests().get(0).body()).get("schema").asText()).isEqualTo(SCHEMA.toString());
    }

    @Test
    void listingAndVersionCallsUseConfluentPaths() throws Exception {
        String version = versionBody("a b/c", 2, 5, SCHEMA);
        server.answer(r -> switch (r.path()) {
            case "/subjects" -> Response.ok("[\"a-value\", \"b-value\"]");
            case "/subjects/a%20b%2Fc/versions" -> Response.ok("[1, 2]");
            case "/subjects/a%20b%2Fc/versions/2", "/subjects/a%20b%2Fc/versions/latest" -> Response.ok(version);
            default -> Response.error(404, 40401, "unexpected " + r.path());
        });
        RestSchemaRegistryClient client = client(Map.of());

        assertThat(client.getAllSubjects()).containsExactly("a-value", "b-value");
        assertThat(client.getAllVersions("a b/c")).containsExactly(1, 2);
        assertThat(client.getVersion("a b/c", 2)).isEqualTo(new RegisteredSchema("a b/c", 2, 5, SCHEMA));
        assertThat(client.getLatestVersion("a b/c").version()).isEqualTo(2);
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
    }

    @Test
    void theLatestVersionIsCachedForItsMaxAgeAndKeptWhileTheRegistryIsDown() throws Exception {
        String body = versionBody("text-value", 2, 8, SCHEMA);
        server.answer(r -> Response.ok(body));
        RestSchemaRegistryClient client = client(Map.of(RegistryConfig.RETRIES, 0));

        assertThat(client.getLatestVersion("text-value", null).id()).isEqualTo(8);
        assertThat(client.getLatestVersion("text-value", null).id()).isEqualTo(8);
        assertThat(server.requests()).hasSize(1);
        assertThat(client.getLatestVersion("text-value", java.time.Duration.ZERO).id()).isEqualTo(8);
        assertThat(server.requests()).as("expired: asked again").hasSize(2);

        server.answer(r -> Response.error(503, 50003, "down"));
        assertThat(client.getLatestVersion("text-value", java.time.Duration.ZERO).id())
                .as("expired, but the registry is down: the cached answer").isEqualTo(8);
        catchThrowableOfType(SchemaRegistryException.class, () -> client.getLatestVersion("other-value", null));
    }

    @Test
    void compatibilityCheckPostsToTheVersionAndReadsIsCompatible() {
        server.answer(r -> Response.ok(r.path().endsWith("/latest")
                ? "{\"is_compatible\": true}" : "{\"is_compatible\": false}"));
        RestSchemaRegistryClient client = client(Map.of());

        assertThat(client.testCompatibility("text-value", SCHEMA)).isTrue();
        assertThat(client.testCompatibility("text-value", 1, SCHEMA)).isFalse();

        assertThat(server.requests()).extracting(FakeRegistryServer.Request::path)
                .containsExactly("/compatibility/subjects/text-value/versions/latest",
                        "/compatibility/subjects/text-value/versions/1");
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.method()).isEqualTo("POST"));
    }

    @Test
    void confluentErrorBodyBecomesTypedExceptionWithoutRetry() {
        server.answer(r -> Response.error(404, 40401, "Subject 'text-value' not found."));
        RestSchemaRegistryClient client = client(Map.of());

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.lookup("text-value", SCHEMA));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
        assertThat(e.registryMessage()).isEqualTo("Subject 'text-value' not found.");
        assertThat(e.subject()).isEqualTo("text-value");
        assertThat(e.registryUrl()).isEqualTo(server.url());
        assertThat(e.isNotFound()).isTrue();
        assertThat(e.isUnavailable()).isFalse();
        assertThat(e.getMessage()).contains(server.url(), "subject text-value", "40401", "not found");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void otherClientErrorsKeepTheirCodes() {
        server.answer(r -> r.path().endsWith("/versions")
                ? Response.error(409, 409, "Schema being registered is incompatible with an earlier schema")
                : Response.error(422, 42201, "Invalid schema"));
        RestSchemaRegistryClient client = client(Map.of());

        SchemaRegistryException incompatible = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.register("s", SCHEMA));
        SchemaRegistryException invalid = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.testCompatibility("s", SCHEMA));

        assertThat(incompatible.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(SchemaRegistryException.INVALID_SCHEMA);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void nonJsonErrorBodyIsKeptAsTheMessage() {
        server.answer(r -> new Response(401, "<html>Unauthorized</html>"));
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> client(Map.of()).getAllSubjects());
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_ERROR_CODE);
        assertThat(e.registryMessage()).isEqualTo("<html>Unauthorized</html>");
    }

    @Test
    void retriesOn503ThenSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        server.answer(r -> calls.incrementAndGet() <= 2
                ? Response.error(503, 50003, "Error while forwarding the request to the leader")
                : Response.ok("[\"ok-value\"]"));

        assertThat(client(Map.of(RegistryConfig.RETRIES, 3)).getAllSubjects()).containsExactly("ok-value");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void persistent503IsUnavailableAfterAllRetries() {
        server.answer(r -> Response.error(503, 50003, "leader unknown"));

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> client(Map.of(RegistryConfig.RETRIES, 2)).getSchemaById(9));

        assertThat(server.requests()).hasSize(3);
        assertThat(e.isUnavailable()).isTrue();
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.errorCode()).isEqualTo(50003);
        assertThat(e.getMessage()).contains(server.url(), "schema id 9", "3 attempt(s)", "leader unknown");
    }

    @Test
    void connectionRefusedIsUnavailableNamingTheUrl() throws Exception {
        String dead = FakeRegistryServer.deadUrl();
        RestSchemaRegistryClient client = client(Map.of(RegistryConfig.URL, dead, RegistryConfig.RETRIES, 1));

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.register("text-value", SCHEMA));

        assertThat(e.status()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
        assertThat(e.isUnavailable()).isTrue();
        assertThat(e.getMessage()).contains(dead, "subject text-value", "2 attempt(s)");
    }

    @Test
    void failsOverToTheNextUrlAndSticksWithIt() throws Exception {
        String dead = FakeRegistryServer.deadUrl();
        server.answer(r -> Response.ok("[1]"));
        RestSchemaRegistryClient client = client(Map.of(
                RegistryConfig.URL, dead + " , " + server.url() + "/", RegistryConfig.RETRIES, 0));

        assertThat(client.url()).isEqualTo(dead + "," + server.url());
        assertThat(client.getAllVersions("a")).containsExactly(1);
        assertThat(client.getAllVersions("b")).containsExactly(1);
        assertThat(server.requests()).extracting(FakeRegistryServer.Request::path)
                .containsExactly("/subjects/a/versions", "/subjects/b/versions");
    }

    @Test
    void aHangingRegistryFailsWithinTheCallBudget() {
        server.hang();
        RestSchemaRegistryClient client = client(Map.of(RegistryConfig.REQUEST_TIMEOUT_MS, 300,
                RegistryConfig.RETRIES, 1, RegistryConfig.RETRY_BACKOFF_MS, 50));
        assertThat(client.config().maxBlock().toMillis()).isEqualTo(650);

        long start = System.nanoTime();
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.getSchemaById(5));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(e.isUnavailable()).isTrue();
        assertThat(e.getMessage()).contains(server.url(), "2 attempt(s)", "no answer within");
        assertThat(tookMs).isBetween(600L, 1_500L);
    }

    @Test
    void severalHangingUrlsShareOneCallBudget() throws Exception {
        server.hang();
        try (FakeRegistryServer other = new FakeRegistryServer()) {
            other.hang();
            RestSchemaRegistryClient client = client(Map.of(RegistryConfig.URL, server.url() + "," + other.url(),
                    RegistryConfig.REQUEST_TIMEOUT_MS, 400, RegistryConfig.RETRIES, 1, RegistryConfig.RETRY_BACKOFF_MS,
                    50));

            long start = System.nanoTime();
            SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                    () -> client.getAllSubjects());
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            // 2 x 400 + 50 ms, not 2 rounds x 2 URLs x 400 ms
            assertThat(e.isUnavailable()).isTrue();
            assertThat(tookMs).isBetween(800L, 1_500L);
            assertThat(server.requests()).hasSize(1);
            assertThat(other.requests()).hasSize(1);
        }
    }

    @Test
    void afterAFailedCallLaterCallsFailAtOnceUntilThePauseEnds() throws Exception {
        server.answer(r -> Response.error(503, 50003, "leader unknown"));
        RestSchemaRegistryClient client = client(Map.of(RegistryConfig.REQUEST_TIMEOUT_MS, 300,
                RegistryConfig.RETRIES, 1, RegistryConfig.RETRY_BACKOFF_MS, 1));
        catchThrowableOfType(SchemaRegistryException.class, () -> client.getSchemaById(5));
        assertThat(server.requests()).hasSize(2);

        long start = System.nanoTime();
        SchemaRegistryException paused = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.register("text-value", SCHEMA));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(server.requests()).as("not asked").hasSize(2);
        assertThat(tookMs).isLessThan(100);
        assertThat(paused.isUnavailable()).isTrue();
        assertThat(paused.status()).isEqualTo(503);
        assertThat(paused.getMessage()).contains(server.url(), "subject text-value", "not asked", "leader unknown");

        server.answer(r -> Response.ok("{\"id\": 3}"));
        Thread.sleep(client.config().maxBlock().toMillis() + 50);
        assertThat(client.register("text-value", SCHEMA)).isEqualTo(3);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void nonAvroSchemaIsRefused() {
        server.answer(r -> Response.ok("{\"schema\": \"syntax = \\\"proto3\\\";\", \"schemaType\": \"PROTOBUF\"}"));
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> client(Map.of()).getSchemaById(3));
        assertThat(e.getMessage()).contains("PROTOBUF", "only AVRO");
    }

    @Test
    void mockUrlsAreNotForTheRestClient() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new RestSchemaRegistryClient(RegistryConfig.forUrl("mock://x")))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class);
        assertThat(SchemaRegistryClients.create(RegistryConfig.forUrl("mock://x")))
                .isInstanceOf(MockSchemaRegistryClient.class);
        assertThat(SchemaRegistryClients.create(RegistryConfig.forUrl(server.url())))
                .isInstanceOf(RestSchemaRegistryClient.class);
        MockSchemaRegistryClient.dropScope("x");
    }
}
