package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.config.TriageConfig;
import dev.triage.serde.FakeRegistryServer;
import dev.triage.serde.RegistryConfig;
import dev.triage.topology.DeadLetterProcessingHandler;
import dev.triage.topology.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class RegistryPreflightTest {

    private static TriageConfig config(String registryUrl, Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("schema.registry.url", registryUrl);
        props.put("application.id", "preflight-test");
        props.put("triage.topic.prefix", "pf.");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return TriageConfig.of(props);
    }

    @Test
    void anUnreachableRegistryStopsTheStartAtOnceWithOneLine() throws Exception {
        String dead = FakeRegistryServer.deadUrl();
        // nothing listens at the broker address either: the registry is checked before Kafka is asked anything
        TriageConfig config = config(dead, "bootstrap.servers", "127.0.0.1:1");

        long start = System.nanoTime();
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> new TriageApplication(config, null));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(e.getMessage()).doesNotContain("\n").startsWith("cannot start: schema registry " + dead
                + " failed registering dev.triage.avro.Prediction under subject pf.posts.predictions-value: ")
                .contains("unavailable after 2 attempt(s)", "cannot connect");
        assertThat(tookMs).isLessThan(RegistryConfig.forUrl(dead).maxBlock().toMillis() + 2_000);
    }

    @Test
    void aHangingRegistryStopsTheStartWithinOneCallBudget() throws Exception {
        try (FakeRegistryServer server = new FakeRegistryServer()) {
            server.hang();
            TriageConfig config = config(server.url(), RegistryConfig.REQUEST_TIMEOUT_MS, "500");
            budget(config); // loads Kafka Streams' config classes, which is not what is timed here

            long start = System.nanoTime();
            IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                    () -> RegistryPreflight.check(config));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(e.getMessage()).doesNotContain("\n").contains(server.url(), "no answer within");
            assertThat(tookMs).isBetween(1_200L, 3_500L); // 2 x 500 ms + 200 ms back-off
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void aRefusedSchemaNamesTheRegistrysAnswer() throws Exception {
        try (FakeRegistryServer server = new FakeRegistryServer()) {
            server.answer(r -> FakeRegistryServer.Response.error(409, 409,
                    "Schema being registered is incompatible with an earlier schema"));
            IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                    () -> RegistryPreflight.check(config(server.url())));
            assertThat(e.getMessage()).contains("HTTP 409", "incompatible", "pf.posts.predictions-value");
        }
    }

    @Test
    void lookupInsteadOfRegistrationWhenAutoRegisterIsOff() throws Exception {
        try (FakeRegistryServer server = new FakeRegistryServer()) {
            server.answer(r -> FakeRegistryServer.Response.error(404, 40401, "Subject not found."));
            IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                    () -> RegistryPreflight.check(config(server.url(), "auto.register.schemas", "false")));
            assertThat(e.getMessage()).contains("looking up dev.triage.avro.Prediction", "HTTP 404 error 40401");
            assertThat(server.requests()).extracting(FakeRegistryServer.Request::path)
                    .containsExactly("/subjects/pf.posts.predictions-value");
        }
    }

    @Test
    void afterThePreflightADeadLetterIsWrittenWithTheRegistryGone() throws Exception {
        TriageConfig config;
        Topics topics;
        try (FakeRegistryServer server = new FakeRegistryServer()) {
            server.registerAndServe();
            config = config(server.url());
            topics = Topics.from(config); // what the application's topology holds
            RegistryPreflight.check(config);
            assertThat(server.requests()).extracting(FakeRegistryServer.Request::path).containsExactly(
                    "/subjects/pf.posts.predictions-value/versions", "/subjects/pf.posts.dead-letter-value/versions");
        }
        // the registry is gone: a handler configured now (as Kafka Streams does per task) still writes
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(config.all());

        long start = System.nanoTime();
        List<ProducerRecord<byte[], byte[]>> out = handler.handleError(context(), new Record<>("k", "v", 0L),
                new RecordFaultForTest()).deadLetterQueueRecords();
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(out).hasSize(1);
        DeadLetter letter = topics.deadLetters().valueSerde().deserializer().deserialize(out.get(0).topic(),
                out.get(0).value());
        assertThat(letter.getStage()).isEqualTo(DeadLetterStage.JOIN);
        assertThat(letter.getReason()).isEqualTo("EMPTY");
        assertThat(tookMs).isLessThan(1_000);
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() {
                return "pf.posts.text";
            }

            public int partition() {
                return 0;
            }

            public long offset() {
                return 5;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return "assemble";
            }

            public TaskId taskId() {
                return new TaskId(0, 0);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return "k".getBytes();
            }

            public byte[] sourceRawValue() {
                return new byte[] {0, 0, 0, 0, 77};
            }
        };
    }

    @Test
    void theDefaultRetrySettingsFitExactlyOnce() {
        TriageConfig config = config("http://registry:8081");
        assertThat(config.all()).containsEntry("processing.guarantee", "exactly_once_v2");
        assertThatCode(() -> RegistryPreflight.checkRetryBudget(config.all(),
                RegistryConfig.fromMap(config.passThrough()))).doesNotThrowAnyException();
    }

    @Test
    void retriesThatOutlastTheTransactionTimeoutFailTheStartNamingKeysAndNumbers() {
        // the former defaults: 10 s x 4 + 0.2 + 0.4 + 0.8 s = 41.4 s, against the 10 s Kafka Streams uses under EOS
        Object[] old = {RegistryConfig.REQUEST_TIMEOUT_MS, "10000", RegistryConfig.RETRIES, "3"};
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> budget(config("http://r:8081", old)));
        assertThat(e.getMessage()).contains("41400 ms", "schema.registry.request.timeout.ms=10000",
                "schema.registry.retries=3", "schema.registry.retry.backoff.ms=200", "transaction.timeout.ms=10000")
                .doesNotContain("max.poll.interval.ms");

        assertThatCode(() -> budget(config("http://r:8081", concat(old, "producer.transaction.timeout.ms", "90000"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> budget(config("http://r:8081", concat(old, "transaction.timeout.ms", "90000"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> budget(config("http://r:8081", concat(old, "processing.guarantee", "at_least_once"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> budget(config("mock://budget", old))).doesNotThrowAnyException();
    }

    @Test
    void theBudgetIsCheckedAgainstMaxPollIntervalToo() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> budget(config("http://r:8081",
                "processing.guarantee", "at_least_once", "max.poll.interval.ms", "6000")));
        assertThat(e.getMessage()).contains("4200 ms", "max.poll.interval.ms=6000");
        // the main consumer's own key counts (exactly-once here, and 4.2 s fits its 10 s transactions)
        ConfigException prefixed = catchThrowableOfType(ConfigException.class, () -> budget(config("http://r:8081",
                "main.consumer.max.poll.interval.ms", "6000")));
        assertThat(prefixed.getMessage()).contains("max.poll.interval.ms=6000").doesNotContain("transaction");
    }

    private static void budget(TriageConfig config) {
        RegistryPreflight.checkRetryBudget(config.all(), RegistryConfig.fromMap(config.passThrough()));
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A record fault as a processor would let one escape: a payload that can never decode. */
    private static final class RecordFaultForTest extends RuntimeException {
        RecordFaultForTest() {
            super(new dev.triage.encode.DecodeException(dev.triage.avro.Modality.TEXT,
                    dev.triage.encode.DecodeException.Reason.EMPTY, "text is empty"));
        }
    }
}
