package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import dev.triage.config.TriageConfig;
import dev.triage.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceCommandTest {
    private final Topics topics = Topics.from(TriageConfig.of(Map.of("schema.registry.url",
            "mock://produce-command")));

    @Test
    void aPostsEventsDeclareTheModalitiesItHasSoItIsScoredWithoutWaitingOutTheWindow(@TempDir Path dir)
            throws Exception {
        ProduceCommand.FilePost post = new ProduceCommand.FilePost();
        post.text = "hello";
        post.audio = Files.write(dir.resolve("a.wav"), new byte[] {1, 2, 3});

        List<ProducerRecord<String, byte[]>> records = ProduceCommand.records(post, topics, "post-1", Instant.now());

        assertThat(records).extracting(ProducerRecord::topic).containsExactly("posts.text", "posts.audio");
        assertThat(records).extracting(ProducerRecord::key).containsOnly("post-1");
        TextEvent text = topics.text().valueSerde().deserializer().deserialize("posts.text", records.get(0).value());
        AudioEvent audio = topics.audio().valueSerde().deserializer().deserialize("posts.audio",
                records.get(1).value());
        assertThat(text.getExpectedModalities()).containsExactly(Modality.TEXT, Modality.AUDIO);
        assertThat(audio.getExpectedModalities()).containsExactly(Modality.TEXT, Modality.AUDIO);
    }

    @Test
    void anImageAlonePostDeclaresItsOneModality(@TempDir Path dir) throws Exception {
        ProduceCommand.FilePost post = new ProduceCommand.FilePost();
        post.image = Files.write(dir.resolve("i.png"), new byte[] {1});

        List<ProducerRecord<String, byte[]>> records = ProduceCommand.records(post, topics, "post-2", Instant.now());

        ImageEvent image = topics.image().valueSerde().deserializer().deserialize("posts.image",
                records.get(0).value());
        assertThat(image.getExpectedModalities()).containsExactly(Modality.IMAGE);
        assertThat(image.getCorrelationId()).isEqualTo("post-2");
    }
}
