package dev.triage.cli;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.app.ClientConfigs;
import dev.triage.app.CoPartitioning;
import dev.triage.app.ConnectionFailure;
import dev.triage.config.TriageConfig;
import dev.triage.topology.TopicDefinition;
import dev.triage.topology.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints what Triage wrote to an output topic, one JSON object a line (topic, partition, "
                + "offset, key, timestamp, and the Avro value as JSON), read as committed (read_committed), with the "
                + "Kafka client settings given.",
                "Stops after --max records, after --idle-seconds without one, or on Ctrl-C."})
final class TailCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", defaultValue = "predictions", paramLabel = "TOPIC",
            description = "predictions, dead-letter, review or blocked (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--from-beginning", description = "Start at the oldest record (default: only new ones).")
    boolean fromBeginning;

    @Option(names = "--key", paramLabel = "ID", description = "Only the records of this correlation id.")
    String key;

    @Option(names = "--max", defaultValue = "0", paramLabel = "N",
            description = "Stop after N records, 0 = no limit (default: ${DEFAULT-VALUE}).")
    long max;

    @Option(names = "--idle-seconds", defaultValue = "0", paramLabel = "S",
            description = "Stop after S seconds without a record, 0 = never (default: ${DEFAULT-VALUE}).")
    double idleSeconds;

    /** One line of output: the record's place and key, its value as Avro writes it in JSON. */
    record Line(String topic, int partition, long offset, String key, long timestamp, @JsonRawValue String value) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = CoPartitioning.TIMEOUT;

    @Override
    public Integer call() throws Exception {
        if (max < 0 || !(idleSeconds >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max and --idle-seconds must be 0 or more");
        }
        TriageConfig c = config.load();
        Topics topics = Topics.from(c);
        TopicDefinition<String, ?> topic = switch (output) {
            case "predictions" -> topics.predictions();
            case "dead-letter" -> topics.deadLetters();
            case "review" -> topics.review();
            case "blocked" -> topics.blocked();
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "no output topic '" + output
                    + "': predictions, dead-letter, review or blocked");
        };
        Map<String, Object> consumerConfig = ClientConfigs.consumer(c.all());
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            Stopping.jvm().onStop(consumer::wakeup);
            tail(consumer, consumerConfig, topic, spec.commandLine().getOut());
        }
        return 0;
    }

    private void tail(KafkaConsumer<String, byte[]> consumer, Map<String, Object> consumerConfig,
                      TopicDefinition<String, ?> topic, PrintWriter out) throws JsonProcessingException {
        List<TopicPartition> partitions;
        try {
            partitions = consumer.partitionsFor(topic.name(), TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        } catch (KafkaException e) {
            throw ConnectionFailure.of(e, "reading the partitions of " + topic.name(), TIMEOUT, consumerConfig)
                    .orElseThrow(() -> e);
        }
        if (partitions.isEmpty()) {
            throw new IllegalStateException("no topic " + topic.name() + " (create it with 'triage topics')");
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        long printed = 0;
        long idleSince = System.nanoTime();
        try {
            while (max == 0 || printed < max) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    idleSince = System.nanoTime();
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (key != null && !key.equals(r.key())) {
                        continue;
                    }
                    Object value = r.value() == null ? null
                            : topic.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
                    out.println(JSON.writeValueAsString(new Line(r.topic(), r.partition(), r.offset(), r.key(),
                            r.timestamp(), value == null ? "null" : value.toString())));
                    out.flush();
                    if (max != 0 && ++printed >= max) {
                        return;
                    }
                }
                if (idleSeconds > 0 && System.nanoTime() - idleSince > (long) (idleSeconds * 1e9)) {
                    return;
                }
            }
        } catch (WakeupException stopped) {
            // Ctrl-C or SIGTERM: what was printed stays printed.
        }
    }
}
