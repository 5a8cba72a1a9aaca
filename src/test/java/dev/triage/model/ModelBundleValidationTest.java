package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelBundle.load refuses each kind of broken bundle with a message naming the file at fault. */
class ModelBundleValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FILES =
            {"model.json", "text_encoder.pt", "image_encoder.pt", "audio_encoder.pt", "fusion_head.pt"};

    @TempDir
    Path dir;

    @BeforeEach
    void copyReferenceBundle() throws IOException {
        for (String file : FILES) {
            Files.copy(TestBundles.REFERENCE.resolve(file), dir.resolve(file));
        }
    }

    @Test
    void intactCopyLoads() {
        try (ModelBundle bundle = load()) {
            assertThat(bundle.labels()).containsExactly("safe", "spam", "harassment", "violence");
            assertThat(bundle.manifest().fusion().inputWidth()).isEqualTo(384);
        }
    }

    @Test
    void missingModuleFile() throws IOException {
        Files.delete(dir.resolve("audio_encoder.pt"));
        assertRefused("audio_encoder.pt", "missing");
    }

    @Test
    void missingManifest() throws IOException {
        Files.delete(dir.resolve("model.json"));
        assertRefused("model.json", "missing");
    }

    @Test
    void unreadableTorchScript() throws IOException {
        Files.writeString(dir.resolve("image_encoder.pt"), "not a TorchScript archive");
        assertRefused("image_encoder.pt", "unreadable TorchScript");
    }

    @Test
    void encoderOutputWidthDiffersFromManifest() throws IOException {
        editManifest(m -> {
            m.withObjectProperty("text").put("outputWidth", 64);
            m.withObjectProperty("fusion").put("inputWidth", 320);
        });
        assertThatThrownBy(this::load).isInstanceOf(ModelBundleException.class)
                .satisfies(e -> assertThat(((ModelBundleException) e).failures()).satisfiesExactly(
                        text -> assertThat(text).hasMessage(dir.resolve("text_encoder.pt")
                                + ": output width 128 on a zero input, but model.json text.outputWidth is 64"),
                        // The manifest's fusion input width now differs from the head's, which fails too.
                        fusion -> assertThat(fusion).hasMessageStartingWith(dir.resolve("fusion_head.pt")
                                + ": failed on a zero input of shape [(1, 320), (1, 3)]")));
    }

    @Test
    void fusionInputWidthIsNotTheSumOfEncoderWidths() throws IOException {
        editManifest(m -> m.withObjectProperty("fusion").put("inputWidth", 400));
        assertRefused("model.json", "fusion.inputWidth: 400, but text.outputWidth + image.outputWidth"
                + " + audio.outputWidth = 128 + 128 + 128 = 384 (one of the four is wrong)");
    }

    @Test
    void labelCountDiffersFromFusionOutputWidth() throws IOException {
        editManifest(m -> m.withArrayProperty("labels").remove(3));
        assertRefused("fusion_head.pt", "output width 4 but model.json lists 3 labels");
    }

    @Test
    void unknownTokenizer() throws IOException {
        editManifest(m -> m.withObjectProperty("text").put("tokenizer", "sentencepiece-v9"));
        assertRefused("model.json", "unknown tokenizer 'sentencepiece-v9'");
    }

    @Test
    void moduleThatDoesNotAcceptTheContractShape() throws IOException {
        editManifest(m -> m.withObjectProperty("text").put("file", "audio_encoder.pt"));
        assertRefused("audio_encoder.pt", "failed on a zero input of shape [(1, 48)]");
    }

    @Test
    void manifestListsEveryMissingMistypedAndUnknownFieldWithItsSection() throws IOException {
        editManifest(m -> {
            m.withObjectProperty("audio").remove("clipSamples");
            m.withObjectProperty("image").remove("channelOrder");
            m.withObjectProperty("text").put("maxTokens", "48");
            m.withObjectProperty("fusion").put("maskorder", "TEXT");
            m.remove("version");
        });
        assertThatThrownBy(this::load)
                .isInstanceOf(ModelBundleException.class)
                .satisfies(e -> assertThat(((ModelBundleException) e).problems()).containsExactlyInAnyOrder(
                        "version: missing",
                        "text.maxTokens: expected an integer, got string \"48\"",
                        "image.channelOrder: missing",
                        "audio.clipSamples: missing",
                        "fusion.maskorder: unknown field (known: [file, inputWidth, maskOrder])"));
    }

    @Test
    void manifestListsEveryInvalidValue() throws IOException {
        editManifest(m -> {
            m.withObjectProperty("text").put("vocabSize", 0);
            m.withObjectProperty("image").put("channelOrder", "BGR");
        });
        assertThatThrownBy(this::load)
                .isInstanceOf(ModelBundleException.class)
                .satisfies(e -> assertThat(((ModelBundleException) e).problems()).containsExactly(
                        "text.vocabSize: must be > 0, got 0", "image.channelOrder: must be RGB, got BGR"));
    }

    @Test
    void moduleWhoseOutputDoesNotFollowTheBatchIsRefused() throws IOException {
        useBrokenTextEncoder("frozen_batch_text_encoder.pt");
        assertRefused("text_encoder.pt", "returned 1 rows for a batch of 3 zero rows: its output does not follow"
                + " the batch size");
    }

    @Test
    void moduleThatGivesNaNOnAnAllZeroInputIsRefused() throws IOException {
        useBrokenTextEncoder("nan_on_padding_text_encoder.pt");
        assertRefused("text_encoder.pt", "gives NaN in row 0 of a batch of 1 zero rows: every output must be finite");
    }

    @Test
    void textEncoderWhoseEmbeddingIsSmallerThanTheVocabularyIsRefused() throws IOException {
        Path manifest = dir.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"vocabSize\": 8192",
                "\"vocabSize\": 100000"));
        assertRefused("text_encoder.pt", "failed on a row of id 99999 (text.vocabSize - 1, the highest id the"
                + " tokenizer gives; an embedding with fewer rows than text.vocabSize?): ");
    }

    @Test
    void torchScriptErrorKeepsItsCauseAndWhereItWasRaised() throws IOException {
        useBrokenTextEncoder("last_non_pad_text_encoder.pt");
        assertRefused("text_encoder.pt", "failed on a zero input of shape [(1, 48)]: RuntimeError: ");
        assertThatThrownBy(this::load)
                .hasMessageContaining("index -1")
                .hasMessageMatching("(?s).*\\(TorchScript make_broken_modules\\.py line \\d+, in forward: "
                        + "last = \\(row != 0\\)\\.nonzero\\(\\)\\[-1\\]\\)")
                .hasMessageNotContaining("The following operation failed");
    }

    @Test
    void everyFailingModuleIsNamedNotOnlyTheFirst() throws IOException {
        Files.writeString(dir.resolve("image_encoder.pt"), "not a TorchScript archive");
        Files.delete(dir.resolve("fusion_head.pt"));
        assertThatThrownBy(this::load)
                .isInstanceOf(ModelBundleException.class)
                .hasMessageStartingWith("2 modules of " + dir + " refused: ")
                .satisfies(e -> assertThat(((ModelBundleException) e).failures())
                        .extracting(ModelBundleException::file)
                        .containsExactly(dir.resolve("image_encoder.pt"), dir.resolve("fusion_head.pt")));
    }

    @Test
    void textInputsTriageCannotFeedAreRefused() throws IOException {
        editManifest(m -> m.withObjectProperty("text").putArray("inputs").add("input_ids").add("token_type_ids"));
        assertRefused("model.json", "text.inputs: must be one of [[input_ids], [input_ids, attention_mask]] (the text"
                + " encoder's forward arguments), got [input_ids, token_type_ids]");
    }

    @Test
    void anAttentionMaskForAnEncoderThatTakesOnlyIdsFailsOnTheZeroInput() throws IOException {
        editManifest(m -> m.withObjectProperty("text").putArray("inputs").add("input_ids").add("attention_mask"));
        assertRefused("text_encoder.pt", "failed on a zero input of shape [(1, 48)]");
    }

    @Test
    void moduleFileOutsideTheBundle() throws IOException {
        editManifest(m -> m.withObjectProperty("fusion").put("file", "../fusion_head.pt"));
        assertRefused("model.json", "not a file inside the bundle");
    }

    @Test
    void huggingFaceTokenizerFileInTheBundleLoadsAndResolves() throws IOException {
        useHuggingFaceTokenizer("wordpiece-tokenizer.json");
        try (ModelBundle bundle = load()) {
            assertThat(bundle.textContract()).isEqualTo(new TextContract(TextContract.HUGGING_FACE, 8192, 48,
                    dir.resolve("tokenizer.json")));
        }
    }

    @Test
    void huggingFaceTokenizerNeedsItsFile() throws IOException {
        editManifest(m -> m.withObjectProperty("text").put("tokenizer", "huggingface"));
        assertRefused("model.json", "text.tokenizerFile: missing (the huggingface tokenizer reads a tokenizer.json");
    }

    @Test
    void tokenizerWhoseIdZeroIsNotPaddingIsRefused() throws IOException {
        useHuggingFaceTokenizer("wordpiece-tokenizer.json");
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, Files.readString(file).replace("[PAD]", "[BOS]"));
        assertRefused("tokenizer.json", "id 0 is '[BOS]', not its padding token: Triage right-pads ids with 0");
    }

    @Test
    void tokenizerWithIdsBeyondTheVocabSizeIsRefused() throws IOException {
        useHuggingFaceTokenizer("wordpiece-tokenizer.json");
        editManifest(m -> m.withObjectProperty("text").put("vocabSize", 10));
        assertRefused("tokenizer.json", "has ids up to 13, but model.json text.vocabSize is 10");
    }

    private void useHuggingFaceTokenizer(String name) throws IOException {
        Files.copy(Path.of("src/test/resources/tokenizers", name), dir.resolve("tokenizer.json"));
        editManifest(m -> m.withObjectProperty("text").put("tokenizer", "huggingface")
                .put("tokenizerFile", "tokenizer.json"));
    }

    /** Replaces the text encoder with one of src/test/resources/broken-modules (see make_broken_modules.py there). */
    private void useBrokenTextEncoder(String name) throws IOException {
        Files.copy(Path.of("src/test/resources/broken-modules", name), dir.resolve("text_encoder.pt"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private ModelBundle load() {
        return ModelBundle.load(dir, RuntimeSettings.cpu(1));
    }

    private void assertRefused(String file, String problem) {
        assertThatThrownBy(this::load)
                .isInstanceOf(ModelBundleException.class)
                .hasMessageStartingWith(dir.resolve(file) + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((ModelBundleException) e).file()).isEqualTo(dir.resolve(file)));
    }

    private void editManifest(Consumer<ObjectNode> edit) throws IOException {
        Path file = dir.resolve("model.json");
        ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(manifest);
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
    }
}
