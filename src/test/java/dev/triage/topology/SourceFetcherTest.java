package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.testing.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Input records read again by their coordinates, as a restored task does for what was in flight. */
@ExtendWith(EmbeddedKafkaExtension.class)
class SourceFetcherTest {

    @Test
    void readsARecordAgainOrSaysItIsGone(EmbeddedKafkaBroker broker) throws Exception {
        broker.createTopic("fetch-me", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("fetch-me", ("value-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(10, TimeUnit.SECONDS);
            }
        }
        try (SourceFetcher fetcher = new SourceFetcher(Map.of("application.id", "fetcher-test",
                "bootstrap.servers", broker.bootstrapServers()), Duration.ofSeconds(10))) {
            assertThat(new String(fetcher.value("fetch-me", 0, 3), StandardCharsets.UTF_8)).isEqualTo("value-3");
            assertThat(new String(fetcher.value("fetch-me", 0, 1), StandardCharsets.UTF_8)).isEqualTo("value-1");
            assertThat(new String(fetcher.value("fetch-me", 0, 2), StandardCharsets.UTF_8))
                    .as("kept from the poll that brought offset 1").isEqualTo("value-2");

            try (Admin admin = broker.createAdmin()) {
                admin.deleteRecords(Map.of(new TopicPartition("fetch-me", 0), RecordsToDelete.beforeOffset(3)))
                        .all().get(10, TimeUnit.SECONDS);
            }
            Throwable gone = catchThrowable(() -> fetcher.value("fetch-me", 0, 1));
            assertThat(gone).isInstanceOf(RecordFault.class).hasMessageContaining("fetch-me-0@1")
                    .hasMessageContaining("retention");
            assertThat(((RecordFault) gone).reason()).isEqualTo(RecordFault.Reason.SOURCE_GONE);
            assertThat(new String(fetcher.value("fetch-me", 0, 4), StandardCharsets.UTF_8)).isEqualTo("value-4");
        }
    }
}
