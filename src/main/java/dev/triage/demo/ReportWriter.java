package dev.triage.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.demo.DemoOutcome.Influence;
import dev.triage.demo.DemoSummary.ConfusionMatrix;
import dev.triage.demo.DemoSummary.Counts;
import dev.triage.demo.DemoSummary.DecisionExample;
import dev.triage.demo.DemoSummary.Decisions;
import dev.triage.demo.DemoSummary.ErrorCount;
import dev.triage.demo.DemoSummary.HistogramBucket;
import dev.triage.demo.DemoSummary.Latency;
import dev.triage.demo.DemoSummary.PolicySeen;
import dev.triage.demo.DemoSummary.Ratio;
import dev.triage.demo.DemoSummary.Summary;
import dev.triage.demo.DemoSummary.TimelineSecond;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a demo run's report directory ({@code summary.json} and a self-contained {@code report.html}) and formats the
 * summary for the terminal.
 */
public final class ReportWriter {
    public static final String SUMMARY_JSON = "summary.json";
    public static final String REPORT_HTML = "report.html";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    /** Same as {@link #write(Path, Summary, Map)} with no settings. */
    public static void write(Path dir, Summary summary) throws IOException {
        write(dir, summary, Map.of());
    }

    /**
     * Creates {@code dir} if needed and writes {@code summary.json} and {@code report.html} into it, each atomically
     * where the file system allows.
     *
     * @param settings how the run was configured (shown in the report, in iteration order); values go through Jackson
     */
    public static void write(Path dir, Summary summary, Map<String, ?> settings) throws IOException {
        Files.createDirectories(dir);
        writeFile(dir.resolve(SUMMARY_JSON), JSON.writeValueAsString(toJson(summary, settings)) + "\n");
        writeFile(dir.resolve(REPORT_HTML), ReportHtml.render(summary, settings));
    }

    private static void writeFile(Path target, String content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException atomicMoveUnsupported) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The content of {@code summary.json}. Undefined ratios and latencies are {@code null}, and so is
     * {@code decisions} when no prediction carried one.
     */
    public static ObjectNode toJson(Summary summary, Map<String, ?> settings) {
        Counts c = summary.counts();
        ObjectNode root = JSON.createObjectNode();
        root.put("posts", c.postsSent());
        root.put("predictions", c.predictions());
        root.put("dead_letters", c.deadLetters());
        putRatio(root, "accuracy", summary.accuracy());
        ObjectNode latency = root.putObject("latency_ms");
        Latency l = summary.latency();
        if (l.count() == 0) {
            for (String key : List.of("p50", "p95", "p99", "max", "mean")) {
                latency.putNull(key);
            }
        } else {
            latency.put("p50", l.p50()).put("p95", l.p95()).put("p99", l.p99()).put("max", l.max())
                    .put("mean", round(l.mean(), 3));
        }
        latency.put("count", l.count());
        root.put("throughput_posts_per_s", round(summary.throughputPostsPerSecond(), 3));
        root.put("every_post_accounted_for", summary.everyPostAccountedFor());
        root.put("started_at", Instant.ofEpochMilli(summary.startedAtMs()).toString());
        root.put("duration_ms", summary.durationMs());
        root.set("labels", JSON.valueToTree(summary.labels()));

        ObjectNode counts = root.putObject("counts");
        counts.put("posts_sent", c.postsSent()).put("valid_posts", c.validPosts())
                .put("complete_posts", c.completePosts()).put("events_sent", c.eventsSent())
                .put("bad_events_sent", c.badEventsSent()).put("predictions", c.predictions())
                .put("dead_letters", c.deadLetters()).put("posts_accounted", c.postsAccounted())
                .put("posts_missing", c.postsMissing()).put("posts_duplicated", c.postsDuplicated())
                .put("posts_unexpected_dead_letters", c.postsUnexpectedDeadLetters())
                .put("stray_predictions", c.strayPredictions()).put("stray_dead_letters", c.strayDeadLetters())
                .put("predictions_missing_modalities", c.predictionsMissingModalities());

        ObjectNode byLabel = root.putObject("accuracy_by_label");
        summary.accuracyByLabel().forEach((label, ratio) -> ratioObject(byLabel.putObject(label), ratio));
        ratioObject(root.putObject("accuracy_complete"), summary.accuracyComplete());
        ratioObject(root.putObject("accuracy_partial"), summary.accuracyPartial());

        ConfusionMatrix matrix = summary.confusion();
        ObjectNode confusion = root.putObject("confusion_matrix");
        confusion.put("rows", "true label").put("columns", "predicted label");
        confusion.set("labels", JSON.valueToTree(matrix.labels()));
        confusion.set("counts", JSON.valueToTree(matrix.counts()));

        ObjectNode stages = root.putObject("dead_letters_by_stage");
        summary.deadLettersByStage().forEach((stage, count) -> stages.put(stage.name(), count));
        ArrayNode errors = root.putArray("dead_letter_errors");
        for (ErrorCount error : summary.deadLetterErrors()) {
            errors.addObject().put("stage", error.stage().name()).put("error_class", error.errorClass())
                    .put("count", error.count()).put("sample_message", error.sampleMessage());
        }
        ObjectNode kinds = root.putObject("bad_events_by_kind");
        summary.badEventsByKind().forEach(kinds::put);

        ArrayNode histogram = root.putArray("latency_histogram_ms");
        for (HistogramBucket bucket : summary.latencyHistogram()) {
            ObjectNode node = histogram.addObject().put("from", bucket.fromMs());
            if (bucket.toMs() == Long.MAX_VALUE) {
                node.putNull("to");
            } else {
                node.put("to", bucket.toMs());
            }
            node.put("count", bucket.count());
        }
        ArrayNode timeline = root.putArray("timeline");
        for (TimelineSecond second : summary.timeline()) {
            timeline.addObject().put("second", second.second()).put("sent", second.sent())
                    .put("predicted", second.predicted()).put("dead_lettered", second.deadLettered());
        }
        decisionsJson(root, summary.decisions());
        root.set("settings", JSON.valueToTree(settings));
        return root;
    }

    private static void decisionsJson(ObjectNode root, Decisions decisions) {
        if (decisions == null) {
            root.putNull("decisions");
            return;
        }
        ObjectNode node = root.putObject("decisions");
        node.put("decided", decisions.decided()).put("undecided", decisions.undecided());
        ArrayNode policies = node.putArray("policies");
        for (PolicySeen policy : decisions.policies()) {
            policies.addObject().put("name", policy.name()).put("version", policy.version())
                    .put("hash", policy.hash());
        }
        ObjectNode counts = node.putObject("counts");
        decisions.actions().forEach((action, a) -> counts.put(action.name(), a.count()));
        ObjectNode actions = node.putObject("actions");
        decisions.actions().forEach((action, a) -> {
            ObjectNode one = actions.putObject(action.name());
            one.put("count", a.count());
            ObjectNode labels = one.putObject("by_triggering_label");
            a.byTriggeringLabel().forEach(labels::put);
            ObjectNode reasons = one.putObject("by_reason");
            a.byReason().forEach((reason, n) -> reasons.put(reason.name(), n));
            ObjectNode truth = one.putObject("by_true_label");
            a.byTrueLabel().forEach(truth::put);
            ObjectNode drivenBy = one.putObject("driven_by");
            a.drivenBy().forEach((modality, n) -> drivenBy.put(modality.name(), n));
            drivenBy.put("none", a.drivenByNone());
            ArrayNode examples = one.putArray("examples");
            for (DecisionExample e : a.examples()) {
                ObjectNode example = examples.addObject();
                example.put("correlation_id", e.correlationId()).put("true_label", e.trueLabel())
                        .put("predicted_label", e.predictedLabel()).put("reason", e.reason().name());
                example.set("triggered_by", JSON.valueToTree(e.triggeredBy()));
                example.put("deciding_label", e.decidingLabel());
                putNumber(example, "deciding_score", e.decidingScore());
                example.put("driven_by", e.drivenBy() == null ? null : e.drivenBy().name());
                putNumber(example, "driven_by_delta", e.drivenByDelta());
                ArrayNode influence = example.putArray("influence");
                for (Influence i : e.influence()) {
                    ObjectNode entry = influence.addObject().put("modality", i.modality().name());
                    putNumber(entry, "delta", i.delta());
                    entry.put("action_without", i.actionWithout().name());
                }
                ArrayNode present = example.putArray("modalities_present");
                e.modalitiesPresent().forEach(m -> present.add(m.name()));
            }
        });
    }

    /** Rounded to 4 decimals; NaN as {@code null}. */
    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, round(value, 4));
        }
    }

    private static void putRatio(ObjectNode node, String key, Ratio ratio) {
        if (ratio.defined()) {
            node.put(key, round(ratio.value(), 6));
        } else {
            node.putNull(key);
        }
    }

    private static void ratioObject(ObjectNode node, Ratio ratio) {
        putRatio(node, "accuracy", ratio);
        node.put("correct", ratio.correct()).put("total", ratio.total());
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** The end-of-run summary for the terminal: aligned key figures, accuracy by label, the confusion matrix. */
    public static String formatText(Summary summary) {
        Counts c = summary.counts();
        Latency l = summary.latency();
        StringBuilder out = new StringBuilder();
        out.append("Demo summary").append(summary.everyPostAccountedFor() ? "  [every post accounted for]"
                : "  [NOT every post accounted for]").append('\n');
        line(out, "posts sent", Long.toString(c.postsSent()), "complete " + c.completePosts() + ", valid "
                + c.validPosts() + ", events " + c.eventsSent() + ", bad events " + c.badEventsSent());
        line(out, "predictions", Long.toString(c.predictions()), "expected " + c.validPosts());
        StringBuilder stages = new StringBuilder("expected " + c.badEventsSent());
        summary.deadLettersByStage().forEach((stage, n) -> stages.append(", ").append(stage).append(' ').append(n));
        line(out, "dead letters", Long.toString(c.deadLetters()), stages.toString());
        line(out, "accounted for", c.postsAccounted() + "/" + c.postsSent(), "missing " + c.postsMissing()
                + ", duplicated " + c.postsDuplicated() + ", unexpected dead letters "
                + c.postsUnexpectedDeadLetters() + ", stray " + (c.strayPredictions() + c.strayDeadLetters()));
        line(out, "accuracy", percent(summary.accuracy()), summary.accuracy().correct() + "/"
                + summary.accuracy().total() + ", complete " + percent(summary.accuracyComplete()) + ", partial "
                + percent(summary.accuracyPartial()));
        line(out, "latency p50", l.count() == 0 ? "n/a" : l.p50() + " ms", l.count() == 0 ? ""
                : "p95 " + l.p95() + " ms, p99 " + l.p99() + " ms, max " + l.max() + " ms");
        line(out, "throughput", String.format(Locale.ROOT, "%.1f/s", summary.throughputPostsPerSecond()),
                "predictions per second over " + seconds(summary.durationMs()));
        Decisions decisions = summary.decisions();
        if (decisions != null) {
            line(out, "decisions", Long.toString(decisions.decided()), actionCounts(decisions) + "; policy "
                    + policies(decisions) + (decisions.undecided() > 0 ? "; without a decision "
                    + decisions.undecided() : ""));
        }

        out.append('\n');
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("label", "accuracy", "correct", "posts"));
        summary.accuracyByLabel().forEach((label, ratio) -> rows.add(List.of(label, percent(ratio),
                Long.toString(ratio.correct()), Long.toString(ratio.total()))));
        table(out, rows);

        ConfusionMatrix matrix = summary.confusion();
        out.append("\nconfusion matrix (rows: true label, columns: predicted)\n");
        List<List<String>> cells = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("");
        header.addAll(matrix.labels());
        cells.add(header);
        for (int row = 0; row < matrix.labels().size(); row++) {
            List<String> cellRow = new ArrayList<>();
            cellRow.add(matrix.labels().get(row));
            for (int column = 0; column < matrix.labels().size(); column++) {
                cellRow.add(Long.toString(matrix.count(row, column)));
            }
            cells.add(cellRow);
        }
        table(out, cells);
        return out.toString();
    }

    private static void line(StringBuilder out, String name, String value, String detail) {
        out.append(String.format(Locale.ROOT, "  %-14s %12s  %s", name, value, detail).stripTrailing()).append('\n');
    }

    /** First column left-aligned, the others right-aligned, two spaces apart. */
    private static void table(StringBuilder out, List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < columns; i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? cell + pad : "  " + pad + cell);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** E.g. "ALLOW 80, REVIEW 25, BLOCK 10". */
    static String actionCounts(Decisions decisions) {
        return decisions.actions().values().stream().map(a -> a.action() + " " + a.count())
                .collect(Collectors.joining(", "));
    }

    /** E.g. "reference-default v1", several joined by " + ". */
    static String policies(Decisions decisions) {
        return decisions.policies().stream().map(p -> p.name() + " v" + p.version())
                .collect(Collectors.joining(" + "));
    }

    /** E.g. "driven by AUDIO (+0.42)", or "driven by no modality" when no removal lowered the score. */
    static String drivenBy(DecisionExample example) {
        if (example.drivenBy() == null) {
            return "driven by no modality";
        }
        return "driven by " + example.drivenBy() + " (" + signed(example.drivenByDelta()) + ")";
    }

    /** Each present modality's delta, e.g. "TEXT +0.02, IMAGE -0.01, AUDIO +0.42". */
    static String deltas(DecisionExample example) {
        return example.influence().stream().map(i -> i.modality() + " " + signed(i.delta()))
                .collect(Collectors.joining(", "));
    }

    /** E.g. "+0.42", "-0.03". */
    static String signed(double value) {
        return String.format(Locale.ROOT, "%+.2f", value);
    }

    static String score(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String percent(Ratio ratio) {
        return ratio.defined() ? String.format(Locale.ROOT, "%.1f %%", ratio.value() * 100) : "n/a";
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
