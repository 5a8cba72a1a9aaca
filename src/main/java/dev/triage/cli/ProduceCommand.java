package dev.triage.cli;

import dev.triage.avro.AudioEncoding;
import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import dev.triage.app.ClientConfigs;
import dev.triage.app.ConnectionFailure;
import dev.triage.app.CoPartitioning;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.topology.TopicDefinition;
import dev.triage.topology.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Sends one post made of files, or a synthetic feed, to the input topics.")
final class ProduceCommand implements Callable<Integer> {
    private static final String SOURCE = "triage-produce";

    @Mixin
    ConfigOptions config;

    @Option(names = "--synthetic", description = "Send a synthetic feed with known labels (see the feed options).")
    boolean synthetic;

    @Mixin
    FeedOptions feed;

    @ArgGroup(exclusive = false, heading = "One post from files:%n")
    FilePost files;

    static final class FilePost {
        @Option(names = "--id", description = "Correlation id of the post (default: a random UUID).")
        String id;

        @Option(names = "--text", paramLabel = "TEXT", description = "The post's text.")
        String text;

        @Option(names = "--image", paramLabel = "FILE", description = "A PNG or JPEG file.")
        Path image;

        @Option(names = "--audio", paramLabel = "FILE", description = "A WAV file.")
        Path audio;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TriageConfig c = config.load();
        Topics topics = Topics.from(c);
        Map<String, Object> producerConfig = ClientConfigs.producer(c.all());
        if (synthetic == (files != null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either --synthetic or a post's files (--text, --image, --audio)");
        }
        if (synthetic) {
            SyntheticFeed posts = new SyntheticFeed(feed.seed, feed.partialShare, feed.badShare, 0.5);
            // SIGTERM or Ctrl-C ends the feed after a whole post; what was sent is flushed, and the exit code is 0.
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Stopping.jvm().onStop(() -> stop.set(true));
            try (FeedProducer producer = new FeedProducer(producerConfig, topics)) {
                int sent = producer.send(posts, feed.posts, feed.rate, Long.MAX_VALUE, System::currentTimeMillis,
                        stop::get, (post, at) -> { });
                System.err.println("sent " + sent + " synthetic posts to " + topics.inputs()
                        + (stop.get() ? " (stopped)" : ""));
            }
            return 0;
        }
        sendFiles(files, topics, producerConfig);
        return 0;
    }

    private static void sendFiles(FilePost f, Topics topics, Map<String, Object> producerConfig) throws Exception {
        if (f.text == null && f.image == null && f.audio == null) {
            throw new IllegalArgumentException("give at least one of --text, --image, --audio");
        }
        String id = f.id != null ? f.id : UUID.randomUUID().toString();
        List<ProducerRecord<String, byte[]>> records = records(f, topics, id, Instant.now());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                FeedProducer.defaults(producerConfig), new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> record : records) {
                ConnectionFailure.await(producer.send(record), "sending post " + id + " to " + record.topic(),
                        CoPartitioning.TIMEOUT, producerConfig);
            }
        }
        System.err.println("sent post " + id);
    }

    /**
     * The post's events, keyed by its correlation id, each declaring the modalities the post has: Triage scores the
     * post as soon as they have all arrived instead of waiting out the join window for the others.
     */
    static List<ProducerRecord<String, byte[]>> records(FilePost f, Topics topics, String id, Instant now)
            throws IOException {
        List<Modality> declared = new ArrayList<>();
        if (f.text != null) {
            declared.add(Modality.TEXT);
        }
        if (f.image != null) {
            declared.add(Modality.IMAGE);
        }
        if (f.audio != null) {
            declared.add(Modality.AUDIO);
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        if (f.text != null) {
            records.add(record(topics.text(), id, TextEvent.newBuilder().setCorrelationId(id).setEventId(id + "-text")
                    .setEventTime(now).setSource(SOURCE).setText(f.text).setExpectedModalities(declared).build()));
        }
        if (f.image != null) {
            records.add(record(topics.image(), id, ImageEvent.newBuilder().setCorrelationId(id)
                    .setEventId(id + "-image").setEventTime(now).setSource(SOURCE)
                    .setImage(ByteBuffer.wrap(Files.readAllBytes(f.image))).setExpectedModalities(declared).build()));
        }
        if (f.audio != null) {
            records.add(record(topics.audio(), id, AudioEvent.newBuilder().setCorrelationId(id)
                    .setEventId(id + "-audio").setEventTime(now).setSource(SOURCE)
                    .setAudio(ByteBuffer.wrap(Files.readAllBytes(f.audio))).setEncoding(AudioEncoding.WAV)
                    .setExpectedModalities(declared).build()));
        }
        return records;
    }

    private static <V> ProducerRecord<String, byte[]> record(TopicDefinition<String, V> topic, String id, V event) {
        return new ProducerRecord<>(topic.name(), id, topic.valueSerde().serializer().serialize(topic.name(), event));
    }
}
