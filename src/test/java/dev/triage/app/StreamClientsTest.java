package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
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
}
