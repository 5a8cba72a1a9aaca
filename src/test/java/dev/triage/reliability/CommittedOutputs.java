package dev.triage.reliability;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.Prediction;
import dev.triage.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What Triage committed: its predictions and dead letters as a {@code read_committed} consumer sees them, keyed by
 * correlation id (a dead letter's record key is the post's id, or the input record's key).
 */
record CommittedOutputs(Map<String, List<Prediction>> predictions, List<Keyed> deadLetters) {

    /** A dead letter with its record key. */
    record Keyed(String key, DeadLetter letter) {
        String stageAndReason() {
            return letter.getStage() + "/" + letter.getReason();
        }
    }

    /**
     * Reads both topics from the start until {@code done} holds for the number of records read and no more arrive
     * for {@code quiet}, or {@code patience} has passed.
     */
    static CommittedOutputs read(String bootstrap, Topics topics, IntPredicate done, Duration quiet,
                                 Duration patience) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reliability-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        Map<String, List<Prediction>> predictions = new LinkedHashMap<>();
        List<Keyed> deadLetters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.predictions().name(), topics.deadLetters().name()));
            long deadline = System.currentTimeMillis() + patience.toMillis();
            long lastRecord = System.currentTimeMillis();
            int count = 0;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    count++;
                    lastRecord = System.currentTimeMillis();
                    if (r.topic().equals(topics.predictions().name())) {
                        Prediction p = topics.predictions().valueSerde().deserializer().deserialize(r.topic(),
                                r.value());
                        predictions.computeIfAbsent(p.getCorrelationId(), k -> new ArrayList<>()).add(p);
                    } else {
                        deadLetters.add(new Keyed(r.key(), topics.deadLetters().valueSerde().deserializer()
                                .deserialize(r.topic(), r.value())));
                    }
                }
                if (done.test(count) && System.currentTimeMillis() - lastRecord >= quiet.toMillis()) {
                    break;
                }
            }
        }
        return new CommittedOutputs(predictions, deadLetters);
    }

    int predictionCount() {
        return predictions.values().stream().mapToInt(List::size).sum();
    }

    /** Correlation ids with more than one prediction. */
    List<String> duplicatePredictions() {
        return predictions.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
    }

    /** Dead letters counted by stage and reason, e.g. {@code DECODE/EMPTY=12}. */
    Map<String, Integer> deadLettersByStageAndReason() {
        Map<String, Integer> counts = new TreeMap<>();
        deadLetters.forEach(d -> counts.merge(d.stageAndReason(), 1, Integer::sum));
        return counts;
    }
}
