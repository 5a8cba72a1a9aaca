package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.triage.app.TriageApplication;
import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.embedded.SchemaRegistryConfig;
import dev.triage.testing.CapturedLog;
import dev.triage.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Triage on a broker that authenticates its clients: over SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512),
 * SASL_SSL and SSL with client certificates (mutual TLS), with the keys and certificates made for the test. With the
 * right credentials Kafka Streams reaches RUNNING; with wrong ones the start fails at once with one line naming the
 * listener and the mechanism.
 */
class SecureKafkaTest {
    private static final String USER = "triage";
    private static final String PASSWORD = "triage-secret";

    @TempDir
    static Path dir;
    private static TestCertificates certificates;
    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startSecureBroker() {
        certificates = TestCertificates.create(dir.resolve("ca"));
        broker = EmbeddedKafkaBroker.builder()
                .listener(SecurityProtocol.SASL_PLAINTEXT)
                .listener(SecurityProtocol.SSL)
                .listener(SecurityProtocol.SASL_SSL)
                .saslUser(USER, PASSWORD)
                .tls(certificates.server())
                .build().start();
        registry = new EmbeddedSchemaRegistry(SchemaRegistryConfig.inMemory()).start();
        for (String topic : Topics.from(config("topics", Map.of())).all()) {
            broker.createTopic(topic, 2, Map.of());
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void runsOverSaslPlaintext(String mechanism) throws Exception {
        assertRuns(config("sasl-" + mechanism, sasl(SecurityProtocol.SASL_PLAINTEXT, mechanism, PASSWORD)));
    }

    @Test
    void runsOverSaslSsl() throws Exception {
        Map<String, String> settings = sasl(SecurityProtocol.SASL_SSL, "SCRAM-SHA-512", PASSWORD);
        settings.putAll(trust(certificates.trustStore()));
        assertRuns(config("sasl-ssl", settings));
    }

    @Test
    void runsOverMutualTls() throws Exception {
        assertRuns(config("mtls", mutualTls(certificates.client("triage"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256"})
    void aWrongPasswordFailsTheStartWithOneLineNamingTheListenerAndMechanism(String mechanism) {
        String listener = broker.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT);
        IllegalStateException e = startFails(config("wrong-" + mechanism,
                sasl(SecurityProtocol.SASL_PLAINTEXT, mechanism, "not-the-password")));
        assertThat(e.getMessage()).doesNotContain("\n", "not-the-password")
                .startsWith("authentication failed at " + listener + " (SASL_PLAINTEXT, " + mechanism + "): ")
                .containsPattern("(?i)invalid (username or password|credentials)"); // the broker's reason
    }

    @Test
    void anUntrustedClientCertificateFailsTheStartWithOneLine() {
        Path stranger = TestCertificates.selfSignedClient(dir, "stranger");
        String listener = broker.bootstrapServers(SecurityProtocol.SSL);
        IllegalStateException e = startFails(config("stranger", mutualTls(stranger)));
        assertThat(e.getMessage()).doesNotContain("\n")
                .startsWith("authentication failed at " + listener + " (SSL, TLS with client certificate): ")
                .contains("bad_certificate");
    }

    @Test
    void theEffectiveConfigurationIsLoggedAtStartWithEverySecretHidden() {
        Map<String, String> settings = sasl(SecurityProtocol.SASL_SSL, "SCRAM-SHA-256", "wrong-secret");
        settings.putAll(mutualTls(certificates.client("logged")));
        settings.put("bootstrap.servers", broker.bootstrapServers(SecurityProtocol.SASL_SSL));
        settings.put("security.protocol", "SASL_SSL");
        settings.put("basic.auth.credentials.source", "USER_INFO");
        settings.put("basic.auth.user.info", "registry-user:registry-secret");
        try (CapturedLog log = new CapturedLog()) {
            startFails(config("logged", settings));

            String effective = log.messages().stream().filter(m -> m.startsWith("effective configuration"))
                    .findFirst().orElseThrow();
            assertThat(effective).contains("  bootstrap.servers=" + settings.get("bootstrap.servers"),
                    "  sasl.mechanism=SCRAM-SHA-256", "  sasl.jaas.config=[hidden]", "  ssl.keystore.password=[hidden]",
                    "  ssl.key.password=[hidden]", "  ssl.truststore.password=[hidden]", "  basic.auth.user.info=[hidden]",
                    "  ssl.keystore.location=" + settings.get("ssl.keystore.location"));
            assertThat(log.messages()).as("nothing logged shows a secret").noneMatch(m -> m.contains("wrong-secret")
                    || m.contains("registry-secret") || m.contains(TestCertificates.PASSWORD));
        }
    }

    private static void assertRuns(TriageConfig config) throws Exception {
        try (TriageApplication app = new TriageApplication(config, new FakeModelService())) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
        }
    }

    private static IllegalStateException startFails(TriageConfig config) {
        long start = System.nanoTime();
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> new TriageApplication(config, new FakeModelService()).close());
        assertThat(e).as("the start fails").isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("at once, not after a timeout")
                .isLessThan(Duration.ofSeconds(15));
        return e;
    }

    private static Map<String, String> sasl(SecurityProtocol protocol, String mechanism, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers(protocol));
        settings.put("security.protocol", protocol.name());
        settings.put("sasl.mechanism", mechanism);
        settings.put("sasl.jaas.config", module + " required username=\"" + USER + "\" password=\"" + password
                + "\";");
        return settings;
    }

    private static Map<String, String> mutualTls(Path clientKeyStore) {
        Map<String, String> settings = trust(certificates.trustStore());
        settings.put("bootstrap.servers", broker.bootstrapServers(SecurityProtocol.SSL));
        settings.put("security.protocol", "SSL");
        settings.put("ssl.keystore.location", clientKeyStore.toString());
        settings.put("ssl.keystore.password", TestCertificates.PASSWORD);
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.key.password", TestCertificates.PASSWORD);
        return settings;
    }

    private static Map<String, String> trust(Path trustStore) {
        Map<String, String> settings = new HashMap<>();
        settings.put("ssl.truststore.location", trustStore.toString());
        settings.put("ssl.truststore.password", TestCertificates.PASSWORD);
        settings.put("ssl.truststore.type", "PKCS12");
        return settings;
    }

    private static TriageConfig config(String applicationId, Map<String, String> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.putIfAbsent("bootstrap.servers", "unused:9092");
        props.put("application.id", "secure-" + applicationId);
        props.put("schema.registry.url", registry.url());
        props.put("state.dir", dir.resolve("state-" + applicationId).toString());
        props.put("triage.topic.prefix", "secure.");
        props.put("triage.inference.mode", "direct");
        return TriageConfig.of(props);
    }
}
