package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StreamClientsTest {

    @Test
    void aStreamThreadFindsItsOwnMainConsumerByItsName() throws Exception {
        StreamClients clients = new StreamClients();
        String thread = Thread.currentThread().getName();
        try (Consumer<byte[], byte[]> consumer = clients.getConsumer(Map.of("bootstrap.servers", "127.0.0.1:1",
                "group.id", "stream-clients-test", "client.id", thread + "-consumer"))) {
            consumer.assign(List.of(new TopicPartition("posts.text", 0)));

            assertThat(clients.ofCurrentThread()).as("no fetch yet: lag not known, counted 0").hasValue(0);
            assertThat(CompletableFuture.supplyAsync(clients::ofCurrentThread).get())
                    .as("another thread has no consumer here").isEmpty();
        }
    }

    @Test
    void restoreAndGlobalConsumersAreNotStreamThreadsMainConsumers() {
        StreamClients clients = new StreamClients();
        String thread = Thread.currentThread().getName();
        try (Consumer<byte[], byte[]> restore = clients.getRestoreConsumer(Map.of("bootstrap.servers",
                "127.0.0.1:1", "client.id", thread + "-consumer"))) {
            assertThat(clients.ofCurrentThread()).isEmpty();
        }
    }

    @Test
    void aThreadIsBehindByWhatItHasNotTakenInEvenWhenItsConsumerFetchedIt() {
        StreamClients clients = new StreamClients();
        TopicPartition audio = new TopicPartition("posts.audio", 0);
        TopicPartition text = new TopicPartition("posts.text", 0);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(audio, text));
        consumer.updateBeginningOffsets(Map.of(audio, 0L, text, 0L));
        consumer.updateEndOffsets(Map.of(audio, 4000L, text, 4000L));
        consumer.seek(audio, 2500); // fetched ahead: 1,500 records from the end
        consumer.seek(text, 4000); // fetched everything
        clients.remember(Thread.currentThread().getName() + "-consumer", consumer);

        assertThat(clients.ofCurrentThread()).as("nothing taken in yet: the consumer's own lag").hasValue(1500);

        clients.taken("posts.audio", 0, 1499);
        clients.taken("posts.text", 0, 3899);
        assertThat(clients.ofCurrentThread()).as("what is left after the records taken in").hasValue(2500 + 100);

        clients.taken("posts.text", 0, 3999);
        assertThat(clients.ofCurrentThread()).hasValue(2500);
        assertThat(CompletableFuture.supplyAsync(() -> {
            clients.taken("posts.audio", 0, 3999); // another thread's records say nothing of this one's
            return 0;
        }).join()).isZero();
        assertThat(clients.ofCurrentThread()).hasValue(2500);

        clients.forget("posts.audio", 0); // its task restarted here: the partition may have been elsewhere meanwhile
        assertThat(clients.ofCurrentThread()).as("the consumer's own lag again").hasValue(1500);
    }
}
