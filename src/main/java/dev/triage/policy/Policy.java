package dev.triage.policy;

import dev.triage.avro.Action;
import dev.triage.avro.DecisionReason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A moderation policy: per label, the score at which a post is held for review and the score at which it is
 * blocked; the strictest action any label triggers wins. A score equal to a threshold triggers it; thresholds are
 * compared at the precision scores are published in (float). A post scored without some modality may be raised to
 * the partial rule's action when one of its labels is within the rule's margin of a stricter action's threshold.
 *
 * @param hash {@code sha256:} of the policy file's bytes: every decision names it
 * @param rules the labels the policy acts on, in the file's order
 * @param partial the rule for posts missing a modality, or null to decide them like complete posts
 */
public record Policy(String name, String version, String hash, List<LabelRule> rules, PartialRule partial) {

    /** One label's thresholds; a null threshold never triggers. */
    public record LabelRule(String label, Float review, Float block) {
        /** This label's threshold for {@code action}, or null (ALLOW has none). */
        Float threshold(Action action) {
            return switch (action) {
                case REVIEW -> review;
                case BLOCK -> block;
                case ALLOW -> null;
            };
        }

        /** The threshold that triggers first. */
        float lowest() {
            return review != null ? review : block;
        }
    }

    /** Raise a partial post to {@code action} when a label is within {@code margin} of a stricter threshold. */
    public record PartialRule(Action action, float margin) {}

    /**
     * What the thresholds (and the partial rule) say of one post's scores.
     *
     * @param decidingLabel the label of {@code triggeredBy} furthest over its threshold (for ALLOW: the policy's
     *     label closest to its lowest threshold): the label the influence of each modality is measured on
     */
    public record Verdict(Action action, DecisionReason reason, List<String> triggeredBy, String decidingLabel) {}

    /** The policy {@code file} describes, checked as a whole: every problem, in one line. */
    static Policy of(PolicyFile file, String hash, String where) {
        List<String> problems = new ArrayList<>();
        if (file.name() == null || file.name().isBlank()) {
            problems.add("name: missing");
        }
        if (file.version() == null || file.version().isBlank()) {
            problems.add("version: missing");
        }
        List<LabelRule> rules = new ArrayList<>();
        if (file.labels() == null || file.labels().isEmpty()) {
            problems.add("labels: missing (a policy acts on at least one label)");
        } else {
            for (Map.Entry<String, PolicyFile.Thresholds> e : file.labels().entrySet()) {
                rules.add(rule(e.getKey(), e.getValue(), problems));
            }
        }
        PartialRule partial = partial(file.partial(), problems);
        if (!problems.isEmpty()) {
            throw new PolicyException("policy " + where + " refused: " + String.join("; ", problems));
        }
        return new Policy(file.name(), file.version(), hash, List.copyOf(rules), partial);
    }

    private static LabelRule rule(String label, PolicyFile.Thresholds t, List<String> problems) {
        String at = "labels." + label;
        if (t == null || (t.review() == null && t.block() == null)) {
            problems.add(at + ": needs a review or a block threshold");
            return new LabelRule(label, null, null);
        }
        Float review = threshold(t.review(), at + ".review", problems);
        Float block = threshold(t.block(), at + ".block", problems);
        if (review != null && block != null && review > block) {
            problems.add(at + ": review threshold " + t.review() + " is above the block threshold " + t.block());
        }
        return new LabelRule(label, review, block);
    }

    private static Float threshold(Double value, String at, List<String> problems) {
        if (value == null) {
            return null;
        }
        if (!(value >= 0 && value <= 1)) {
            problems.add(at + ": " + value + " is not a score in [0, 1]");
        }
        return value.floatValue();
    }

    private static PartialRule partial(PolicyFile.Partial p, List<String> problems) {
        if (p == null) {
            return null;
        }
        Action action = null;
        if (p.action() == null) {
            problems.add("partial.action: missing (REVIEW or BLOCK)");
        } else {
            try {
                action = Action.valueOf(p.action().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("partial.action: " + p.action() + " is not REVIEW or BLOCK");
            }
            if (action == Action.ALLOW) {
                problems.add("partial.action: ALLOW never raises a post (leave partial out instead)");
            }
        }
        if (p.margin() == null) {
            problems.add("partial.margin: missing (a score distance in [0, 1])");
        } else if (!(p.margin() >= 0 && p.margin() <= 1)) {
            problems.add("partial.margin: " + p.margin() + " is not in [0, 1]");
        }
        return action == null || p.margin() == null ? null : new PartialRule(action, p.margin().floatValue());
    }

    /** The policy's labels that {@code labels} (a model's) lacks; empty when the policy can act on that model. */
    public List<String> unknownLabels(Collection<String> labels) {
        return rules.stream().map(LabelRule::label).filter(l -> !labels.contains(l)).toList();
    }

    /** Refuses a model whose labels do not include every label the policy acts on. */
    public void requireLabels(Collection<String> labels) {
        List<String> unknown = unknownLabels(labels);
        if (!unknown.isEmpty()) {
            throw new PolicyException("policy " + name + " " + version + " acts on labels the model does not have: "
                    + unknown + " (the model's labels: " + List.copyOf(labels) + ")");
        }
    }

    /** The action the thresholds alone give {@code scores} (in the order of {@code labels}). */
    public Action thresholdAction(List<String> labels, float[] scores) {
        return thresholds(ruleScores(labels, scores), labels).action();
    }

    /** The decision for a post's {@code scores}; {@code partial}: it was scored without some modality. */
    public Verdict decide(List<String> labels, float[] scores, boolean partial) {
        float[] ruleScores = ruleScores(labels, scores);
        Verdict byThresholds = thresholds(ruleScores, labels);
        Action got = byThresholds.action();
        if (!partial || this.partial == null || this.partial.action().ordinal() <= got.ordinal()) {
            return byThresholds;
        }
        // Labels within the margin below a threshold stricter than the action they got: the missing modality could
        // have pushed them over.
        Pick near = pick(ruleScores, (rule, score) -> {
            Float gap = null;
            for (Action stricter : Action.values()) {
                Float t = rule.threshold(stricter);
                if (stricter.ordinal() > got.ordinal() && t != null && score >= t - this.partial.margin()
                        && (gap == null || score - t > gap)) {
                    gap = score - t;
                }
            }
            return gap;
        });
        return near.labels().isEmpty() ? byThresholds : new Verdict(this.partial.action(),
                DecisionReason.MISSING_MODALITY, inOrder(near.labels(), labels), near.furthest());
    }

    private Verdict thresholds(float[] ruleScores, List<String> labels) {
        for (Action action : new Action[] {Action.BLOCK, Action.REVIEW}) {
            Pick triggered = pick(ruleScores, (rule, score) -> {
                Float t = rule.threshold(action);
                return t != null && score >= t ? score - t : null;
            });
            if (!triggered.labels().isEmpty()) {
                return new Verdict(action, DecisionReason.THRESHOLD, inOrder(triggered.labels(), labels),
                        triggered.furthest());
            }
        }
        Pick nearest = pick(ruleScores, (rule, score) -> score - rule.lowest());
        return new Verdict(Action.ALLOW, DecisionReason.NO_THRESHOLD, List.of(), nearest.furthest());
    }

    /** Each rule's label's score, in the order of {@link #rules}. */
    private float[] ruleScores(List<String> labels, float[] scores) {
        float[] out = new float[rules.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = scores[labels.indexOf(rules.get(r).label())];
        }
        return out;
    }

    /** The labels of the rules {@code gap} accepts, and the one whose gap is largest (the first, on a tie). */
    private record Pick(List<String> labels, String furthest) {}

    /** @param gap a rule's distance over (or under) its threshold, given its score; null where the rule is out */
    private Pick pick(float[] ruleScores, BiFunction<LabelRule, Float, Float> gap) {
        List<String> picked = new ArrayList<>();
        String furthest = null;
        float largest = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < ruleScores.length; r++) {
            LabelRule rule = rules.get(r);
            Float g = gap.apply(rule, ruleScores[r]);
            if (g != null) {
                picked.add(rule.label());
                if (g > largest) {
                    largest = g;
                    furthest = rule.label();
                }
            }
        }
        return new Pick(picked, furthest);
    }

    /** {@code some} in the order of the model's {@code labels}. */
    private static List<String> inOrder(List<String> some, List<String> labels) {
        return labels.stream().filter(some::contains).toList();
    }
}
