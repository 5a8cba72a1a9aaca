package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.ClientConfigs;
import dev.triage.embedded.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code triage topics}, {@code triage produce} and {@code triage tail} reach a broker that authenticates its clients with the Kafka
 * client settings given, as {@code triage run} does, and say in one line when the broker refuses them.
 */
class SecureClientCommandsTest {
    private static final String USER = "triage";
    private static final String PASSWORD = "triage-secret";

    private static EmbeddedKafkaBroker broker;

    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startSaslBroker() {
        broker = EmbeddedKafkaBroker.builder().listener(SecurityProtocol.SASL_PLAINTEXT).saslUser(USER, PASSWORD)
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void topicsAndProduceUseTheSecuritySettings() throws Exception {
        assertThat(run(new String[] {"topics"}, settings("topics.", PASSWORD))).as(err.toString()).isZero();
        assertThat(run(new String[] {"produce", "--text", "hello", "--id", "post-1"},
                settings("topics.", PASSWORD)))
                .as(err.toString()).isZero();

        try (Admin admin = Admin.create(ClientConfigs.admin(kafka(PASSWORD)))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("topics.posts.text",
                    "topics.posts.image", "topics.posts.audio", "topics.posts.predictions", "topics.posts.dead-letter",
                    "topics.posts.review", "topics.posts.blocked");
            TopicPartition text = new TopicPartition("topics.posts.text", 0);
            assertThat(admin.listOffsets(Map.of(text, OffsetSpec.latest())).partitionResult(text)
                    .get(30, TimeUnit.SECONDS).offset()).as("the post's text event").isEqualTo(1);
        }
    }

    @Test
    void aWrongPasswordEndsTopicsWithOneLineNamingTheListener() {
        assertThat(run(new String[] {"topics"}, settings("refused.", "not-the-password"))).isEqualTo(1);
        assertThat(err.toString()).startsWith("triage: authentication failed at "
                + broker.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT) + " (SASL_PLAINTEXT, PLAIN): ")
                .doesNotContain("not-the-password").hasLineCount(1);
    }

    @Test
    void aWrongPasswordEndsProduceWithOneLineNamingTheListener() {
        assertThat(run(new String[] {"produce", "--text", "hello"}, settings("topics.", "not-the-password")))
                .isEqualTo(1);
        assertThat(err.toString()).startsWith("triage: authentication failed at "
                + broker.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT) + " (SASL_PLAINTEXT, PLAIN): ")
                .doesNotContain("not-the-password").hasLineCount(1);
    }

    @Test
    void aWrongPasswordEndsTailWithOneLineNamingTheListener() {
        assertThat(run(new String[] {"tail", "--max", "1"}, settings("topics.", "not-the-password"))).isEqualTo(1);
        assertThat(err.toString()).startsWith("triage: authentication failed at "
                + broker.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT) + " (SASL_PLAINTEXT, PLAIN): ")
                .doesNotContain("not-the-password").hasLineCount(1);
    }

    private int run(String[] command, String[] settings) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of(settings));
        CommandLine cli = TriageCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args.toArray(String[]::new));
    }

    private static String[] settings(String prefix, String password) {
        Map<String, String> settings = new TreeMap<>(kafka(password));
        settings.put("triage.topic.prefix", prefix);
        settings.put("triage.topic.partitions", "1");
        settings.put("schema.registry.url", "mock://secure-client-commands");
        return settings.entrySet().stream().flatMap(e -> Stream.of("-D", e.getKey() + "="
                + e.getValue())).toArray(String[]::new);
    }

    private static Map<String, String> kafka(String password) {
        return Map.of("bootstrap.servers", broker.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT),
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + USER + "\" password=\"" + password + "\";");
    }
}
