package dev.triage.reliability;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Prediction;
import dev.triage.demo.FeedPost;
import dev.triage.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
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

        /** The input record it stands for: topic, partition and offset (the message too where those are unknown). */
        String source() {
            return letter.getTopic() + "-" + letter.getPartition() + "@" + letter.getOffset()
                    + (letter.getOffset() < 0 ? " " + letter.getMessage() : "");
        }

        /** What must be equal in two runs over the same input: key, input record, stage and reason. */
        String identity() {
            return key + " " + source() + " " + stageAndReason();
        }
    }

    /**
     * Reads both topics from the start until {@code done} holds for the number of records read and no more arrive
     * for {@code quiet}, or {@code patience} has passed.
     */
    static CommittedOutputs read(String bootstrap, Topics topics, IntPredicate done, Duration quiet,
                                 Duration patience) {
        Map<String, Object> props = consumerProperties(bootstrap);
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

    /** A {@code read_committed} consumer of its own group, from the start of the topics. */
    static Map<String, Object> consumerProperties(String bootstrap) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reliability-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
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

    /** Input records with more than one dead letter. */
    List<String> duplicateDeadLetters() {
        Map<String, Integer> counts = new TreeMap<>();
        deadLetters.forEach(d -> counts.merge(d.source(), 1, Integer::sum));
        return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /** The posts without a prediction. */
    List<String> missing(Collection<FeedPost> posts) {
        return posts.stream().map(FeedPost::correlationId).filter(id -> !predictions.containsKey(id)).toList();
    }

    /** Predictions (the first one of a post) whose modalities are not exactly the post's valid ones. */
    List<String> wrongModalities(Collection<FeedPost> posts) {
        List<String> wrong = new ArrayList<>();
        for (FeedPost p : posts) {
            List<Prediction> got = predictions.getOrDefault(p.correlationId(), List.of());
            if (!got.isEmpty() && !EnumSet.copyOf(got.get(0).getModalitiesPresent()).equals(p.validModalities())) {
                wrong.add(p.correlationId() + " " + got.get(0).getModalitiesPresent() + " != "
                        + p.validModalities());
            }
        }
        return wrong;
    }

    /**
     * Bad events without exactly one dead letter of their stage and reason (keyed by their post's id), and dead letters
     * that no bad event explains.
     */
    List<String> wrongDeadLetters(Collection<FeedPost> posts) {
        Map<String, String> expected = new TreeMap<>();
        for (FeedPost p : posts) {
            if (p.bad() != null) {
                expected.put(p.correlationId(), p.bad().stage() + "/" + p.bad().reason());
            }
        }
        Map<String, List<String>> byKey = new HashMap<>();
        deadLetters.forEach(d -> byKey.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d.stageAndReason()));
        List<String> wrong = new ArrayList<>();
        expected.forEach((id, want) -> {
            List<String> got = byKey.getOrDefault(id, List.of());
            if (!got.equals(List.of(want))) {
                wrong.add(id + ": want " + want + ", got " + got);
            }
        });
        byKey.forEach((id, got) -> {
            if (!expected.containsKey(id)) {
                wrong.add(id + ": unexpected " + got);
            }
        });
        return wrong;
    }

    /**
     * How another run over the same input differs from this one: a post scored in one and not the other, or not
     * exactly once; another label or other modalities; a score further off than {@code tolerance}; a dead letter
     * (key, input record, stage, reason) in one and not the other.
     */
    List<String> differencesFrom(CommittedOutputs other, double tolerance) {
        List<String> differences = new ArrayList<>();
        java.util.Set<String> ids = new java.util.TreeSet<>(predictions.keySet());
        ids.addAll(other.predictions.keySet());
        for (String id : ids) {
            List<Prediction> mine = predictions.getOrDefault(id, List.of());
            List<Prediction> theirs = other.predictions.getOrDefault(id, List.of());
            if (mine.size() != 1 || theirs.size() != 1) {
                differences.add(id + ": " + mine.size() + " vs " + theirs.size() + " predictions");
            } else if (!mine.get(0).getLabel().equals(theirs.get(0).getLabel())
                    || !mine.get(0).getModalitiesPresent().equals(theirs.get(0).getModalitiesPresent())
                    || maxScoreDifference(mine.get(0), theirs.get(0)) > tolerance) {
                differences.add(id + ": " + mine.get(0).getLabel() + " " + mine.get(0).getModalitiesPresent() + " "
                        + mine.get(0).getScores() + " vs " + theirs.get(0).getLabel() + " "
                        + theirs.get(0).getModalitiesPresent() + " " + theirs.get(0).getScores());
            }
        }
        Map<String, Integer> letters = new TreeMap<>();
        deadLetters.forEach(d -> letters.merge(d.identity(), 1, Integer::sum));
        other.deadLetters.forEach(d -> letters.merge(d.identity(), -1, Integer::sum));
        letters.forEach((letter, surplus) -> {
            if (surplus != 0) {
                differences.add("dead letter " + letter + ": " + (surplus > 0 ? surplus + " more" : -surplus
                        + " fewer") + " than in the other run");
            }
        });
        return differences;
    }

    /** The largest difference of two predictions' per-label scores (1 where the labels are not in the same order). */
    static double maxScoreDifference(Prediction a, Prediction b) {
        double max = 0;
        for (int i = 0; i < a.getScores().size(); i++) {
            LabelScore x = a.getScores().get(i);
            LabelScore y = b.getScores().get(i);
            max = Math.max(max, x.getLabel().equals(y.getLabel()) ? Math.abs(x.getScore() - y.getScore()) : 1);
        }
        return max;
    }
}
