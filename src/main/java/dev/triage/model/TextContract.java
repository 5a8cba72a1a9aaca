package dev.triage.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;

/**
 * What the text encoder expects: token ids from the named tokenizer, ids in {@code [0, vocabSize)}, 0 is padding,
 * right-padded or truncated to {@code maxTokens}. {@code tokenizerFile} is the Hugging Face tokenizer.json of the
 * {@value #HUGGING_FACE} tokenizer, null for the others.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TextContract(String tokenizer, int vocabSize, int maxTokens, Path tokenizerFile) {

    /** The tokenizer name that reads a Hugging Face tokenizer.json (WordPiece, BPE, Unigram). */
    public static final String HUGGING_FACE = "huggingface";

    /** A contract whose tokenizer needs no file. */
    public TextContract(String tokenizer, int vocabSize, int maxTokens) {
        this(tokenizer, vocabSize, maxTokens, null);
    }
}
