package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.embedded.SchemaRegistryConfig;
import dev.triage.serde.RegistryConfig;
import dev.triage.serde.RegistryTls;
import dev.triage.serde.RestSchemaRegistryClient;
import dev.triage.serde.SchemaRegistryException;
import dev.triage.testing.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client with HTTP basic authentication ({@code basic.auth.credentials.source=USER_INFO}) and TLS
 * ({@code schema.registry.ssl.*}, client certificates included), against the embedded registry serving the same.
 */
class SecureRegistryTest {
    private static final String USER = "triage";
    private static final String PASSWORD = "registry-secret";

    @TempDir
    static Path dir;
    private static TestCertificates certificates;
    private static Path clientKeyStore;

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create(dir.resolve("ca"));
        clientKeyStore = certificates.client("triage");
    }

    @Test
    void withTheRightUserInfoTheStartUpCheckRegistersTheSchemas() {
        try (EmbeddedSchemaRegistry registry = start(SchemaRegistryConfig.inMemory().withBasicAuth(USER, PASSWORD))) {
            RegistryPreflight.check(config(registry.url(), userInfo(PASSWORD)));
            assertThat(registry.service().subjects()).contains("sr.posts.predictions-value");
        }
    }

    @Test
    void aRequestWithoutCredentialsIsAskedForThem() throws Exception {
        try (EmbeddedSchemaRegistry registry = start(SchemaRegistryConfig.inMemory().withBasicAuth(USER, PASSWORD))) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"SchemaRegistry\"");
            assertThat(answer.body()).contains("\"error_code\":401");

            SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                    () -> new RestSchemaRegistryClient(RegistryConfig.forUrl(registry.url())).getAllSubjects());
            assertThat(e.status()).isEqualTo(401);
        }
    }

    @Test
    void aWrongPasswordFailsTheStartWithOneLine() {
        try (EmbeddedSchemaRegistry registry = start(SchemaRegistryConfig.inMemory().withBasicAuth(USER, PASSWORD))) {
            IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                    () -> RegistryPreflight.check(config(registry.url(), userInfo("not-the-password"))));
            assertThat(e.getMessage()).doesNotContain("\n", "not-the-password")
                    .isEqualTo("cannot start: schema registry " + registry.url() + " failed registering "
                            + Prediction.getClassSchema().getFullName() + " under subject sr.posts.predictions-value: "
                            + "HTTP 401 error 401: Unauthorized");
        }
    }

    @Test
    void overHttpsWithTheRegistrysCaInTheTrustStore() {
        try (EmbeddedSchemaRegistry registry = start(SchemaRegistryConfig.inMemory()
                .withTls(certificates.server(), false).withBasicAuth(USER, PASSWORD))) {
            assertThat(registry.url()).startsWith("https://");
            Map<String, Object> settings = userInfo(PASSWORD);
            settings.putAll(trustStore());
            RegistryPreflight.check(config(registry.url(), settings));
            assertThat(registry.service().subjects()).contains("sr.posts.predictions-value");
        }
    }

    @Test
    void overHttpsARegistryCertificateNobodyTrustsFailsTheStartWithOneLine() {
        try (EmbeddedSchemaRegistry registry = start(SchemaRegistryConfig.inMemory()
                .withTls(certificates.server(), false))) {
            IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                    () -> RegistryPreflight.check(config(registry.url(), new HashMap<>())));
            assertThat(e.getMessage()).doesNotContain("\n")
                    .startsWith("cannot start: schema registry " + registry.url() + " failed registering ")
                    .contains("SSLHandshakeException");
        }
    }

    @Test
    void withClientCertificatesRequiredTheKeyStoreIsTheCredential() {
        try (EmbeddedSchemaRegistry registry = start(SchemaRegistryConfig.inMemory()
                .withTls(certificates.server(), true))) {
            Map<String, Object> settings = trustStore();
            settings.put(RegistryTls.KEYSTORE_LOCATION, clientKeyStore.toString());
            settings.put(RegistryTls.KEYSTORE_PASSWORD, TestCertificates.PASSWORD);
            settings.put(RegistryTls.KEYSTORE_TYPE, "PKCS12");
            settings.put(RegistryTls.KEY_PASSWORD, TestCertificates.PASSWORD);
            RegistryPreflight.check(config(registry.url(), settings));

            IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                    () -> RegistryPreflight.check(config(registry.url(), trustStore())));
            assertThat(e.getMessage()).doesNotContain("\n").startsWith("cannot start: schema registry "
                    + registry.url() + " failed registering ");
        }
    }

    private static EmbeddedSchemaRegistry start(SchemaRegistryConfig config) {
        return new EmbeddedSchemaRegistry(config).start();
    }

    private static Map<String, Object> userInfo(String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RegistryConfig.CREDENTIALS_SOURCE, "USER_INFO");
        settings.put(RegistryConfig.USER_INFO, USER + ":" + password);
        return settings;
    }

    private static Map<String, Object> trustStore() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RegistryTls.TRUSTSTORE_LOCATION, certificates.trustStore().toString());
        settings.put(RegistryTls.TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD);
        settings.put(RegistryTls.TRUSTSTORE_TYPE, "PKCS12");
        return settings;
    }

    private static TriageConfig config(String registryUrl, Map<String, Object> settings) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put("schema.registry.url", registryUrl);
        props.put("application.id", "secure-registry-test");
        props.put("triage.topic.prefix", "sr.");
        return TriageConfig.of(props);
    }
}
