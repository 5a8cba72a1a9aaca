package dev.triage.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks a bundle's Hugging Face tokenizer.json against the text contract before anything is served: the Rust
 * library reads it, its largest id is below {@code vocabSize} (the text encoder's id limit), and its id 0 is the
 * padding token (Triage right-pads with 0, and the all-zero input is "a post without text"). Id 0 passes as padding
 * when the file's padding names pad id 0, or when the special token with id 0 is called a pad token ([PAD], &lt;pad&gt;).
 */
final class TokenizerFileCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFileCheck() {}

    /** Every problem of {@code file} for a text encoder of {@code vocabSize} ids; empty when it can be served. */
    static List<String> problems(Path file, int vocabSize) {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            return List.of("unreadable: " + e.getMessage());
        }
        try (HuggingFaceTokenizer ignored = Djl.tokenizerBuilder().optTokenizerPath(file).build()) {
            // Parsed by the library that will run it.
        } catch (IOException | RuntimeException e) {
            return List.of("not a tokenizer.json the tokenizers library reads: " + e.getMessage());
        }
        long maxId = -1;
        String idZero = null;
        boolean idZeroSpecial = false;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (var entries = vocab.fields(); entries.hasNext(); ) {
                var entry = entries.next();
                maxId = Math.max(maxId, entry.getValue().asLong());
                if (entry.getValue().asLong() == 0) {
                    idZero = entry.getKey();
                }
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], the id is the index
            maxId = vocab.size() - 1;
            idZero = vocab.size() > 0 ? vocab.get(0).path(0).asText() : null;
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asLong());
            if (added.path("id").asLong() == 0) {
                idZero = added.path("content").asText();
                idZeroSpecial = added.path("special").asBoolean();
            }
        }
        if (maxId >= vocabSize) {
            problems.add("has ids up to " + maxId + ", but model.json text.vocabSize is " + vocabSize
                    + " (the text encoder's ids are in [0, vocabSize))");
        }
        boolean padIdZero = root.path("padding").path("pad_id").isIntegralNumber()
                && root.path("padding").path("pad_id").asLong() == 0;
        boolean zeroIsPad = idZeroSpecial && idZero.toLowerCase(Locale.ROOT).contains("pad");
        if (!padIdZero && !zeroIsPad) {
            problems.add("id 0 is " + (idZero == null ? "no token" : "'" + idZero + "'") + ", not its padding token:"
                    + " Triage right-pads ids with 0 (a vocabulary with [PAD] = 0, as BERT's, works; re-map the ids"
                    + " of one where 0 is a real token)");
        }
        return problems;
    }
}
