package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.config.TriageConfig;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class DeadLetterSizeLimitTest {
    private final Topics topics = Topics.from(TriageConfig.of(Map.of(
            "schema.registry.url", "mock://dead-letter-size", "triage.dead.letter.max.bytes", "100000")));
    private final Serde<DeadLetter> serde = topics.deadLetters().valueSerde();

    private static DeadLetter letter(int valueBytes) {
        return DeadLetters.of(DeadLetters.source("posts.image", 2, 17, "p1".getBytes(), new byte[valueBytes]), "p1",
                DeadLetterStage.DECODE, new IllegalArgumentException("corrupt PNG"), "triage", 0L);
    }

    @Test
    void aDeadLetterWithinTheLimitKeepsTheOriginalValue() {
        DeadLetter small = letter(50_000);
        byte[] bytes = serde.serializer().serialize(topics.deadLetters().name(), small);
        DeadLetter read = serde.deserializer().deserialize(topics.deadLetters().name(), bytes);
        assertThat(read).isEqualTo(small);
    }

    @Test
    void aDeadLetterOverTheLimitLeavesTheValueOutAndSaysSo() {
        byte[] bytes = serde.serializer().serialize(topics.deadLetters().name(), letter(2_000_000));
        assertThat(bytes.length).isLessThanOrEqualTo(100_000);
        DeadLetter read = serde.deserializer().deserialize(topics.deadLetters().name(), bytes);
        assertThat(read.getValue()).isNull();
        assertThat(read.getMessage()).startsWith("corrupt PNG").contains("2000000 bytes left out")
                .contains("triage.dead.letter.max.bytes=100000");
        assertThat(read.getTopic()).isEqualTo("posts.image");
        assertThat(read.getPartition()).isEqualTo(2);
        assertThat(read.getOffset()).isEqualTo(17L);
        assertThat(read.getKey()).isEqualTo(ByteBuffer.wrap("p1".getBytes()));
    }
}
