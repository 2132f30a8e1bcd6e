package quotalevy;

/**
 * One record's outcome in a batch ({@link RuleSet#evaluateAll}): either
 * a {@link Result} or the {@link RecordException} that stopped it, at the
 * record's place in the list.
 */
public final class Outcome {
    private final int index;
    private final Result result;
    private final RecordException error;

    Outcome(int index, Result result, RecordException error) {
        this.index = index;
        this.result = result;
        this.error = error;
    }

    /** The record's index in the list given to the batch. */
    public int index() {
        return index;
    }

    /** True when the record was evaluated. */
    public boolean ok() {
        return error == null;
    }

    /** The result; throws the record's exception if it failed. */
    public Result result() {
        if (error != null)
            throw error;
        return result;
    }

    /** The record's exception, or {@code null} if it was evaluated. */
    public RecordException error() {
        return error;
    }

    @Override
    public String toString() {
        return ok() ? "Outcome(" + index + ", " + result + ")"
                    : "Outcome(" + index + ", " + error.getMessage() + ")";
    }
}
