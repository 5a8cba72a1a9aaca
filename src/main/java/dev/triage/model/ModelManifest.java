package dev.triage.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A bundle's {@code model.json}: labels, the input contract and output width of each encoder, and the fusion head.
 * Every field is required except those marked {@code @JsonInclude(NON_NULL)}, and unknown fields are refused.
 * Semantic checks live in {@link ModelBundle}.
 */
public record ModelManifest(
        String name, String version, List<String> labels,
        TextSpec text, ImageSpec image, AudioSpec audio, FusionSpec fusion) {

    /** The manifest's file name inside a bundle. */
    public static final String FILE_NAME = "model.json";

    // Missing and null fields are found (all of them at once) by ManifestFields before binding.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * Text encoder: TorchScript file, tokenizer contract, embedding width. {@code tokenizerFile} (the tokenizer.json
     * of the {@value TextContract#HUGGING_FACE} tokenizer, relative to the bundle) is left out for the others.
     * {@code inputs} names the encoder's forward arguments (see {@link TextEncoderInputs}); left out, the ids alone.
     */
    public record TextSpec(String file, String tokenizer, int vocabSize, int maxTokens, int outputWidth,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String tokenizerFile,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<String> inputs) {

        /** A text encoder whose tokenizer needs no file, taking the ids alone. */
        public TextSpec(String file, String tokenizer, int vocabSize, int maxTokens, int outputWidth) {
            this(file, tokenizer, vocabSize, maxTokens, outputWidth, null, null);
        }

        /** The encoder's forward arguments: {@code inputs}, or {@link TextEncoderInputs#DEFAULT} when left out. */
        public List<String> encoderInputs() {
            return inputs == null ? TextEncoderInputs.DEFAULT : inputs;
        }

        /** The preprocessing contract, its tokenizer file (if any) as named in model.json. */
        public TextContract contract() {
            return new TextContract(tokenizer, vocabSize, maxTokens, tokenizerFile == null ? null : Path.of(tokenizerFile));
        }
    }

    /** Image encoder: TorchScript file, pixel contract, embedding width. */
    public record ImageSpec(String file, int size, String channelOrder, List<Double> mean, List<Double> std,
                            int outputWidth) {
        /** The preprocessing contract. */
        public ImageContract contract() {
            return new ImageContract(size, channelOrder, mean, std);
        }
    }

    /** Audio encoder: TorchScript file, waveform contract, embedding width. */
    public record AudioSpec(String file, int sampleRate, int clipSamples, int outputWidth) {
        /** The preprocessing contract. */
        public AudioContract contract() {
            return new AudioContract(sampleRate, clipSamples);
        }
    }

    /** Fusion head: TorchScript file, width of the concatenated embedding, order of the mask columns. */
    public record FusionSpec(String file, int inputWidth, List<String> maskOrder) {}

    /**
     * Parses {@code file}; a missing, unreadable or malformed file is a {@link ModelBundleException} naming it, and
     * one with missing, mistyped or unknown fields lists every one of them as {@code section.field: problem}.
     */
    public static ModelManifest read(Path file) {
        try {
            JsonNode tree = MAPPER.readTree(file.toFile());
            List<String> problems = ManifestFields.problems(tree);
            if (!problems.isEmpty()) {
                throw new ModelBundleException(file, problems);
            }
            return MAPPER.treeToValue(tree, ModelManifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ModelBundleException(file, "missing", e);
        } catch (JacksonException e) {
            throw new ModelBundleException(file, "malformed: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelBundleException(file, "unreadable: " + e.getMessage(), e);
        }
    }

    /** The JSON form, as written into a bundle. */
    public String toJson() {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }
}
