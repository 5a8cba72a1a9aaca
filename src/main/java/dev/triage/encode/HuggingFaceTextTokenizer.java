package dev.triage.encode;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.triage.avro.Modality;
import dev.triage.model.Djl;
import dev.triage.model.TextContract;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@value TextContract#HUGGING_FACE} tokenizer: a Hugging Face {@code tokenizer.json} (WordPiece, BPE, Unigram,
 * with its normalizer, pre-tokenizer and special tokens) run by the Rust tokenizers library through DJL, whose jar
 * carries the native library. Special tokens are added as the file's post-processor says ({@code [CLS] … [SEP]}),
 * the encoding is truncated to {@code maxTokens} (special tokens kept), then right-padded with 0: the file's id 0
 * must be its padding token, which the bundle checks when it loads. Thread-safe. The native tokenizer is closed by
 * its owner: this one when {@link #load}ed, the model bundle when {@link #sharing} the bundle's.
 */
public final class HuggingFaceTextTokenizer implements Tokenizer, AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final boolean owned;
    private final int maxTokens;
    private final int maxTextChars;

    private HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer, boolean owned, int maxTokens, int maxTextChars) {
        this.tokenizer = tokenizer;
        this.owned = owned;
        this.maxTokens = maxTokens;
        this.maxTextChars = maxTextChars;
    }

    /**
     * Loads {@link TextContract#tokenizerFile()} into a native tokenizer of its own, released by {@link #close()};
     * an unreadable file is an {@link UncheckedIOException}.
     */
    public static HuggingFaceTextTokenizer load(TextContract contract, DecodeLimits limits) {
        checkContract(contract);
        try {
            return new HuggingFaceTextTokenizer(Djl.huggingFaceTokenizer(contract.tokenizerFile(), contract.maxTokens()),
                    true, contract.maxTokens(), limits.maxTextChars());
        } catch (IOException e) {
            throw new UncheckedIOException(contract.tokenizerFile() + ": unreadable tokenizer: " + e.getMessage(), e);
        }
    }

    /**
     * Tokenizes with {@code tokenizer}, made by {@link Djl#huggingFaceTokenizer} for {@code contract} and owned
     * elsewhere (a {@link dev.triage.model.ModelBundle}'s): {@link #close()} leaves it open, and once its owner
     * closes it every call fails.
     */
    public static HuggingFaceTextTokenizer sharing(HuggingFaceTokenizer tokenizer, TextContract contract,
                                                   DecodeLimits limits) {
        checkContract(contract);
        return new HuggingFaceTextTokenizer(tokenizer, false, contract.maxTokens(), limits.maxTextChars());
    }

    private static void checkContract(TextContract contract) {
        if (!TextContract.HUGGING_FACE.equals(contract.tokenizer()) || contract.tokenizerFile() == null) {
            throw new IllegalArgumentException("not a " + TextContract.HUGGING_FACE + " contract with a tokenizer file: "
                    + contract);
        }
    }

    @Override
    public long[] tokenize(String text) throws DecodeException {
        Tokenizer.checkText(text, maxTextChars);
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        long[] special = encoding.getSpecialTokenMask();
        boolean onlySpecial = true;
        for (long s : special) {
            onlySpecial &= s != 0;
        }
        if (onlySpecial) {
            throw new DecodeException(Modality.TEXT, DecodeException.Reason.EMPTY,
                    "text has no tokens (" + text.length() + " chars)");
        }
        long[] padded = new long[maxTokens];
        System.arraycopy(ids, 0, padded, 0, Math.min(ids.length, maxTokens));
        return padded;
    }

    /** Releases the native tokenizer if it is this one's own (see {@link #load}). */
    @Override
    public void close() {
        if (owned) {
            tokenizer.close();
        }
    }
}
