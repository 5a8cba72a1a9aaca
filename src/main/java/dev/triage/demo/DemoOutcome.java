package dev.triage.demo;

import dev.triage.avro.Action;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Decision;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.ModalityInfluence;
import dev.triage.avro.Prediction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a demo run observed: what the synthetic producer sent ({@link Sent}) and what came back on the predictions
 * ({@link Predicted}) and dead-letter ({@link DeadLettered}) topics. All times are wall-clock epoch millis of this JVM.
 */
public sealed interface DemoOutcome {

    /** The post this outcome is about; {@code null} only for a dead letter whose post could not be read. */
    String correlationId();

    /** A deliberately bad event the producer sent for a post, e.g. {@code "corrupt-image"} on {@code IMAGE}. */
    record BadEvent(Modality modality, String kind) {
        public BadEvent {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * One post as sent.
     *
     * @param trueLabel   the ground-truth label
     * @param modalities  modalities sent as valid events (empty for a post made only of bad events)
     * @param badEvents   deliberately bad events sent with this post's correlation id
     * @param lastSentAtMs when the last valid event was sent (or the last bad one, if there is no valid event);
     *                     latency is measured from here
     */
    record Sent(String correlationId, String trueLabel, Set<Modality> modalities, List<BadEvent> badEvents,
                long lastSentAtMs) implements DemoOutcome {
        public Sent {
            Objects.requireNonNull(correlationId, "correlationId");
            Objects.requireNonNull(trueLabel, "trueLabel");
            modalities = inOrder(modalities);
            badEvents = List.copyOf(badEvents);
        }

        /** A post of valid events only. */
        public static Sent valid(String correlationId, String trueLabel, Set<Modality> modalities, long sentAtMs) {
            return new Sent(correlationId, trueLabel, modalities, List.of(), sentAtMs);
        }

        /** A post with at least one valid event must produce exactly one prediction. */
        public boolean expectsPrediction() {
            return !modalities.isEmpty();
        }

        /** All three modalities were sent as valid events. */
        public boolean complete() {
            return modalities.size() == Modality.values().length;
        }

        /** How many events were sent, valid and bad. */
        public int events() {
            return modalities.size() + badEvents.size();
        }

        /** What should come back for this post: one prediction if any event is valid, one dead letter per bad event. */
        public int expectedOutcomes() {
            return (expectsPrediction() ? 1 : 0) + badEvents.size();
        }
    }

    /**
     * A prediction as read from the predictions topic.
     *
     * @param decision what the policy decided, {@code null} when the prediction carries no decision (no policy)
     */
    record Predicted(String correlationId, String label, Map<String, Double> scores, Set<Modality> modalitiesPresent,
                     long readAtMs, Decided decision) implements DemoOutcome {
        public Predicted {
            Objects.requireNonNull(correlationId, "correlationId");
            Objects.requireNonNull(label, "label");
            scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
            modalitiesPresent = inOrder(modalitiesPresent);
        }

        /** A prediction without a decision. */
        public Predicted(String correlationId, String label, Map<String, Double> scores,
                         Set<Modality> modalitiesPresent, long readAtMs) {
            this(correlationId, label, scores, modalitiesPresent, readAtMs, null);
        }

        public static Predicted of(Prediction prediction, long readAtMs) {
            Map<String, Double> scores = new LinkedHashMap<>();
            for (LabelScore score : prediction.getScores()) {
                scores.put(score.getLabel(), (double) score.getScore());
            }
            return new Predicted(prediction.getCorrelationId(), prediction.getLabel(), scores,
                    Set.copyOf(prediction.getModalitiesPresent()), readAtMs,
                    prediction.getDecision() == null ? null : Decided.of(prediction.getDecision()));
        }

        /** The score of the decision's deciding label, NaN without a decision or when the scores lack the label. */
        public double decidingScore() {
            return decision == null ? Double.NaN : scores.getOrDefault(decision.decidingLabel(), Double.NaN);
        }
    }

    /**
     * What the demo keeps of a prediction's {@link Decision}.
     *
     * @param triggeredBy   the labels whose thresholds triggered the action (empty for ALLOW)
     * @param decidingLabel the label the influence is measured on
     * @param drivenBy      the present modality whose removal lowers the deciding label's score the most, or
     *                      {@code null} when no removal lowers it
     * @param influence     one entry per present modality, in TEXT, IMAGE, AUDIO order
     */
    record Decided(Action action, DecisionReason reason, List<String> triggeredBy, String decidingLabel,
                   Modality drivenBy, List<Influence> influence, String policyName, String policyVersion,
                   String policyHash) {
        public Decided {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(decidingLabel, "decidingLabel");
            triggeredBy = List.copyOf(triggeredBy);
            influence = List.copyOf(influence);
            policyName = policyName == null ? "" : policyName;
            policyVersion = policyVersion == null ? "" : policyVersion;
            policyHash = policyHash == null ? "" : policyHash;
        }

        public static Decided of(Decision decision) {
            List<Influence> influence = decision.getInfluence().stream()
                    .map(i -> new Influence(i.getModality(), i.getDelta(), i.getActionWithout()))
                    .toList();
            return new Decided(decision.getAction(), decision.getReason(),
                    decision.getTriggeredBy().stream().map(CharSequence::toString).toList(),
                    decision.getDecidingLabel().toString(), decision.getDrivenBy(), influence,
                    str(decision.getPolicyName()), str(decision.getPolicyVersion()), str(decision.getPolicyHash()));
        }

        /** The influence of {@code modality}, if it was present. */
        public Influence influenceOf(Modality modality) {
            return influence.stream().filter(i -> i.modality() == modality).findFirst().orElse(null);
        }

        private static String str(CharSequence text) {
            return text == null ? null : text.toString();
        }
    }

    /**
     * What one present modality did to a decision ({@link ModalityInfluence}).
     *
     * @param delta         the deciding label's score minus its score with the modality masked out
     * @param actionWithout the action the thresholds give the scores without the modality
     */
    record Influence(Modality modality, double delta, Action actionWithout) {
        public Influence {
            Objects.requireNonNull(modality, "modality");
            Objects.requireNonNull(actionWithout, "actionWithout");
        }
    }

    /** A dead letter as read from the dead-letter topic. */
    record DeadLettered(String correlationId, DeadLetterStage stage, String errorClass, String message,
                        long readAtMs) implements DemoOutcome {
        public DeadLettered {
            Objects.requireNonNull(stage, "stage");
            errorClass = errorClass == null ? "" : errorClass;
            message = message == null ? "" : message;
        }

        /**
         * Reads the post from the dead letter's correlation id, or else from the original record key (a record that
         * could not be deserialized still has its key, which is the correlation id).
         */
        public static DeadLettered of(DeadLetter deadLetter, long readAtMs) {
            String correlationId = deadLetter.getCorrelationId();
            if (correlationId == null && deadLetter.getKey() != null) {
                ByteBuffer key = deadLetter.getKey().duplicate();
                byte[] bytes = new byte[key.remaining()];
                key.get(bytes);
                correlationId = bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
            }
            return new DeadLettered(correlationId, deadLetter.getStage(), deadLetter.getErrorClass(),
                    deadLetter.getMessage(), readAtMs);
        }
    }

    /** An unmodifiable copy iterating in TEXT, IMAGE, AUDIO order. */
    private static Set<Modality> inOrder(Collection<Modality> modalities) {
        EnumSet<Modality> copy = EnumSet.noneOf(Modality.class);
        copy.addAll(modalities);
        return Collections.unmodifiableSet(copy);
    }
}
