package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code triage model check} on copies of the reference bundle, intact and with broken parts. */
class ModelCheckCommandTest {

    private static final Path REFERENCE = Path.of("models/reference");
    private static final Path BROKEN = Path.of("src/test/resources/broken-modules");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    @BeforeEach
    void copyReferenceBundle() throws IOException {
        try (Stream<Path> files = Files.walk(REFERENCE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(REFERENCE.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }

    private int check(String... options) {
        picocli.CommandLine cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        String[] args = Stream.concat(Stream.of("model", "check", dir.toString(), "--seconds", "0.05"),
                Stream.of(options)).toArray(String[]::new);
        return cli.execute(args);
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    @Test
    void referenceBundlePassesEveryCheckWithItsOwnFixtures() {
        assertThat(check()).as(out.toString()).isZero();
        assertThat(lines()).filteredOn(l -> l.startsWith("ok    ")).hasSize(2 + 4 + 3);
        assertThat(out.toString())
                .contains("ok    text_encoder: batches of 1, 3, 8, all-zero and random input: one row of 128 finite")
                .contains("ok    fusion_head: batches of 1, 3, 8, all-zero and random input: one row of 4 finite")
                .contains("ok    parity with PyTorch at batch 32: max abs diff text ")
                .contains("throughput, items/s (cpu(), 1 intra-op thread(s), 0.05 s per case):")
                .contains("model check passed")
                .doesNotContain("FAIL", "warn");
        assertThat(lines()).anyMatch(l -> l.matches("  audio_encoder +[0-9.]+ +[0-9.]+"));
    }

    @Test
    void everyManifestProblemIsListedWithItsSectionAndField() throws IOException {
        editManifest(m -> {
            m.withObjectProperty("audio").remove("clipSamples");
            m.withObjectProperty("image").put("size", "224");
            m.withObjectProperty("text").put("vocab", 8192);
        });
        assertThat(check()).isEqualTo(1);
        assertThat(lines()).filteredOn(l -> l.startsWith("FAIL  ")).containsExactlyInAnyOrder(
                "FAIL  model.json text.vocab: unknown field (known: [file, tokenizer, vocabSize, maxTokens, outputWidth,"
                        + " tokenizerFile, inputs])",
                "FAIL  model.json image.size: expected an integer, got string \"224\"",
                "FAIL  model.json audio.clipSamples: missing");
        assertThat(out.toString()).contains("model check FAILED: 3 problem(s)").doesNotContain("load");
    }

    @Test
    void everyInvalidManifestValueIsListed() throws IOException {
        editManifest(m -> {
            m.withObjectProperty("image").put("size", -1);
            m.withObjectProperty("fusion").put("inputWidth", 385);
        });
        assertThat(check()).isEqualTo(1);
        assertThat(lines()).filteredOn(l -> l.startsWith("FAIL  ")).containsExactly(
                "FAIL  model.json image.size: must be > 0, got -1",
                "FAIL  model.json fusion.inputWidth: 385, but text.outputWidth + image.outputWidth + audio.outputWidth"
                        + " = 128 + 128 + 128 = 384 (one of the four is wrong)");
    }

    @Test
    void moduleWhoseOutputDoesNotFollowTheBatchFails() throws IOException {
        useTextEncoder("frozen_batch_text_encoder.pt");
        assertThat(check()).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  load: text_encoder: " + dir.resolve("text_encoder.pt")
                + ": returned 1 rows for a batch of 3 zero rows").contains("model check FAILED: 1 problem(s)");
    }

    @Test
    void everyFailingModuleIsReportedWithItsName() throws IOException {
        useTextEncoder("frozen_batch_text_encoder.pt");
        Files.writeString(dir.resolve("image_encoder.pt"), "not a TorchScript archive");
        Files.delete(dir.resolve("fusion_head.pt"));
        assertThat(check()).isEqualTo(1);
        assertThat(lines()).filteredOn(l -> l.startsWith("FAIL  ")).satisfiesExactly(
                l -> assertThat(l).startsWith("FAIL  load: text_encoder: " + dir.resolve("text_encoder.pt")
                        + ": returned 1 rows for a batch of 3 zero rows"),
                l -> assertThat(l).startsWith("FAIL  load: image_encoder: " + dir.resolve("image_encoder.pt")
                        + ": unreadable TorchScript"),
                l -> assertThat(l).isEqualTo("FAIL  load: fusion_head: " + dir.resolve("fusion_head.pt")
                        + ": missing (fusion.file in model.json)"));
        assertThat(out.toString()).contains("model check FAILED: 3 problem(s)").doesNotContain("audio_encoder");
    }

    @Test
    void moduleWhoseRowsDependOnTheirBatchFails() throws IOException {
        useTextEncoder("batch_centred_text_encoder.pt");
        assertThat(check("--no-fixtures")).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  text_encoder: a row's output depends on its batch: max abs diff")
                .contains("ok    image_encoder: ").contains("ok    fusion_head: ")
                .contains("skip  short texts, throughput: a module failed above")
                .doesNotContain("throughput, items/s");
    }

    @Test
    void outputsThatDifferFromTheFixturesFailParity() throws IOException {
        useTextEncoder("other_text_encoder.pt");
        assertThat(check("--fixtures", dir.resolve("fixtures").toString())).isEqualTo(1);
        assertThat(lines()).filteredOn(l -> l.startsWith("FAIL  parity with PyTorch at batch ")).hasSize(3);
        assertThat(out.toString()).contains("ok    text_encoder: ");
    }

    @Test
    void missingFixturesAreAFailureNamingTheFile() {
        assertThat(check("--fixtures", dir.resolve("nowhere").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  parity fixtures " + dir.resolve("nowhere") + ": "
                + dir.resolve("nowhere/fixtures.json") + ": unreadable parity fixtures");
    }

    private void useTextEncoder(String name) throws IOException {
        Files.copy(BROKEN.resolve(name), dir.resolve("text_encoder.pt"), StandardCopyOption.REPLACE_EXISTING);
    }

    private void editManifest(java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path file = dir.resolve("model.json");
        ObjectNode manifest = (ObjectNode) json.readTree(file.toFile());
        edit.accept(manifest);
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
    }

    @Test
    void aMissingDirectoryOrANegativeNumberIsAUsageErrorNamingIt() {
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Path nowhere = dir.resolve("nope");

        assertThat(cli.execute("model", "check", nowhere.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no bundle directory at " + nowhere);
        assertThat(cli.execute("model", "check", dir.toString(), "--seconds", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--seconds must be 0 or more");
        assertThat(cli.execute("model", "check", dir.toString(), "--threads", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--threads must be 1 or more");
    }
}
