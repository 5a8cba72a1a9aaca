package dev.triage.topology;

import static dev.triage.avro.Modality.IMAGE;
import static dev.triage.avro.Modality.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {
    private static final long T = 1_700_000_000_000L;

    @Test
    void theHeaderNamesAreKafkaStreams() {
        assertThat(List.of(DeadLetterHeaders.EXCEPTION, DeadLetterHeaders.MESSAGE, DeadLetterHeaders.STACKTRACE,
                DeadLetterHeaders.TOPIC, DeadLetterHeaders.PARTITION, DeadLetterHeaders.OFFSET)).containsExactly(
                ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME,
                ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME,
                ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME,
                ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME,
                ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME,
                ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME);
    }

    @Test
    void deadLettersMadeInTheTopologyCarryKafkaStreamsErrorHeadersBesideTheirAvroValue() {
        try (TopologyFixture f = new TopologyFixture(Map.of())) {
            f.rawImage.pipeInput("p9", "{\"json\": true}".getBytes(StandardCharsets.UTF_8));
            f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT, IMAGE)));
            f.image.pipeInput("p1", TestEvents.image("p1", T, List.of(TEXT, IMAGE),
                    new byte[] {(byte) 0x89, 'P', 'N'}));
            f.drain();

            List<TestRecord<String, DeadLetter>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).extracting(r -> r.value().getStage())
                    .containsExactly(DeadLetterStage.DESERIALIZE, DeadLetterStage.DECODE);
            for (TestRecord<String, DeadLetter> record : dead) {
                DeadLetter letter = record.value();
                Headers headers = record.headers();
                assertThat(header(headers, DeadLetterHeaders.EXCEPTION)).isEqualTo(letter.getErrorClass());
                assertThat(header(headers, DeadLetterHeaders.MESSAGE)).isEqualTo(letter.getMessage());
                assertThat(header(headers, DeadLetterHeaders.TOPIC)).isEqualTo(f.topics.image().name());
                assertThat(header(headers, DeadLetterHeaders.PARTITION)).isEqualTo("0");
                assertThat(header(headers, DeadLetterHeaders.OFFSET)).isEqualTo(String.valueOf(letter.getOffset()));
                assertThat(header(headers, DeadLetterHeaders.STACKTRACE))
                        .startsWith(letter.getErrorClass() + ": " + letter.getMessage());
            }
            assertThat(dead.get(1).value().getOffset()).isEqualTo(1L);
        }
    }

    @Test
    void aStackTraceWithoutTheExceptionListsTheCauseChain() {
        DeadLetter letter = DeadLetters.of(DeadLetters.source("t", 0, 3, null, null), "p1", DeadLetterStage.DECODE,
                new RecordFault(RecordFault.Reason.NULL_VALUE, "null value",
                        new IllegalArgumentException("inner", new IllegalStateException("root"))),
                "app", T);
        assertThat(DeadLetterHeaders.stackTraceOf(letter)).isEqualTo(RecordFault.class.getName() + ": null value\n"
                + "Caused by: java.lang.IllegalArgumentException: inner\n"
                + "Caused by: java.lang.IllegalStateException: root\n");
    }

    static String header(Headers headers, String name) {
        Header[] all = headers.toArray();
        List<Header> matching = java.util.Arrays.stream(all).filter(h -> h.key().equals(name)).toList();
        assertThat(matching).as("headers named %s", name).hasSize(1);
        return new String(matching.get(0).value(), StandardCharsets.UTF_8);
    }
}
