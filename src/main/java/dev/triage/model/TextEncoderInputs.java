package dev.triage.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The forward arguments of a text encoder, as model.json's {@code text.inputs} names them: the token ids alone
 * ({@value #INPUT_IDS}, the default), or the ids and an attention mask ({@value #INPUT_IDS}, {@value #ATTENTION_MASK}),
 * both int64 {@code [B, maxTokens]}. Callers only ever give the ids: the mask is derived from them where the module
 * runs ({@link TorchModule}'s translator), 1 where the id is not 0 and 0 where it is. Ids are right-padded with 0,
 * and 0 is no token's id but padding's (the hashing tokenizer's ids start at 1, a Hugging Face tokenizer.json's id 0
 * must be its pad token), so the mask is 1 for every real token, special tokens included, and 0 for padding.
 */
public final class TextEncoderInputs {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    /** What a text encoder takes when model.json does not say. */
    public static final List<String> DEFAULT = List.of(INPUT_IDS);
    /** The argument lists Triage can feed. */
    public static final List<List<String>> SUPPORTED = List.of(DEFAULT, List.of(INPUT_IDS, ATTENTION_MASK));

    private TextEncoderInputs() {}

    /** What is wrong with {@code inputs} as {@code text.inputs}, or null when Triage can feed it. */
    static String problem(List<String> inputs) {
        return SUPPORTED.contains(inputs) ? null
                : "text.inputs: must be one of " + SUPPORTED + " (the text encoder's forward arguments), got " + inputs;
    }

    /** Whether {@code inputs} (model.json's {@code text.inputs}, null for the default) includes the mask. */
    public static boolean takesAttentionMask(List<String> inputs) {
        return inputs != null && inputs.contains(ATTENTION_MASK);
    }

    /** The forward arguments for {@code inputs}, from the one ids argument the callers give. */
    static UnaryOperator<NDList> forwardArguments(List<String> inputs) {
        return takesAttentionMask(inputs) ? TextEncoderInputs::withAttentionMask : UnaryOperator.identity();
    }

    private static NDList withAttentionMask(NDList arguments) {
        NDArray ids = arguments.singletonOrThrow();
        return new NDList(ids, ids.neq(0).toType(DataType.INT64, false));
    }

    /** The mask Triage passes for a row of ids: 1 where the id is not 0. */
    public static long[] attentionMask(long[] ids) {
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = ids[i] != 0 ? 1 : 0;
        }
        return mask;
    }
}
