package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.config.TriageConfig;
import dev.triage.ops.TriageMeters;
import dev.triage.serde.AvroSerdeException;
import dev.triage.serde.FakeRegistryServer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {
    private final Map<String, Object> configs = Map.of(
            "application.id", "handlers-test",
            "schema.registry.url", "mock://handlers-" + UUID.randomUUID(),
            "triage.topic.prefix", "t.");
    private final Topics topics = Topics.from(TriageConfig.of(configs));

    private static ErrorHandlerContext context(String node) {
        return context(node, new RecordHeaders());
    }

    private static ErrorHandlerContext context(String node, Headers original) {
        return new ErrorHandlerContext() {
            public String topic() {
                return "t.posts.image";
            }

            public int partition() {
                return 2;
            }

            public long offset() {
                return 41;
            }

            public Headers headers() {
                return original;
            }

            public String processorNodeId() {
                return node;
            }

            public TaskId taskId() {
                return new TaskId(0, 2);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return "p1".getBytes();
            }

            public byte[] sourceRawValue() {
                return new byte[] {0, 0, 0, 0, 9};
            }
        };
    }

    private DeadLetter read(ProducerRecord<byte[], byte[]> record) {
        assertThat(record.topic()).isEqualTo("t.posts.dead-letter");
        return topics.deadLetters().valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    @Test
    void aSystemFaultInAProcessorFailsTheTransactionInsteadOfDeadLetteringTheRecord() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(configs);
        for (Exception systemFault : List.<Exception>of(new IllegalStateException("predictor closed"),
                new SystemFault("model down", null),
                new RuntimeException(new AvroSerdeException(AvroSerdeException.Reason.REGISTRY_UNAVAILABLE,
                        "t.posts.image", false, 1, "registry http://x:8081 unavailable", null)))) {
            ProcessingExceptionHandler.Response response = handler.handleError(context(TriageTopology.ASSEMBLE),
                    new Record<>("p1", "x", 0L), systemFault);
            assertThat(response.result()).as(systemFault.toString()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            assertThat(response.deadLetterQueueRecords()).isEmpty();
        }
    }

    @Test
    void handlersAndTopicsConfiguredPerTaskShareTheProcessRegistryClient() throws Exception {
        try (FakeRegistryServer server = new FakeRegistryServer()) {
            server.registerAndServe();
            Map<String, Object> rest = new java.util.HashMap<>(configs);
            rest.put("schema.registry.url", server.url());
            Topics first = Topics.from(TriageConfig.of(rest));
            Topics second = Topics.from(TriageConfig.of(rest));
            DeadLetterProductionHandler a = new DeadLetterProductionHandler();
            a.configure(rest);
            DeadLetterProcessingHandler b = new DeadLetterProcessingHandler();
            b.configure(rest);

            for (Topics t : List.of(first, second)) {
                t.predictions().valueSerde().serializer().serialize(t.predictions().name(), TestEvents.prediction());
            }
            ProducerRecord<byte[], byte[]> fromA = a.handleError(context("sink"),
                    new ProducerRecord<>("t.posts.predictions", "p1".getBytes(), new byte[10]),
                    new RecordTooLargeException("too large")).deadLetterQueueRecords().get(0);
            ProducerRecord<byte[], byte[]> fromB = b.handleError(context(TriageTopology.ASSEMBLE),
                    new Record<>("p1", "x", 0L), new LateEventException("late")).deadLetterQueueRecords().get(0);
            assertThat(second.deadLetters().valueSerde().deserializer().deserialize(fromA.topic(), fromA.value())
                    .getStage()).isEqualTo(DeadLetterStage.PRODUCE);
            assertThat(first.deadLetters().valueSerde().deserializer().deserialize(fromB.topic(), fromB.value())
                    .getStage()).isEqualTo(DeadLetterStage.JOIN);

            // one registration per subject, whatever the number of Topics, handlers and serdes
            assertThat(server.requests()).extracting(FakeRegistryServer.Request::path).containsExactly(
                    "/subjects/t.posts.predictions-value/versions", "/subjects/t.posts.dead-letter-value/versions");
        }
    }

    @Test
    void aRecordFaultThatEscapesAProcessorIsDeadLetteredWithItsStageAndReason() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        TriageMeters meters = TriageMeters.inMemory();
        Map<String, Object> withMeters = new java.util.HashMap<>(configs);
        withMeters.put(TriageMeters.CONFIG_KEY, meters);
        handler.configure(withMeters);
        ProcessingExceptionHandler.Response response = handler.handleError(context(TriageTopology.ASSEMBLE),
                new Record<>("p1", "x", 0L), new LateEventException("late"));
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        DeadLetter d = read(response.deadLetterQueueRecords().get(0));
        assertThat(d.getStage()).isEqualTo(DeadLetterStage.JOIN);
        assertThat(d.getReason()).isEqualTo("LATE_EVENT");
        assertThat(d.getErrorClass()).isEqualTo(LateEventException.class.getName());
        assertThat(d.getValue()).isEqualTo(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 9}));
        assertThat(meters.registry().get("triage.dead.letters").tag("stage", "JOIN").tag("reason", "LATE_EVENT")
                .counter().count()).as("counted for /metrics").isEqualTo(1);
    }

    @Test
    void aHandlersDeadLetterCarriesTheOriginalHeadersAndKafkaStreamsErrorHeaders() {
        DeadLetterProcessingHandler processing = new DeadLetterProcessingHandler();
        processing.configure(configs);
        DeadLetterProductionHandler production = new DeadLetterProductionHandler();
        production.configure(configs);
        Headers original = new RecordHeaders().add("trace", "t-1".getBytes());

        ProducerRecord<byte[], byte[]> late = processing.handleError(context(TriageTopology.ASSEMBLE, original),
                new Record<>("p1", "x", 0L), new LateEventException("late")).deadLetterQueueRecords().get(0);
        ProducerRecord<byte[], byte[]> tooLarge = production.handleError(context("sink", original),
                new ProducerRecord<>("t.posts.predictions", "p1".getBytes(), new byte[10]),
                new RecordTooLargeException("too large")).deadLetterQueueRecords().get(0);

        for (ProducerRecord<byte[], byte[]> record : List.of(late, tooLarge)) {
            DeadLetter letter = read(record);
            Headers headers = record.headers();
            assertThat(DeadLetterHeadersTest.header(headers, "trace")).isEqualTo("t-1");
            assertThat(DeadLetterHeadersTest.header(headers, DeadLetterHeaders.EXCEPTION))
                    .isEqualTo(letter.getErrorClass());
            assertThat(DeadLetterHeadersTest.header(headers, DeadLetterHeaders.MESSAGE))
                    .isEqualTo(letter.getMessage());
            assertThat(DeadLetterHeadersTest.header(headers, DeadLetterHeaders.TOPIC)).isEqualTo("t.posts.image");
            assertThat(DeadLetterHeadersTest.header(headers, DeadLetterHeaders.PARTITION)).isEqualTo("2");
            assertThat(DeadLetterHeadersTest.header(headers, DeadLetterHeaders.OFFSET)).isEqualTo("41");
            assertThat(DeadLetterHeadersTest.header(headers, DeadLetterHeaders.STACKTRACE))
                    .startsWith(letter.getErrorClass() + ": " + letter.getMessage());
        }
        assertThat(read(late).getErrorClass()).isEqualTo(LateEventException.class.getName());
        assertThat(read(tooLarge).getErrorClass()).isEqualTo(RecordTooLargeException.class.getName());
    }

    @Test
    void productionErrorsAreRetriedDeadLetteredOrFatalByKind() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);
        ProducerRecord<byte[], byte[]> prediction = new ProducerRecord<>("t.posts.predictions", "p1".getBytes(),
                new byte[10]);
        assertThat(handler.handleError(context("sink"), prediction, new TimeoutException("slow")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
        ProductionExceptionHandler.Response tooLarge = handler.handleError(context("sink"), prediction,
                new RecordTooLargeException("too large"));
        assertThat(tooLarge.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(read(tooLarge.deadLetterQueueRecords().get(0)).getStage()).isEqualTo(DeadLetterStage.PRODUCE);
        assertThat(read(tooLarge.deadLetterQueueRecords().get(0)).getReason()).isEqualTo("TOO_LARGE");
        assertThat(handler.handleError(context("sink"), prediction,
                new TopicAuthorizationException("not allowed")).result())
                .as("not the record's fault").isEqualTo(ProductionExceptionHandler.Result.FAIL);
        ProducerRecord<byte[], byte[]> deadLetter = new ProducerRecord<>("t.posts.dead-letter", null, new byte[10]);
        assertThat(handler.handleError(context("sink"), deadLetter, new RecordTooLargeException("x")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    @Test
    void aRecordThatCannotBeSerializedIsDeadLetteredButARegistryOutageFailsTheTransaction() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);
        ProducerRecord<String, String> prediction = new ProducerRecord<>("t.posts.predictions", "p1", "x");
        ProductionExceptionHandler.Response invalid = handler.handleSerializationError(context("sink"), prediction,
                new AvroSerdeException(AvroSerdeException.Reason.INVALID_RECORD, "t.posts.predictions", false, -1,
                        "null in a non-null field", null),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
        assertThat(invalid.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(read(invalid.deadLetterQueueRecords().get(0)).getReason()).isEqualTo("INVALID_RECORD");
        ProductionExceptionHandler.Response outage = handler.handleSerializationError(context("sink"), prediction,
                new AvroSerdeException(AvroSerdeException.Reason.REGISTRY_UNAVAILABLE, "t.posts.predictions", false,
                        -1, "registry down", null),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
        assertThat(outage.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }
}
