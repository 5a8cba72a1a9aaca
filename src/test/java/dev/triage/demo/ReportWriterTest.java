package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.avro.Action;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.Modality;
import dev.triage.demo.DemoOutcome.DeadLettered;
import dev.triage.demo.DemoOutcome.Predicted;
import dev.triage.demo.DemoOutcome.Sent;
import dev.triage.demo.DemoSummary.Summary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = ReportWriterSample.T0;

    @TempDir
    Path dir;

    /** Two posts: one right, one wrong, with known latencies 20 and 60 ms; one bad event dead-lettered. */
    private static Summary small() {
        DemoSummary summary = new DemoSummary(ReportWriterSample.LABELS, () -> T0);
        Set<Modality> all = EnumSet.allOf(Modality.class);
        summary.sent(Sent.valid("a", "spam", all, T0));
        summary.sent(new Sent("b", "violence", EnumSet.of(Modality.IMAGE),
                List.of(new DemoOutcome.BadEvent(Modality.AUDIO, "corrupt-audio")), T0 + 1_000));
        summary.predicted(new Predicted("a", "spam", Map.of("spam", 0.8), all, T0 + 20));
        summary.predicted(new Predicted("b", "safe", Map.of("safe", 0.6), EnumSet.of(Modality.IMAGE), T0 + 1_060));
        summary.deadLettered(new DeadLettered("b", DeadLetterStage.DECODE, "x.AudioDecodeException",
                "not a WAV file", T0 + 1_010));
        return summary.summary();
    }

    @Test
    void writesSummaryJsonWithTheRequiredKeys() throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("posts", 2);
        settings.put("seed", 7L);
        settings.put("model", "triage-reference");

        ReportWriter.write(dir, small(), settings);

        JsonNode json = JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
        assertThat(json.get("posts").asLong()).isEqualTo(2);
        assertThat(json.get("predictions").asLong()).isEqualTo(2);
        assertThat(json.get("dead_letters").asLong()).isEqualTo(1);
        assertThat(json.get("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(json.get("latency_ms").get("p50").asLong()).isEqualTo(20);
        assertThat(json.get("latency_ms").get("p95").asLong()).isEqualTo(60);
        assertThat(json.get("latency_ms").get("p99").asLong()).isEqualTo(60);
        assertThat(json.get("latency_ms").get("max").asLong()).isEqualTo(60);
        // 2 predictions from the first send (T0) to the last read (T0 + 1060).
        assertThat(json.get("throughput_posts_per_s").asDouble()).isEqualTo(1.887);
        assertThat(json.get("every_post_accounted_for").asBoolean()).isTrue();
        assertThat(json.get("accuracy_by_label").get("spam").get("accuracy").asDouble()).isEqualTo(1.0);
        assertThat(json.get("accuracy_by_label").get("violence").get("correct").asLong()).isZero();
        assertThat(json.get("accuracy_by_label").get("safe").get("accuracy").isNull()).isTrue();
        assertThat(json.get("accuracy_partial").get("total").asLong()).isEqualTo(1);
        assertThat(JSON.convertValue(json.get("confusion_matrix").get("labels"), String[].class))
                .containsExactlyElementsOf(ReportWriterSample.LABELS);
        assertThat(json.get("confusion_matrix").get("counts").get(3).get(0).asLong()).isEqualTo(1);
        assertThat(json.get("confusion_matrix").get("counts").get(1).get(1).asLong()).isEqualTo(1);
        assertThat(json.get("dead_letters_by_stage").get("DECODE").asLong()).isEqualTo(1);
        assertThat(json.get("dead_letter_errors").get(0).get("sample_message").asText()).isEqualTo("not a WAV file");
        assertThat(json.get("bad_events_by_kind").get("corrupt-audio").asLong()).isEqualTo(1);
        assertThat(json.get("counts").get("posts_accounted").asLong()).isEqualTo(2);
        assertThat(json.get("latency_histogram_ms")).hasSize(DemoSummary.LATENCY_BUCKETS_MS.length + 1);
        assertThat(json.get("timeline")).hasSize(2);
        assertThat(json.get("settings")).isEqualTo(JSON.valueToTree(Map.of(
                "posts", 2, "seed", 7, "model", "triage-reference")));
    }

    /** Three posts, one per action: a BLOCK driven by AUDIO, a partial REVIEW, an ALLOW that nothing drove. */
    private static Summary decided() {
        DemoSummary summary = new DemoSummary(ReportWriterSample.LABELS, () -> T0);
        Set<Modality> all = EnumSet.allOf(Modality.class);
        Set<Modality> textAudio = EnumSet.of(Modality.TEXT, Modality.AUDIO);
        summary.sent(Sent.valid("blocked", "violence", all, T0));
        summary.sent(Sent.valid("reviewed", "spam", textAudio, T0 + 1));
        summary.sent(Sent.valid("allowed", "safe", all, T0 + 2));
        summary.predicted(DemoSummaryTest.decided("blocked", "violence", 0.91, Action.BLOCK, DecisionReason.THRESHOLD,
                List.of("violence"), all, T0 + 20, 0.05, 0.1, 0.42));
        summary.predicted(DemoSummaryTest.decided("reviewed", "spam", 0.7, Action.REVIEW,
                DecisionReason.MISSING_MODALITY, List.of("spam"), textAudio, T0 + 30, 0.25, -0.03));
        summary.predicted(DemoSummaryTest.decided("allowed", "violence", 0.01, Action.ALLOW,
                DecisionReason.NO_THRESHOLD, List.of(), all, T0 + 40, -0.01, 0.0, -0.02));
        return summary.summary();
    }

    @Test
    void summaryJsonCarriesTheDecisions() throws Exception {
        ReportWriter.write(dir, decided());

        JsonNode d = JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile()).get("decisions");
        assertThat(d.get("decided").asLong()).isEqualTo(3);
        assertThat(d.get("undecided").asLong()).isZero();
        assertThat(d.get("policies").get(0).get("name").asText()).isEqualTo("reference-default");
        assertThat(d.get("policies").get(0).get("version").asText()).isEqualTo("1");
        assertThat(d.get("policies").get(0).get("hash").asText()).isEqualTo("abc123");
        assertThat(d.get("counts")).isEqualTo(JSON.readTree("{\"ALLOW\": 1, \"REVIEW\": 1, \"BLOCK\": 1}"));
        JsonNode block = d.get("actions").get("BLOCK");
        assertThat(block.get("count").asLong()).isEqualTo(1);
        assertThat(block.get("by_triggering_label")).isEqualTo(JSON.readTree("{\"spam\": 0, \"violence\": 1}"));
        assertThat(block.get("by_reason").get("THRESHOLD").asLong()).isEqualTo(1);
        assertThat(block.get("by_true_label").get("violence").asLong()).isEqualTo(1);
        assertThat(block.get("driven_by")).isEqualTo(JSON.readTree(
                "{\"TEXT\": 0, \"IMAGE\": 0, \"AUDIO\": 1, \"none\": 0}"));
        JsonNode example = block.get("examples").get(0);
        assertThat(example.get("correlation_id").asText()).isEqualTo("blocked");
        assertThat(example.get("true_label").asText()).isEqualTo("violence");
        assertThat(example.get("predicted_label").asText()).isEqualTo("violence");
        assertThat(example.get("reason").asText()).isEqualTo("THRESHOLD");
        assertThat(example.get("triggered_by")).isEqualTo(JSON.readTree("[\"violence\"]"));
        assertThat(example.get("deciding_label").asText()).isEqualTo("violence");
        assertThat(example.get("deciding_score").asDouble()).isEqualTo(0.91);
        assertThat(example.get("driven_by").asText()).isEqualTo("AUDIO");
        assertThat(example.get("driven_by_delta").asDouble()).isEqualTo(0.42);
        assertThat(example.get("influence")).hasSize(3);
        assertThat(example.get("influence").get(2).get("modality").asText()).isEqualTo("AUDIO");
        assertThat(example.get("influence").get(2).get("delta").asDouble()).isEqualTo(0.42);
        assertThat(example.get("influence").get(2).get("action_without").asText()).isEqualTo("ALLOW");
        assertThat(example.get("modalities_present")).isEqualTo(JSON.readTree("[\"TEXT\", \"IMAGE\", \"AUDIO\"]"));
        JsonNode review = d.get("actions").get("REVIEW");
        assertThat(review.get("by_reason").get("MISSING_MODALITY").asLong()).isEqualTo(1);
        assertThat(review.get("examples").get(0).get("modalities_present"))
                .isEqualTo(JSON.readTree("[\"TEXT\", \"AUDIO\"]"));
        JsonNode allowed = d.get("actions").get("ALLOW").get("examples").get(0);
        assertThat(allowed.get("driven_by").isNull()).isTrue();
        assertThat(allowed.get("driven_by_delta").isNull()).isTrue();
        assertThat(allowed.get("triggered_by")).isEmpty();
        assertThat(d.get("actions").get("ALLOW").get("driven_by").get("none").asLong()).isEqualTo(1);
    }

    @Test
    void aRunWithoutAPolicyHasNullDecisions() throws Exception {
        ReportWriter.write(dir, small());

        JsonNode json = JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
        assertThat(json.has("decisions")).isTrue();
        assertThat(json.get("decisions").isNull()).isTrue();
        assertThat(ReportWriter.formatText(small())).doesNotContain("decisions");
        assertThat(Files.readString(dir.resolve(ReportWriter.REPORT_HTML)))
                .contains("<h2>Decisions</h2>", "No policy: the predictions carried no decision.");
    }

    @Test
    void reportShowsTheActionsTheirLabelsAndExamplesWithTheDrivingModality() {
        Summary summary = decided();

        String html = ReportHtml.render(summary, Map.of());
        assertThat(html).contains("<h2>Decisions</h2>", "<code>reference-default</code> v1",
                "<span class=\"action BLOCK\">BLOCK</span>", "<th class=\"num\">violence</th>",
                "<code>blocked</code>", "driven by AUDIO (+0.42)", "TEXT +0.05, IMAGE +0.10, AUDIO +0.42",
                "driven by TEXT (+0.25)", "<code>MISSING_MODALITY</code> by spam", "driven by no modality",
                "violence 0.91");
        assertThat(html).doesNotContain("No policy");

        String text = ReportWriter.formatText(summary);
        assertThat(text.lines()).contains(
                "  decisions                 3  ALLOW 1, REVIEW 1, BLOCK 1; policy reference-default v1");
    }

    @Test
    void undefinedNumbersAreNullInJson() throws Exception {
        Summary empty = new DemoSummary(ReportWriterSample.LABELS).summary();

        ReportWriter.write(dir, empty);

        JsonNode json = JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
        assertThat(json.get("posts").asLong()).isZero();
        assertThat(json.get("accuracy").isNull()).isTrue();
        assertThat(json.get("latency_ms").get("p50").isNull()).isTrue();
        assertThat(json.get("throughput_posts_per_s").asDouble()).isZero();
        assertThat(json.get("settings").isEmpty()).isTrue();
        assertThat(Files.readString(dir.resolve(ReportWriter.REPORT_HTML))).contains("No posts were sent");
    }

    @Test
    void writesOneSelfContainedHtmlFileWithSvgCharts() throws Exception {
        Path nested = dir.resolve("reports/run-1");
        ReportWriter.write(nested, ReportWriterSample.summary(400, 3), ReportWriterSample.settings());

        String html = Files.readString(nested.resolve(ReportWriter.REPORT_HTML), StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").endsWith("</html>\n");
        assertThat(count(html, "<svg ")).isEqualTo(3);
        assertThat(count(html, "<svg ")).isEqualTo(count(html, "</svg>"));
        assertThat(html).contains("Latency", "Throughput over time", "Confusion matrix", "Accuracy", "Counts",
                "Dead letters", "Settings", "Every post accounted for");
        assertThat(html).contains("<table class=\"confusion\">");
        assertThat(html).contains("<h2>Decisions</h2>", "<span class=\"action REVIEW\">REVIEW</span>", "driven by ");
        // Nothing to fetch and nothing to run: no scripts, links, images, external fonts or url() references.
        assertThat(html).doesNotContain("<script", "<link", "<img", "src=", "href=", "@import", "url(", "@font-face");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http:", "https:");
        assertThat(nested).isDirectoryContaining(p -> p.getFileName().toString().equals(ReportWriter.SUMMARY_JSON));
        try (var files = Files.list(nested)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(ReportWriter.SUMMARY_JSON, ReportWriter.REPORT_HTML);
        }
    }

    @Test
    void histogramBarsMatchTheSummary() {
        Summary summary = small();
        String html = ReportHtml.render(summary, Map.of());
        // The 20 ms and the 60 ms post each fill one bar, titled by its bucket.
        assertThat(html).contains("<title>20-50 ms: 1</title>", "<title>50-100 ms: 1</title>",
                "<title>at least 10s: 0</title>");
    }

    @Test
    void escapesTextFromTheRun() {
        Map<String, Object> settings = Map.of("note<", "<b>\"bold\" & 'quoted'</b>");
        String html = ReportHtml.render(ReportWriterSample.brokenSummary(300, 5), settings);

        assertThat(html).contains("&lt;b&gt;&quot;bold&quot; &amp; &#39;quoted&#39;&lt;/b&gt;", "note&lt;")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .doesNotContain("<b>\"bold\"", "<script>");
        assertThat(html).contains("posts not accounted for");
    }

    @Test
    void formatsTheTerminalSummaryAsAlignedTables() {
        String text = ReportWriter.formatText(small());

        assertThat(text).startsWith("Demo summary  [every post accounted for]\n");
        assertThat(text).contains("  posts sent                2  ", "  accuracy             50.0 %  1/2, complete 100.0 %, partial 0.0 %",
                "  latency p50           20 ms  p95 60 ms, p99 60 ms, max 60 ms",
                "  dead letters              1  expected 1, DECODE 1\n");
        List<String> lines = text.lines().toList();
        int header = lines.indexOf("confusion matrix (rows: true label, columns: predicted)");
        assertThat(lines.subList(header + 1, header + 6)).containsExactly(
                "              safe  spam  harassment  violence",
                "  safe           0     0           0         0",
                "  spam           0     1           0         0",
                "  harassment     0     0           0         0",
                "  violence       1     0           0         0");
        assertThat(lines).contains(
                "  label       accuracy  correct  posts",
                "  safe             n/a        0      0",
                "  spam         100.0 %        1      1",
                "  violence       0.0 %        0      1");
    }

    @Test
    void niceAxisSteps() {
        assertThat(ReportCharts.niceStep(0.3)).isEqualTo(1);
        assertThat(ReportCharts.niceStep(3)).isEqualTo(5);
        assertThat(ReportCharts.niceStep(2.2)).isEqualTo(2.5);
        assertThat(ReportCharts.niceIntegerStep(2.2)).isEqualTo(5);
        assertThat(ReportCharts.niceStep(330)).isEqualTo(500);
        assertThat(ReportCharts.axisTop(1318)).isEqualTo(2000);
        assertThat(ReportCharts.axisTop(0)).isEqualTo(4);
    }

    private static int count(String text, String needle) {
        Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
