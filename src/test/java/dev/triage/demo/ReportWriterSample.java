package dev.triage.demo;

import static dev.triage.avro.Modality.IMAGE;

import dev.triage.avro.Action;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.Modality;
import dev.triage.demo.DemoOutcome.BadEvent;
import dev.triage.demo.DemoOutcome.DeadLettered;
import dev.triage.demo.DemoOutcome.Decided;
import dev.triage.demo.DemoOutcome.Influence;
import dev.triage.demo.DemoOutcome.Predicted;
import dev.triage.demo.DemoOutcome.Sent;
import dev.triage.demo.DemoSummary.Summary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded, realistic-looking run for report tests and for looking at the HTML: {@code main(dir)} writes a report.
 */
final class ReportWriterSample {
    static final List<String> LABELS = List.of("safe", "spam", "harassment", "violence");
    static final long T0 = 1_754_000_000_000L;

    private ReportWriterSample() {}

    static Summary summary(int posts, long seed) {
        return fill(new DemoSummary(LABELS, () -> T0), posts, seed, false).summary();
    }

    /** A run that went wrong: lost and duplicated predictions, a stray dead letter, a valid event that failed. */
    static Summary brokenSummary(int posts, long seed) {
        return fill(new DemoSummary(LABELS, () -> T0), posts, seed, true).summary();
    }

    private static DemoSummary fill(DemoSummary summary, int posts, long seed, boolean broken) {
        Random random = new Random(seed);
        Random policy = new Random(seed + 1); // its own draws, so the decisions leave the rest of the run as it was
        for (int i = 0; i < posts; i++) {
            String id = "post-" + i;
            String label = LABELS.get(random.nextDouble() < 0.55 ? 0 : 1 + random.nextInt(3));
            Set<Modality> modalities = EnumSet.allOf(Modality.class);
            if (random.nextDouble() < 0.2) {
                modalities.remove(Modality.values()[random.nextInt(3)]);
            }
            List<BadEvent> bad = new ArrayList<>();
            if (random.nextDouble() < 0.03) {
                Modality failing = modalities.iterator().next();
                modalities.remove(failing);
                bad.add(new BadEvent(failing, failing == IMAGE ? "corrupt-image" : "not-avro"));
            }
            long sentAt = T0 + (long) (i * 20_000.0 / posts) + random.nextInt(20);
            summary.sent(new Sent(id, label, modalities, bad, sentAt));
            for (BadEvent b : bad) {
                boolean decode = b.kind().equals("corrupt-image");
                summary.deadLettered(new DeadLettered(decode ? id : null,
                        decode ? DeadLetterStage.DECODE : DeadLetterStage.DESERIALIZE,
                        decode ? "dev.triage.encode.DecodeException" : "org.apache.kafka.common.errors.SerializationException",
                        decode ? "image: not a PNG or JPEG (first bytes 00 13 37 ff)" : "Unknown magic byte!",
                        sentAt + 30 + random.nextInt(40)));
            }
            if (!modalities.isEmpty()) {
                boolean complete = modalities.size() == 3;
                double accuracy = complete ? 0.96 : 0.82;
                String predicted = random.nextDouble() < accuracy ? label : LABELS.get(random.nextInt(4));
                long latency = (long) Math.exp(3.6 + 0.45 * random.nextGaussian()) + (i % 97 == 0 ? 900 : 0);
                Predicted prediction = decide(policy, id, predicted, modalities, sentAt + latency);
                if (!broken || i % 50 != 7) {
                    summary.predicted(prediction);
                }
                if (broken && i % 100 == 3) {
                    summary.predicted(prediction);
                }
                if (broken && i % 250 == 11) {
                    summary.deadLettered(new DeadLettered(id, DeadLetterStage.ENCODE, "ai.djl.engine.EngineException",
                            "<script>alert('x')</script> & shape mismatch", sentAt + latency));
                }
            }
        }
        if (broken) {
            summary.deadLettered(new DeadLettered("nobody", DeadLetterStage.JOIN,
                    "dev.triage.topology.LateEventException", "late", T0 + 1_000));
        }
        return summary;
    }

    /** A decision like the reference policy's: safe is allowed, other labels reviewed or blocked by their score. */
    private static Predicted decide(Random random, String id, String predicted, Set<Modality> modalities,
                                    long readAt) {
        boolean safe = predicted.equals("safe");
        String deciding = safe ? "spam" : predicted;
        double score = safe ? 0.02 + 0.2 * random.nextDouble() : 0.4 + 0.59 * random.nextDouble();
        Action action = safe ? Action.ALLOW : score >= 0.85 ? Action.BLOCK : Action.REVIEW;
        DecisionReason reason = safe ? DecisionReason.NO_THRESHOLD : DecisionReason.THRESHOLD;
        if (!safe && action == Action.BLOCK && modalities.size() < 3 && score < 0.9) {
            action = Action.REVIEW;
            reason = DecisionReason.MISSING_MODALITY;
        }
        List<Influence> influence = new ArrayList<>();
        Modality drivenBy = null;
        double largest = 0;
        for (Modality modality : modalities) {
            double delta = safe ? 0.05 * random.nextGaussian() : 0.3 * random.nextDouble() - 0.05;
            influence.add(new Influence(modality, delta, score - delta >= 0.85 ? Action.BLOCK
                    : score - delta >= 0.4 && !safe ? Action.REVIEW : Action.ALLOW));
            if (delta > largest) {
                largest = delta;
                drivenBy = modality;
            }
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put(predicted, safe ? 0.9 : score);
        scores.put(deciding, score);
        return new Predicted(id, predicted, scores, modalities, readAt, new Decided(action, reason,
                safe ? List.of() : List.of(predicted), deciding, drivenBy, influence, "reference-default", "1",
                "sha256:5f0c2a9e1b7d4c3e8a6f0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e"));
    }

    static Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("posts", 2000);
        settings.put("rate_per_s", 100);
        settings.put("seed", 42);
        settings.put("model", "triage-reference 1.0.0");
        settings.put("batch_size", 32);
        settings.put("join_window", "PT5S");
        settings.put("bad_event_rate", 0.03);
        return settings;
    }

    /** Writes a report: {@code main(dir [, posts [, "broken"]])}. */
    public static void main(String[] args) throws Exception {
        int posts = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Summary summary = args.length > 2 && args[2].equals("broken") ? brokenSummary(posts, 42) : summary(posts, 42);
        ReportWriter.write(Path.of(args[0]), summary, settings());
        System.out.println(ReportWriter.formatText(summary));
    }
}
